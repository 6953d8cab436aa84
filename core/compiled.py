"""Querysets compiled to SQL once per process, then run with each request's values.

Django compiles a queryset to SQL every time it runs it. For the reads every
request makes (the token's user, a page of tasks, one task), building and
compiling the queryset cost about as much as the database round trip itself,
and `QuerySet.raw`, which runs ready SQL, spends nearly as much again matching
the cursor's columns to the model's fields (docs/benchmarks.md).

A `CompiledQuery` is made from an ordinary queryset in which each value a
request supplies is a placeholder: a value of the field's type that no
request can supply. It keeps the ORM's own SQL and parameters, where each
placeholder went, and what Django's `ModelIterable` works out before turning
rows into instances: the fields each column loads, the annotations, the
database's converters. `fetch` runs the SQL with the request's values, each
prepared by its field as the ORM prepares it, in the placeholders' places,
and builds instances as the ORM does (`Model.from_db`).

Only plain querysets of one model: anything that loads more than one model's
columns or changes how rows become instances is refused when compiled.

`CompiledQuery.once(key, build)` is how callers keep them: one bounded cache,
here, of every query compiled in the process. It reads Django's compiler
internals (`klass_info`, `annotation_col_map`, the select list's layout), so
it is verified against each Django release it runs on: a system check
(`core.E030`) stops start-up on any Django outside `VERIFIED_DJANGO_VERSIONS`.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import django
from django.core.checks import CheckMessage, Error
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model, QuerySet
from django.db.models.query import ModelIterable

# The Django releases (major, minor) whose compiler internals this module was checked against: its
# tests (core/tests/test_compiled_query.py) and the ones comparing both roads of each read
# (tasks/tests/test_compiled_reads.py, accounts/tests/test_user_for_token_query.py) pass on them.
# Add a release here only after those tests pass on it.
VERIFIED_DJANGO_VERSIONS = ((5, 2),)

# Compiled queries by (key, the default database's backend): the few reads every request makes, and a
# list's shapes (page sizes times the pages clients ask for), which clients choose. Bounded: when full,
# the oldest entry goes; a query evicted is compiled again when next asked for.
MAX_COMPILED_QUERIES = 512
_compiled: dict[Hashable, "CompiledQuery"] = {}


Value = TypeVar("Value")


@dataclass(frozen=True)
class Placeholder(Generic[Value]):
    """Where a request's value goes: `value` stands in for it in the queryset, `field` prepares it."""

    value: Value
    field: "Field[Any, Any]"


class CompiledQuery:
    @staticmethod
    def once(key: Hashable, build: Callable[[], "CompiledQuery"]) -> "CompiledQuery":
        """The query compiled for `key`: `build()` makes it the first time `key` is asked for, in this process.

        `build` answers a `CompiledQuery`; it is called only when the key is not
        kept (first use, or after eviction). The SQL is the default database's
        dialect, so its backend is part of the key: read from the connections'
        settings, not from the connection (a thread-local lookup, ~2 µs).
        """
        cache_key = (key, connections.settings[DEFAULT_DB_ALIAS]["ENGINE"])
        query = _compiled.get(cache_key)
        if query is None:
            query = build()
            if len(_compiled) >= MAX_COMPILED_QUERIES:
                # Dicts keep insertion order: the first key is the oldest. Another thread may have taken it.
                _compiled.pop(next(iter(_compiled), None), None)
            _compiled[cache_key] = query
        return query

    def __init__(self, queryset: QuerySet[Any], **placeholders: Placeholder[Any]) -> None:
        _refuse_unless_plain(queryset)
        self.model = queryset.model
        self.using = queryset.db
        compiler = queryset.query.get_compiler(using=self.using)
        self.sql, params = compiler.as_sql()
        self.params = tuple(params)
        connection = compiler.connection
        self.placeholders = {
            name: (placeholder.field, _positions(self.params, placeholder, connection, name))
            for name, placeholder in placeholders.items()
        }
        select_fields = compiler.klass_info["select_fields"]
        self.fields = slice(select_fields[0], select_fields[-1] + 1)
        self.init_list = [column[0].target.attname for column in compiler.select[self.fields]]
        self.annotations = tuple(compiler.annotation_col_map.items())
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = tuple(compiler.get_converters(columns).items())

    def fetch(self, **values: object) -> list[Any]:
        """The instances the queryset would give with these values in the placeholders' places.

        A value no placeholder of this query names is not used.
        """
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self._params(values, connection))
            rows = cursor.fetchall()
        return [self._instance(row, connection) for row in rows]

    def count(self, **values: object) -> int:
        """How many rows `fetch` would give, counted by the database.

        The query counted as a subquery, as Django counts a sliced or distinct
        queryset; the database flattens it (PostgreSQL then reads an index alone).
        """
        connection = connections[self.using]
        with connection.cursor() as cursor:
            # `self.sql` is Django's own compiled SQL; the values go as parameters.
            cursor.execute(f"SELECT COUNT(*) FROM ({self.sql}) counted", self._params(values, connection))  # noqa: S608
            return cursor.fetchone()[0]

    def _params(self, values: dict[str, object], connection: BaseDatabaseWrapper) -> list[Any]:
        params = list(self.params)
        for name, (field, positions) in self.placeholders.items():
            prepared = field.get_db_prep_value(values[name], connection)
            for position in positions:
                params[position] = prepared
        return params

    def _instance(self, row: Sequence[object], connection: BaseDatabaseWrapper) -> Model:
        if self.converters:
            row = list(row)
            for position, (converters, expression) in self.converters:
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
        instance = self.model.from_db(self.using, self.init_list, row[self.fields])
        for name, position in self.annotations:
            setattr(instance, name, row[position])
        return instance


def _refuse_unless_plain(queryset: QuerySet[Any]) -> None:
    query = queryset.query
    if (
        queryset._iterable_class is not ModelIterable
        or query.select_related
        # Private attributes that django-stubs does not declare.
        or queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        or queryset._known_related_objects  # type: ignore[attr-defined]
        or query.deferred_loading != (frozenset(), True)
        or query.combinator
    ):
        raise ValueError("CompiledQuery runs only plain querysets of one model's rows")


def _positions(
    params: tuple[object, ...], placeholder: Placeholder[Any], connection: BaseDatabaseWrapper, name: str
) -> tuple[int, ...]:
    prepared = placeholder.field.get_db_prep_value(placeholder.value, connection)
    positions = tuple(index for index, param in enumerate(params) if param == prepared)
    if not positions:
        raise ValueError(f"The placeholder for {name!r} is not among the query's parameters")
    return positions


def django_verified_errors(version: tuple[int | str, ...] = django.VERSION) -> list[CheckMessage]:
    """An error unless `version` (Django's `VERSION`) is a release in `VERIFIED_DJANGO_VERSIONS`."""
    if tuple(version[:2]) in VERIFIED_DJANGO_VERSIONS:
        return []
    verified = ", ".join(".".join(map(str, release)) for release in VERIFIED_DJANGO_VERSIONS)
    running = ".".join(map(str, version[:3]))
    return [
        Error(
            f"core.compiled was verified against Django {verified}, not {running}: it reads the ORM compiler's "
            "internals to run the SQL of every list, task and token read.",
            hint="Run core/tests/test_compiled_query.py, tasks/tests/test_compiled_reads.py and "
            "accounts/tests/test_user_for_token_query.py on this Django; when they pass, add its release to "
            "core.compiled.VERIFIED_DJANGO_VERSIONS.",
            id="core.E030",
        )
    ]
