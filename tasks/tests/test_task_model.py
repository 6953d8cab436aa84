"""The rules the Task model keeps itself, whoever saves it (API, admin, shell)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tasks.models import Priority, Task

from .factories import TaskFactory


def test_the_title_is_trimmed_on_save(owner):
    task = Task.objects.create(owner=owner, title="  Tidy up  ")

    assert Task.objects.get(pk=task.pk).title == "Tidy up"


def test_a_blank_title_fails_validation(owner):
    task = Task(owner=owner, title="   ")

    with pytest.raises(ValidationError) as error:
        task.full_clean()

    assert "title" in error.value.message_dict


def test_the_database_refuses_an_empty_title(owner):
    with pytest.raises(IntegrityError):
        Task.objects.create(owner=owner, title=" ")


def test_completing_sets_completed_at_and_reopening_clears_it(owner):
    task = TaskFactory(owner=owner)

    task.set_completed(True)
    completed_at = Task.objects.get(pk=task.pk).completed_at
    task.set_completed(False)

    assert completed_at is not None
    assert Task.objects.get(pk=task.pk).completed_at is None


def test_saving_a_completed_task_again_keeps_its_completion_time(owner):
    task = TaskFactory(owner=owner, completed=True)
    completed_at = task.completed_at

    task.title = "Renamed"
    task.save()

    assert Task.objects.get(pk=task.pk).completed_at == completed_at


def test_toggle_saves_the_completion_and_the_update_time(owner):
    task = TaskFactory(owner=owner)
    updated_at = task.updated_at

    task.toggle_completed()

    stored = Task.objects.get(pk=task.pk)
    assert stored.completed and stored.completed_at is not None
    assert stored.updated_at > updated_at


def test_priorities_rank_low_below_medium_below_high():
    assert Priority.LOW < Priority.MEDIUM < Priority.HIGH
    assert [Priority.from_api_name(name) for name in ("low", "medium", "high")] == list(Priority)


def test_a_new_task_is_open_with_medium_priority(owner):
    task = Task.objects.create(owner=owner, title="Defaults")

    assert (task.completed, task.completed_at, task.priority) == (False, None, Priority.MEDIUM)


def test_deleting_a_user_deletes_their_tasks(owner):
    TaskFactory(owner=owner)

    owner.delete()

    assert not Task.objects.exists()
