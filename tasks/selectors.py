"""The task reads every list and every single-task request makes, with their SQL compiled once (`core.compiled`)."""

import datetime
import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Subquery

from core.compiled import CompiledQuery, Placeholder
from orgs.models import Membership
from orgs.selectors import membership_role

from .models import Task

# Values that stand in for a request's own while the SQL is compiled; any other parameter differs from them.
_OWNER_ID = Placeholder("\x00owner-id\x00", Task._meta.get_field("owner"))
_TASK_ID = Placeholder(uuid.UUID(int=0), Task._meta.pk)
_ORGANIZATION_ID = Placeholder("\x00organization-id\x00", Task._meta.get_field("organization"))
_MEMBER_ID = Placeholder("\x00member-id\x00", Membership._meta.get_field("user_id"))


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


# An organization's tasks. Reads that a member makes join the member's membership, so that the membership
# and the tasks come in one round trip: a task row read this way carries the member's role (`member_role`),
# and a non-member reads no rows at all. Only when no row comes is the membership read on its own (to tell
# an empty page from a stranger).


def tasks_of_organization(*, organization_id: str) -> QuerySet[Task]:
    """The organization's tasks, in the list's order when the query string names none (as a person's)."""
    return Task.objects.filter(organization_id=organization_id)


def _as_member(tasks: QuerySet[Task], organization_id: str, member_id: str) -> QuerySet[Task]:
    # The role as a scalar subquery naming the organization itself, not the row's: PostgreSQL runs it once
    # (an InitPlan, by the unique index of memberships) and reads no task when it finds no membership.
    role = Membership.objects.filter(organization_id=organization_id, user_id=member_id).values("role")
    return tasks.annotate(member_role=Subquery(role)).filter(member_role__isnull=False)


def task_get_for_member(
    *, organization_id: str, member_id: str, task_id: uuid.UUID | str
) -> tuple[Task | None, str | None]:
    """The organization's task with this id (None when it holds none), and the member's role (None: no member).

    One query when the task is there; the membership is read on its own only when it is not.
    """
    try:
        tasks = CompiledQuery.once("task_get_for_member", _member_task_query).fetch(
            organization_id=organization_id, member_id=member_id, task_id=task_id
        )
    except ValidationError:
        tasks = []
    if tasks:
        return tasks[0], tasks[0].member_role
    return None, membership_role(organization_id=organization_id, user_id=member_id)


def _member_task_query() -> CompiledQuery:
    return CompiledQuery(
        _member_tasks().filter(pk=_TASK_ID.value),
        organization_id=_ORGANIZATION_ID,
        member_id=_MEMBER_ID,
        task_id=_TASK_ID,
    )


class OrganizationTaskPages:
    """An organization's tasks as a member reads them, sliced and counted as a paginator does (as OwnedTaskPages).

    `on_role` is called with the member's role (None: no member) the first
    time it is known, before anything the list holds is used: from the first
    slice's rows, or from the membership read on its own when they tell
    nothing (an empty slice) or when the count comes first (a later page). It
    may raise, and then the paginator learns nothing, not even how many pages
    there are.
    """

    ordered = True

    def __init__(self, *, organization_id: str, member_id: str, on_role: Callable[[str | None], object]) -> None:
        self.organization_id = organization_id
        self.member_id = member_id
        self.on_role = on_role
        self.role_known = False

    def count(self) -> int:
        if not self.role_known:
            self._know(membership_role(organization_id=self.organization_id, user_id=self.member_id))
        return CompiledQuery.once("tasks_of_organization count", _member_count_query).count(
            organization_id=self.organization_id, member_id=self.member_id
        )

    def __getitem__(self, page: slice) -> list[Task]:
        if not isinstance(page, slice) or page.step is not None:
            raise TypeError("OrganizationTaskPages is only sliced, as a paginator slices it")
        shape = (page.start, page.stop)
        # Tasks annotated with `member_role` (fetch answers them untyped).
        tasks = CompiledQuery.once(("tasks_of_organization", shape), lambda: _member_page_query(page)).fetch(
            organization_id=self.organization_id, member_id=self.member_id
        )
        if not self.role_known:
            role = tasks[0].member_role if tasks else None
            self._know(role or membership_role(organization_id=self.organization_id, user_id=self.member_id))
        return tasks

    def _know(self, role: str | None) -> None:
        self.role_known = True
        self.on_role(role)


def _member_tasks() -> QuerySet[Task]:
    return _as_member(
        tasks_of_organization(organization_id=_ORGANIZATION_ID.value), _ORGANIZATION_ID.value, _MEMBER_ID.value
    )


def _member_count_query() -> CompiledQuery:
    return CompiledQuery(_member_tasks().order_by(), organization_id=_ORGANIZATION_ID, member_id=_MEMBER_ID)


def _member_page_query(page: slice) -> CompiledQuery:
    return CompiledQuery(_member_tasks()[page], organization_id=_ORGANIZATION_ID, member_id=_MEMBER_ID)
