import functools

from django.utils import timezone
from rest_framework import serializers

from .models import Priority, Task


class PriorityField(serializers.ChoiceField):
    """The priority by name (`low`, `medium`, `high`); the database keeps its rank."""

    def __init__(self, **kwargs):
        super().__init__(choices=[priority.api_name for priority in Priority], **kwargs)

    def to_internal_value(self, data):
        return Priority.from_api_name(super().to_internal_value(data))

    def to_representation(self, value):
        return Priority(value).api_name


class TaskSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(
        source="owner_id", read_only=True, help_text="The owner's user id."
    )
    priority = PriorityField(
        required=False, help_text="How important the task is; `medium` by default."
    )

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

    def to_representation(self, instance):
        # What DRF's Serializer.to_representation answers, without its cost per
        # serializer (building every field from the model) and per task (each
        # field's get_attribute): the same fields' own conversions, listed once.
        return {
            name: None if (value := getattr(instance, attribute)) is None else convert(value)
            for name, attribute, convert in _task_readers()
        }


@functools.cache
def _task_readers():
    readers = []
    for name, field in TaskSerializer().fields.items():
        if field.write_only:
            continue
        # Plain attributes only: a dotted or "*" source needs DRF's own walk.
        assert len(field.source_attrs) == 1 and field.source != "*", name
        readers.append((name, field.source, field.to_representation))
    return tuple(readers)
