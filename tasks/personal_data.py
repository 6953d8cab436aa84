"""A person's tasks in their account's export and erasure (accounts.personal_data; registered in tasks/apps.py):
their own, and the organizations' tasks they created."""

from collections.abc import Iterator
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from accounts.models import User

from .models import Task
from .serializers import OrganizationTaskSerializer, TaskSerializer

# Tasks read per round trip while an export streams.
EXPORT_CHUNK_SIZE = 500
# What an erased task's admin history calls it: its title is gone.
ERASED_TASK_REPR = "(erased task)"


def tasks_export(*, user: User) -> Iterator[dict[str, Any]]:
    """Every task of `user`, oldest first, as the API shows it; read `EXPORT_CHUNK_SIZE` at a time."""
    return _represented(Task.objects.filter(owner_id=user.pk), TaskSerializer())


def tasks_erase(*, user_id: str) -> int:
    """Delete the person's tasks, and their titles from the admin history; answers how many were deleted."""
    _admin_history_redact(user_id)
    deleted, _details = Task.objects.filter(owner_id=user_id).delete()
    return deleted


def organization_tasks_created_export(*, user: User) -> Iterator[dict[str, Any]]:
    """The organizations' tasks `user` created, oldest first, as the organizations' lists show them."""
    return _represented(Task.objects.filter(created_by_id=user.pk), OrganizationTaskSerializer())


def organization_tasks_created_unname(*, user_id: str) -> int:
    """The organizations' tasks the person created stay the organizations', no longer naming them; answers how many."""
    return Task.objects.filter(created_by_id=user_id).update(created_by=None)


def _represented(tasks: QuerySet[Task], serializer: TaskSerializer) -> Iterator[dict[str, Any]]:
    # Oldest first, read EXPORT_CHUNK_SIZE at a time while the export streams.
    for task in tasks.order_by("created_at", "id").iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield serializer.to_representation(task)


def _admin_history_redact(user_id: str) -> None:
    # Django's entries show each task by `str()`: its title.
    task_type = ContentType.objects.get_for_model(Task)
    if not LogEntry.objects.filter(content_type=task_type).exists():
        return
    task_ids = [str(task_id) for task_id in Task.objects.filter(owner_id=user_id).values_list("id", flat=True)]
    for start in range(0, len(task_ids), 500):
        LogEntry.objects.filter(content_type=task_type, object_id__in=task_ids[start : start + 500]).update(
            object_repr=ERASED_TASK_REPR, change_message=""
        )
