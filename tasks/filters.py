"""How the task list is filtered and ordered."""

import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter

from .models import Priority, Task


PRIORITY_NAMES = [priority.api_name for priority in Priority]


# The schema generator would describe the stored rank (an integer); clients send the name.
@extend_schema_field({"type": "string", "enum": PRIORITY_NAMES})
class PriorityFilter(django_filters.TypedChoiceFilter):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[(name, name) for name in PRIORITY_NAMES],
            coerce=Priority.from_api_name,
            **kwargs,
        )


class TaskFilter(django_filters.FilterSet):
    completed = django_filters.BooleanFilter(
        help_text="Only completed (true) or open (false) tasks."
    )
    priority = PriorityFilter(help_text="Only tasks of this priority.")
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", help_text="Only tasks due on or before this date."
    )
    due_after = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", help_text="Only tasks due on or after this date."
    )

    class Meta:
        model = Task
        fields = ["completed", "priority", "due_before", "due_after"]


class StableOrderingFilter(OrderingFilter):
    """The requested ordering, then the id: equal keys never shuffle rows between pages."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view) or []
        return [*ordering, "id"]
