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
