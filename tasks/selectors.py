"""The task reads every list and every single-task request makes, with their SQL compiled once (`core.compiled`)."""

import functools
import uuid

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, Q

from core.compiled import CompiledQuery, Placeholder

from .models import Task

# Values that stand in for a request's own while the SQL is compiled; any other parameter differs from them.
_OWNER_ID = Placeholder("\x00owner-id\x00", Task._meta.get_field("owner"))
_TASK_ID = Placeholder(uuid.UUID(int=0), Task._meta.pk)


def task_get_owned(*, owner_id, task_id):
    """The task with this id if `owner_id` owns it, else None (an id that is no UUID included)."""
    try:
        tasks = _owned_task_query(connections[DEFAULT_DB_ALIAS].vendor).fetch(owner_id=owner_id, task_id=task_id)
    except ValidationError:
        return None
    return tasks[0] if tasks else None


def task_counts(*, owner_id, today):
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


@functools.cache
def _owned_task_query(vendor):
    # `vendor` keys the cache: the SQL is the default database's dialect.
    tasks = Task.objects.filter(owner_id=_OWNER_ID.value, pk=_TASK_ID.value)
    return CompiledQuery(tasks, owner_id=_OWNER_ID, task_id=_TASK_ID)


class OwnedTaskPages:
    """A list's tasks as its paginator takes them: each slice fetched, and the count, with SQL compiled once.

    `listing(owner_id)` is the list's own queryset, filters and order applied,
    for any owner; its SQL is compiled with a placeholder owner once per
    `key` (a view class, say) and slice, and once for counting.
    """

    ordered = True

    def __init__(self, *, key, listing, owner_id):
        self.key = key
        self.listing = listing
        self.owner_id = owner_id

    def count(self):
        return self._query("count", lambda tasks: tasks.order_by()).count(owner_id=self.owner_id)

    def __getitem__(self, page):
        if not isinstance(page, slice) or page.step is not None:
            raise TypeError("OwnedTaskPages is only sliced, as a paginator slices it")
        return self._query((page.start, page.stop), lambda tasks: tasks[page]).fetch(owner_id=self.owner_id)

    def _query(self, shape, shaped):
        # `vendor`: the SQL is the default database's dialect.
        cache_key = (self.key, connections[DEFAULT_DB_ALIAS].vendor, shape)
        query = _listing_queries.get(cache_key)
        if query is None:
            if len(_listing_queries) >= MAX_COMPILED_LISTINGS:
                _listing_queries.clear()
            query = CompiledQuery(shaped(self.listing(_OWNER_ID.value)), owner_id=_OWNER_ID)
            _listing_queries[cache_key] = query
        return query


# Compiled listing queries by (key, vendor, slice or "count"): page sizes times the pages clients ask for.
_listing_queries = {}
MAX_COMPILED_LISTINGS = 512
