"""How the task list is filtered and ordered."""

import copy
import functools
from collections.abc import Mapping, Sequence
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.views import APIView

from .models import Priority, Task

PRIORITY_NAMES = [priority.api_name for priority in Priority]
ISO_DATE = ["%Y-%m-%d"]


# The schema generator would describe the stored rank (an integer); clients send the name.
@extend_schema_field({"type": "string", "enum": PRIORITY_NAMES})
class PriorityFilter(django_filters.TypedChoiceFilter):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=[(name, name) for name in PRIORITY_NAMES],
            coerce=Priority.from_api_name,
            **kwargs,
        )


class StrictNullBooleanField(forms.NullBooleanField):
    """`true`/`false` (or `True`/`False`, `1`/`0`); empty is no filter, anything else is refused.

    Django's NullBooleanField reads every other value as "unknown", which
    would quietly drop the filter and list every task.
    """

    widget = forms.TextInput
    TRUE = frozenset({"true", "True", "1"})
    FALSE = frozenset({"false", "False", "0"})

    # None is "no filter"; the stubs give NullBooleanField's to_python BooleanField's type.
    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value in (None, ""):
            return None
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return False
        raise forms.ValidationError("Must be true or false.", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictNullBooleanField


class TaskFilter(django_filters.FilterSet):
    completed = StrictBooleanFilter(help_text="Only completed (true) or open (false) tasks.")
    priority = PriorityFilter(help_text="Only tasks of this priority.")
    # ISO dates only, as in task bodies: Django's form would also read 01/02/2030 (as January 2).
    due_before = django_filters.DateFilter(
        field_name="due_date",
        lookup_expr="lte",
        input_formats=ISO_DATE,
        help_text="Only tasks due on or before this date (YYYY-MM-DD).",
    )
    due_after = django_filters.DateFilter(
        field_name="due_date",
        lookup_expr="gte",
        input_formats=ISO_DATE,
        help_text="Only tasks due on or after this date (YYYY-MM-DD).",
    )

    class Meta:
        model = Task
        fields = ["completed", "priority", "due_before", "due_after"]


class StableOrderingFilter(OrderingFilter):
    """The requested ordering, then the id: equal keys never shuffle rows between pages.

    A term that names no field of `ordering_fields` is a 400 naming the
    parameter; DRF's own filter would drop it and answer the default order.
    """

    ordering_description = (
        "Comma-separated: created_at, updated_at, due_date, priority (by importance), title; "
        "'-' before a name for descending. Newest first (-created_at) by default; ties are broken "
        "by id. Any other name answers 400."
    )

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: APIView) -> list[str]:
        ordering = super().get_ordering(request, queryset, view) or []
        return [*ordering, "id"]

    # DRF passes the list of terms asked for; the stubs say any iterable.
    def remove_invalid_fields(  # type: ignore[override]
        self, queryset: QuerySet[Any], fields: Sequence[str], view: APIView, request: Request
    ) -> list[str]:
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        if len(valid) != len(fields):
            names = ", ".join(name for name, _ in self.get_valid_fields(queryset, view, {"request": request}))
            raise ValidationError(
                {
                    self.ordering_param: [
                        f"Order by one or more of {names}, comma-separated; '-' before a name for descending."
                    ]
                }
            )
        return valid


class TaskFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend, without building the filter form when the query string names no filter.

    Every filter is then empty and the FilterSet would return the queryset as
    it is, after binding and validating a form on every request (the list's
    and every single task's).
    """

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: APIView) -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not _names_a_filter(filterset_class, request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _names_a_filter(filterset_class: type[django_filters.FilterSet], query_params: Mapping[str, Any]) -> bool:
    # Each filter's own widget says which keys of the query string it reads.
    return any(
        not filter_.field.widget.value_omitted_from_data(query_params, {}, name)
        # django-filter ships no types: its FilterSet reads as Any, which mypy does not take as hashable.
        for name, filter_ in _probe_filters(filterset_class).items()  # type: ignore[arg-type]
    )


@functools.cache
def _probe_filters(filterset_class: type[django_filters.FilterSet]) -> dict[str, django_filters.Filter]:
    # A copy: building `field` on the class's own filters would be copied into every FilterSet.
    return copy.deepcopy(filterset_class.base_filters)
