"""The task reads every list and every single-task request makes, with their SQL compiled once (`core.compiled`)."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet

from core.compiled import CompiledQuery, Placeholder

from .models import Task

# Values that stand in for a request's own while the SQL is compiled; any other parameter differs from them.
_OWNER_ID = Placeholder("\x00owner-id\x00", Task._meta.get_field("owner"))
_TASK_ID = Placeholder(uuid.UUID(int=0), Task._meta.pk)


def tasks_owned(*, owner_id: str) -> QuerySet[Task]:
    """The owner's tasks, in the list's order when the query string names none (the model's: newest first, then id)."""
    return Task.objects.filter(owner_id=owner_id)


def task_get_owned(*, owner_id: str, task_id: uuid.UUID | str) -> Task | None:
    """The task with this id if `owner_id` owns it, else None (an id that is no UUID included)."""
    try:
        tasks = CompiledQuery.once("task_get_owned", _owned_task_query).fetch(owner_id=owner_id, task_id=task_id)
    except ValidationError:
        return None
    return tasks[0] if tasks else None


def _owned_task_query() -> CompiledQuery:
    tasks = tasks_owned(owner_id=_OWNER_ID.value).filter(pk=_TASK_ID.value)
    return CompiledQuery(tasks, owner_id=_OWNER_ID, task_id=_TASK_ID)


def task_counts(*, owner_id: str, today: datetime.date) -> dict[str, int]:
    """The owner's open, completed, overdue and due-today tasks, counted in one query.

    Overdue: open and due before `today`; due today: open and due on it. Both
    are counted among the open ones too.
    """
    still_open = Q(completed=False)
    # Aliased: an aggregate named `completed` would hide the field the filters read.
    counts = Task.objects.filter(owner_id=owner_id).aggregate(
        n_open=Count("pk", filter=still_open),
        n_completed=Count("pk", filter=Q(completed=True)),
        n_overdue=Count("pk", filter=still_open & Q(due_date__lt=today)),
        n_due_today=Count("pk", filter=still_open & Q(due_date=today)),
    )
    return {name: counts[f"n_{name}"] for name in ("open", "completed", "overdue", "due_today")}


class OwnedTaskPages:
    """The owner's tasks (`tasks_owned`) as a paginator takes them: each slice fetched, and the count.

    Their SQL is compiled with a placeholder owner once per slice, and once
    for counting (`CompiledQuery.once`).
    """

    ordered = True

    def __init__(self, *, owner_id: str) -> None:
        self.owner_id = owner_id

    def count(self) -> int:
        return CompiledQuery.once("tasks_owned count", _count_query).count(owner_id=self.owner_id)

    def __getitem__(self, page: slice) -> list[Task]:
        if not isinstance(page, slice) or page.step is not None:
            raise TypeError("OwnedTaskPages is only sliced, as a paginator slices it")
        shape = (page.start, page.stop)
        return CompiledQuery.once(("tasks_owned", shape), lambda: _page_query(page)).fetch(owner_id=self.owner_id)


def _count_query() -> CompiledQuery:
    return CompiledQuery(tasks_owned(owner_id=_OWNER_ID.value).order_by(), owner_id=_OWNER_ID)


def _page_query(page: slice) -> CompiledQuery:
    return CompiledQuery(tasks_owned(owner_id=_OWNER_ID.value)[page], owner_id=_OWNER_ID)
