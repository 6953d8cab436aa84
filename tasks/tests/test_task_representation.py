"""A task's JSON is exactly what DRF's generic field walk makes of it."""

import datetime

import pytest
from rest_framework import serializers

from tasks.models import Priority
from tasks.serializers import TaskSerializer

from .factories import TaskFactory

pytestmark = pytest.mark.django_db


def drf_field_walk(task):
    serializer = TaskSerializer(task)
    return serializers.Serializer.to_representation(serializer, task)


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"completed": True, "priority": Priority.HIGH, "due_date": datetime.date(2031, 2, 28)},
        {"priority": Priority.LOW, "description": "", "title": "naïve café \u2028 ☕"},
    ],
    ids=["defaults", "completed-due-high", "unicode-low"],
)
def test_every_field_is_rendered_as_drf_renders_it(values):
    task = TaskFactory(**values)
    task.refresh_from_db()

    assert TaskSerializer(task).data == drf_field_walk(task)
    assert list(TaskSerializer(task).data) == TaskSerializer.Meta.fields


def test_timestamps_without_microseconds_and_empty_values_match_drf():
    task = TaskFactory(completed=True)
    task.created_at = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    task.completed_at = None

    assert TaskSerializer(task).data == drf_field_walk(task)


def test_a_list_renders_each_task_the_same_way():
    tasks = TaskFactory.create_batch(3)

    assert TaskSerializer(tasks, many=True).data == [drf_field_walk(task) for task in tasks]
