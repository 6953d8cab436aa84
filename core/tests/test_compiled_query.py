"""A queryset compiled once answers, for any values in its placeholders' places, what the ORM answers."""

import uuid

import django
import pytest
from django.core.checks import run_checks
from django.db.models import Exists, OuterRef

from accounts.models import User
from accounts.tests.factories import UserFactory
from core import compiled as compiled_module
from core.compiled import VERIFIED_DJANGO_VERSIONS, CompiledQuery, Placeholder, django_verified_errors
from tasks.models import Task
from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

OWNER = Placeholder("\x00owner\x00", Task._meta.get_field("owner"))
TASK = Placeholder(uuid.UUID(int=0), Task._meta.pk)


def field_values(instance):
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_the_rows_are_the_instances_the_orm_gives_in_its_order():
    owner = UserFactory()
    TaskFactory.create_batch(4, owner=owner, completed=True)
    TaskFactory.create_batch(2, owner=UserFactory())
    compiled = CompiledQuery(Task.objects.filter(owner_id=OWNER.value), owner_id=OWNER)

    fetched = compiled.fetch(owner_id=owner.pk)

    expected = list(Task.objects.filter(owner_id=owner.pk))
    assert [field_values(task) for task in fetched] == [field_values(task) for task in expected]
    assert all(task._state.adding is False and task._state.db == "default" for task in fetched)
    assert all(task.completed is True for task in fetched)


def test_a_uuid_goes_in_as_its_field_prepares_it():
    task = TaskFactory()
    compiled = CompiledQuery(Task.objects.filter(pk=TASK.value), task_id=TASK)

    assert [found.pk for found in compiled.fetch(task_id=task.pk)] == [task.pk]
    assert [found.pk for found in compiled.fetch(task_id=str(task.pk))] == [task.pk]
    assert compiled.fetch(task_id=uuid.uuid4()) == []


def test_annotations_are_converted_as_the_orm_converts_them():
    busy, idle = UserFactory(), UserFactory()
    TaskFactory(owner=busy)
    users = User.objects.filter(pk=OWNER.value).annotate(has_tasks=Exists(Task.objects.filter(owner=OuterRef("pk"))))
    compiled = CompiledQuery(users, owner_id=Placeholder(OWNER.value, User._meta.pk))

    assert compiled.fetch(owner_id=busy.pk)[0].has_tasks is True
    assert compiled.fetch(owner_id=idle.pk)[0].has_tasks is False


def test_a_placeholder_used_twice_takes_the_value_in_both_places():
    owner = UserFactory()
    TaskFactory(owner=owner, title=owner.pk)
    TaskFactory(owner=owner, title="another title")
    compiled = CompiledQuery(Task.objects.filter(owner_id=OWNER.value, title=OWNER.value), owner_id=OWNER)

    assert [task.title for task in compiled.fetch(owner_id=owner.pk)] == [owner.pk]


def test_values_are_parameters_never_sql():
    owner = UserFactory()
    TaskFactory(owner=owner)
    compiled = CompiledQuery(Task.objects.filter(owner_id=OWNER.value), owner_id=OWNER)

    assert compiled.fetch(owner_id="x' OR '1'='1") == []


def test_a_placeholder_missing_from_the_query_is_refused():
    with pytest.raises(ValueError, match="owner_id"):
        CompiledQuery(Task.objects.filter(owner_id="someone"), owner_id=OWNER)


@pytest.mark.parametrize(
    "queryset",
    [
        pytest.param(lambda: Task.objects.filter(owner_id=OWNER.value).select_related("owner"), id="select_related"),
        pytest.param(lambda: Task.objects.filter(owner_id=OWNER.value).prefetch_related("owner"), id="prefetch"),
        pytest.param(lambda: Task.objects.filter(owner_id=OWNER.value).only("title"), id="deferred"),
        pytest.param(lambda: Task.objects.filter(owner_id=OWNER.value).values("title"), id="values"),
    ],
)
def test_querysets_that_are_not_plain_rows_of_one_model_are_refused(queryset):
    with pytest.raises(ValueError, match="plain querysets"):
        CompiledQuery(queryset(), owner_id=OWNER)


def test_the_count_is_the_orms_count_for_each_value():
    owner = UserFactory()
    TaskFactory.create_batch(7, owner=owner)
    TaskFactory.create_batch(3, owner=UserFactory())
    compiled = CompiledQuery(Task.objects.filter(owner_id=OWNER.value), owner_id=OWNER)

    assert compiled.count(owner_id=owner.pk) == Task.objects.filter(owner_id=owner.pk).count() == 7
    assert compiled.count(owner_id="nobody") == 0


@pytest.fixture
def no_compiled_queries(monkeypatch):
    monkeypatch.setattr(compiled_module, "_compiled", {})
    return compiled_module._compiled


def test_once_builds_a_query_the_first_time_its_key_is_asked_for_and_then_keeps_it(no_compiled_queries):
    owner = UserFactory()
    TaskFactory(owner=owner)
    builds = []

    def build():
        builds.append("built")
        return CompiledQuery(Task.objects.filter(owner_id=OWNER.value), owner_id=OWNER)

    first = CompiledQuery.once("owners tasks", build)
    again = CompiledQuery.once("owners tasks", build)

    assert again is first and builds == ["built"]
    assert [task.owner_id for task in again.fetch(owner_id=owner.pk)] == [owner.pk]


def test_once_keeps_at_most_its_bound_and_lets_the_oldest_go(no_compiled_queries, monkeypatch):
    monkeypatch.setattr(compiled_module, "MAX_COMPILED_QUERIES", 3)

    def build():
        return CompiledQuery(Task.objects.filter(owner_id=OWNER.value), owner_id=OWNER)

    kept = [CompiledQuery.once(key, build) for key in ("a", "b", "c", "d")]

    assert [key for key, _backend in no_compiled_queries] == ["b", "c", "d"]
    assert CompiledQuery.once("d", build) is kept[3]
    assert CompiledQuery.once("a", build) is not kept[0]


def test_the_running_django_is_one_the_mechanism_was_verified_against():
    assert django.VERSION[:2] in VERIFIED_DJANGO_VERSIONS
    assert "core.E030" not in {message.id for message in run_checks()}


@pytest.mark.parametrize("version", [(6, 0, 0, "final", 0), (5, 1, 9, "final", 0), (4, 2, 27, "final", 0)])
def test_any_other_django_stops_start_up(version):
    errors = django_verified_errors(version)

    assert [error.id for error in errors] == ["core.E030"]
    assert ".".join(map(str, version[:3])) in errors[0].msg
