"""Business rules about tasks that a view alone cannot keep: how many one person may hold."""

from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.exceptions import UserNotFound

from .exceptions import TaskLimitReached
from .models import Task


def task_limit_ensure_not_reached(*, owner):
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
