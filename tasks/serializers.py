import datetime
import functools
import uuid
import zoneinfo
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from rest_framework import serializers

from .models import Priority, Task
from .services import BULK_ACTIONS, BULK_MAX_IDS


class PriorityField(serializers.ChoiceField):
    """The priority by name (`low`, `medium`, `high`); the database keeps its rank."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[priority.api_name for priority in Priority], **kwargs)

    # The stubs type a ChoiceField as reading and writing text; this one reads a name into a rank.
    def to_internal_value(self, data: Any) -> Priority:  # type: ignore[override]
        return Priority.from_api_name(super().to_internal_value(data))

    def to_representation(self, value: int) -> str:  # type: ignore[override]
        return Priority(value).api_name


class TaskSerializer(serializers.ModelSerializer[Task]):
    owner = serializers.CharField(source="owner_id", read_only=True, help_text="The owner's user id.")
    priority = PriorityField(required=False, help_text="How important the task is; `medium` by default.")

    class Meta:
        model = Task
        fields = [
            "id",
            "owner",
            "title",
            "description",
            "completed",
            "completed_at",
            "priority",
            "due_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "completed_at", "created_at", "updated_at"]
        # The server's zone (TIME_ZONE; nothing activates another), named once: left
        # unnamed, DRF looks up the current zone again for every time it writes.
        extra_kwargs = {
            name: {"default_timezone": timezone.get_default_timezone()}
            for name in ("completed_at", "created_at", "updated_at")
        }

    def to_representation(self, instance: Task) -> dict[str, Any]:
        # What DRF's Serializer.to_representation answers, without its cost per
        # serializer (building every field from the model) and per task (each
        # field's get_attribute): the same fields' own conversions, listed once.
        return {
            name: None if (value := getattr(instance, attribute)) is None else convert(value)
            for name, attribute, convert in _task_readers()
        }


def task_etag(representation: Mapping[str, Any]) -> str:
    """The task's entity tag (strong), from its representation: `"<id>@<updated_at>"`.

    Every change sets `updated_at`, so the tag changes with every change. It is
    built from what the API shows, so that a client holding a task from a list
    (which carries no ETag per task) can send If-Match for it.
    """
    return f'"{representation["id"]}@{representation["updated_at"]}"'


@functools.cache
def _task_readers() -> tuple[tuple[str, str, Callable[[Any], Any]], ...]:
    readers = []
    for name, field in TaskSerializer().fields.items():
        if field.write_only:
            continue
        # Plain attributes only: a dotted or "*" source needs DRF's own walk.
        if len(field.source_attrs) != 1 or field.source == "*":
            raise ImproperlyConfigured(f"TaskSerializer.{name}: only plain attribute sources are read this way.")
        readers.append((name, field.source_attrs[0], field.to_representation))
    return tuple(readers)


@functools.cache
def _time_zone_names() -> frozenset[str]:
    # Read from the time zone database once per process; any other name is refused unread.
    return frozenset(zoneinfo.available_timezones())


class SummaryQuerySerializer(serializers.Serializer):
    """The query string of the summary: the caller's time zone, which decides when today is."""

    tz = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="An IANA time zone name (e.g. `Europe/Paris`) that decides which day is today; UTC by default.",
    )

    def validate_tz(self, value: str) -> datetime.tzinfo:
        if value == "":
            return datetime.UTC
        if value not in _time_zone_names():
            raise serializers.ValidationError("Unknown time zone: give an IANA name such as Europe/Paris.")
        return zoneinfo.ZoneInfo(value)


class TaskSummarySerializer(serializers.Serializer):
    """Counts of the caller's tasks, for badges."""

    open = serializers.IntegerField(help_text="Tasks not completed, overdue ones included.")
    completed = serializers.IntegerField(help_text="Completed tasks.")
    overdue = serializers.IntegerField(help_text="Open tasks due before today in the caller's time zone.")
    due_today = serializers.IntegerField(help_text="Open tasks due today in the caller's time zone.")


class StrictUUIDField(serializers.UUIDField):
    """A UUID given as a string: DRF's UUIDField would also read a number (even `true`) as one."""

    def to_internal_value(self, data: Any) -> uuid.UUID:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class TaskIdsField(serializers.ListField):
    """Task ids; a malformed one is reported under the field itself (`ids`), by position, not by value."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=StrictUUIDField(), **kwargs)

    def run_child_validation(self, data: list[Any]) -> list[uuid.UUID]:
        ids, malformed = [], []
        for position, item in enumerate(data):
            try:
                ids.append(self.child.run_validation(item))
            except serializers.ValidationError:
                malformed.append(str(position))
        if malformed:
            shown = ", ".join(malformed[:10]) + (", ..." if len(malformed) > 10 else "")
            where = f"the items at positions {shown}" if len(malformed) > 1 else f"the item at position {shown}"
            raise serializers.ValidationError([f"Not a task id (a UUID): {where}."])
        return ids


class BulkActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=BULK_ACTIONS, help_text="`complete`, `reopen` or `delete` every task named."
    )
    ids = TaskIdsField(
        max_length=BULK_MAX_IDS,
        help_text=f"The ids of the caller's tasks, at most {BULK_MAX_IDS}; a repeated id counts once.",
    )


class BulkResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField(
        help_text="How many tasks changed: tasks already completed (or open) are left as they are and not counted."
    )
