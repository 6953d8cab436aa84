"""Business rules about tasks that a view alone cannot keep: how many one person may hold, changes to many at once."""

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from drf_better_auth.exceptions import UserNotFound

from accounts.models import User
from orgs.exceptions import OrganizationNotFound
from orgs.models import Organization

from .exceptions import OrganizationTaskLimitReached, TaskLimitReached, TasksNotFound
from .models import Task

BULK_MAX_IDS = 100
BULK_ACTIONS = ("complete", "reopen", "delete")


def task_limit_ensure_not_reached(*, owner: User) -> None:
    """TaskLimitReached when `owner` already holds `TASKS_MAX_PER_USER` tasks.

    Call it inside the transaction that saves the new task. It locks the
    owner's row until that transaction ends, so that creates for one person
    (from any worker or replica) take turns: each counts, in a statement of
    its own, the tasks the one before it committed, and two creates at the
    cap minus one cannot both pass. Counting in the locking statement would
    not do: a statement that waited for the lock still sees the database as
    it was when the statement began. Reads take no lock and wait for nothing.
    """
    limit = settings.TASKS_MAX_PER_USER
    # FOR NO KEY UPDATE: creates queue behind each other, while rows that only
    # reference the user (their foreign key checks) are not held up.
    locked = get_user_model().objects.select_for_update(no_key=True).filter(pk=owner.pk).values_list("pk")
    if not locked:
        # Deleted, or relinked to a new id, since the token was read: the token's next use says which.
        raise UserNotFound()
    # Counting stops at the limit, so a long list costs no more than a full one.
    if Task.objects.filter(owner_id=owner.pk)[:limit].count() >= limit:
        raise TaskLimitReached(limit)


def organization_task_limit_ensure_not_reached(*, organization_id: str) -> None:
    """OrganizationTaskLimitReached when the organization holds `TASKS_MAX_PER_ORGANIZATION` tasks.

    As `task_limit_ensure_not_reached`, with the organization's row locked:
    call it inside the transaction that saves the new task.
    """
    limit = settings.TASKS_MAX_PER_ORGANIZATION
    locked = Organization.objects.select_for_update(no_key=True).filter(pk=organization_id).values_list("pk")
    if not locked:
        # Deleted since the membership was read.
        raise OrganizationNotFound()
    if Task.objects.filter(organization_id=organization_id)[:limit].count() >= limit:
        raise OrganizationTaskLimitReached(limit)


def tasks_bulk_change(*, owner_id: str, action: str, task_ids: Iterable[uuid.UUID]) -> int:
    """Complete, reopen or delete the owner's tasks with these ids, all or none; answers how many changed.

    Every id must name one of the owner's tasks: any other (another person's,
    or none) raises TasksNotFound and changes nothing. The tasks are locked
    (in id order, so that two bulk requests over the same tasks queue rather
    than deadlock) and checked in the transaction that changes them.

    `complete` and `reopen` change only the tasks not already so, and keep
    `completed_at` as Task.save does (set when completed, kept while it stays
    completed, cleared when reopened); an update bypasses save(), so it and
    `updated_at` are written here. Every task deleted counts as changed.
    """
    task_ids = set(task_ids)
    if not task_ids:
        return 0
    with transaction.atomic():
        owned = Task.objects.filter(owner_id=owner_id, pk__in=task_ids)
        locked = owned.select_for_update().order_by("pk").values_list("pk", flat=True)
        if len(list(locked)) != len(task_ids):
            raise TasksNotFound()
        if action == "delete":
            deleted, _ = owned.delete()
            return deleted
        now = timezone.now()
        if action == "complete":
            return owned.filter(completed=False).update(completed=True, completed_at=now, updated_at=now)
        if action == "reopen":
            return owned.filter(completed=True).update(completed=False, completed_at=None, updated_at=now)
        raise ValueError(f"unknown bulk action {action!r}")
