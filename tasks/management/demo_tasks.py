"""Plausible tasks for seeded users, so a fresh database has something to list, filter and sort."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from tasks.models import Priority, Task

DEMO_TITLES = [
    "Buy groceries",
    "Call the dentist",
    "Renew the passport",
    "Water the plants",
    "Pay the electricity bill",
    "Book train tickets",
    "Back up the laptop",
    "Plan the weekend",
]


def create_demo_tasks(owner: User, count: int) -> list[Task]:
    """Give `owner` `count` tasks spread over every priority and the coming days."""
    today = timezone.localdate()
    priorities = Priority.values
    # One save() per task (not bulk_create) so the model's own save rules apply.
    return [
        Task.objects.create(
            owner=owner,
            title=DEMO_TITLES[index % len(DEMO_TITLES)],
            description="A demo task created by seed_users.",
            priority=priorities[index % len(priorities)],
            due_date=today + timedelta(days=index + 1),
        )
        for index in range(count)
    ]
