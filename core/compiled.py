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
"""

from dataclasses import dataclass

from django.db import connections
from django.db.models.query import ModelIterable


@dataclass(frozen=True)
class Placeholder:
    """Where a request's value goes: `value` stands in for it in the queryset, `field` prepares it."""

    value: object
    field: object


class CompiledQuery:
    def __init__(self, queryset, **placeholders):
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

    def fetch(self, **values):
        """The instances the queryset would give with these values in the placeholders' places.

        A value no placeholder of this query names is not used.
        """
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self._params(values, connection))
            rows = cursor.fetchall()
        return [self._instance(row, connection) for row in rows]

    def count(self, **values):
        """How many rows `fetch` would give, counted by the database.

        The query counted as a subquery, as Django counts a sliced or distinct
        queryset; the database flattens it (PostgreSQL then reads an index alone).
        """
        connection = connections[self.using]
        with connection.cursor() as cursor:
            # `self.sql` is Django's own compiled SQL; the values go as parameters.
            cursor.execute(f"SELECT COUNT(*) FROM ({self.sql}) counted", self._params(values, connection))  # noqa: S608
            return cursor.fetchone()[0]

    def _params(self, values, connection):
        params = list(self.params)
        for name, (field, positions) in self.placeholders.items():
            prepared = field.get_db_prep_value(values[name], connection)
            for position in positions:
                params[position] = prepared
        return params

    def _instance(self, row, connection):
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


def _refuse_unless_plain(queryset):
    query = queryset.query
    if (
        queryset._iterable_class is not ModelIterable
        or query.select_related
        or queryset._prefetch_related_lookups
        or queryset._known_related_objects
        or query.deferred_loading != (frozenset(), True)
        or query.combinator
    ):
        raise ValueError("CompiledQuery runs only plain querysets of one model's rows")


def _positions(params, placeholder, connection, name):
    prepared = placeholder.field.get_db_prep_value(placeholder.value, connection)
    positions = tuple(index for index, param in enumerate(params) if param == prepared)
    if not positions:
        raise ValueError(f"The placeholder for {name!r} is not among the query's parameters")
    return positions
