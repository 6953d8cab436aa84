"""Nobody reaches another person's tasks, through any endpoint, method or URL shape."""

import pytest

from tasks.models import Task

from .factories import TaskFactory

HIJACK_PUT = {"title": "Hijacked", "description": "", "completed": True, "priority": "high", "due_date": None}
HIJACK_PATCH = {"title": "Hijacked", "completed": True}

# (method, path, body). `{me}` is the caller's user id, `{victim}` the task owner's,
# `{task}` the owner's task id.
ITEM_OPERATIONS = [
    ("get", "{base}{task}/", None),
    ("put", "{base}{task}/", HIJACK_PUT),
    ("patch", "{base}{task}/", HIJACK_PATCH),
    ("delete", "{base}{task}/", None),
    ("post", "{base}{task}/toggle/", None),
]
BASES = {
    "plain": "/api/tasks/",
    "own-user-id": "/api/{me}/tasks/",
}

# Naming your own id but someone else's task: the task does not exist for you.
NOT_FOUND_CASES = [
    pytest.param(method, path.format(base=base, task="{task}"), body, id=f"{name}-{method}-{path}")
    for name, base in BASES.items()
    for method, path, body in ITEM_OPERATIONS
] + [pytest.param("patch", "/api/{me}/tasks/{task}/complete/", None, id="own-user-id-complete")]

# Naming the owner's id in the path: refused before any task is looked up.
FORBIDDEN_CASES = [
    pytest.param(method, path.format(base="/api/{victim}/tasks/", task="{task}"), body, id=f"{method}-{path}")
    for method, path, body in ITEM_OPERATIONS
] + [
    pytest.param("patch", "/api/{victim}/tasks/{task}/complete/", None, id="complete"),
    pytest.param("get", "/api/{victim}/tasks/", None, id="list"),
    pytest.param("post", "/api/{victim}/tasks/", {"title": "Planted"}, id="create"),
]


def snapshot(owner):
    return list(Task.objects.filter(owner=owner).order_by("id").values())


@pytest.fixture
def victims_task(owner):
    return TaskFactory(owner=owner, due_date="2030-05-01")


def call(client, method, path, body, *, me, victim, task):
    url = path.format(me=me.pk, victim=victim.pk, task=task.pk)
    return getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)


@pytest.mark.parametrize(("method", "path", "body"), NOT_FOUND_CASES)
def test_another_users_task_is_not_found_and_stays_unchanged(
    stranger_client, stranger, owner, victims_task, method, path, body
):
    before = snapshot(owner)

    response = call(stranger_client, method, path, body, me=stranger, victim=owner, task=victims_task)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert snapshot(owner) == before


@pytest.mark.parametrize(("method", "path", "body"), FORBIDDEN_CASES)
def test_naming_another_user_in_the_path_is_forbidden_and_changes_nothing(
    stranger_client, stranger, owner, victims_task, method, path, body
):
    before = snapshot(owner)

    response = call(stranger_client, method, path, body, me=stranger, victim=owner, task=victims_task)

    assert response.status_code == 403
    assert response.json() == {"detail": "You cannot access another user's data.", "code": "forbidden_user"}
    assert snapshot(owner) == before


@pytest.mark.parametrize("base", BASES.values(), ids=BASES.keys())
def test_another_users_tasks_are_not_listed(stranger_client, stranger, victims_task, base):
    response = stranger_client.get(base.format(me=stranger.pk))

    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("base", BASES.values(), ids=BASES.keys())
def test_a_created_task_belongs_to_the_caller_whatever_owner_the_body_names(stranger_client, stranger, owner, base):
    response = stranger_client.post(base.format(me=stranger.pk), {"title": "Mine", "owner": owner.pk}, format="json")

    assert response.status_code == 201
    assert Task.objects.get(pk=response.json()["id"]).owner == stranger
    assert not owner.tasks.exists()
