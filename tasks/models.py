"""A to-do item: a person's own, or an organization's (which records who created it)."""

import uuid
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 2000


class Priority(models.IntegerChoices):
    # Stored as ranks so that ordering by priority follows importance,
    # not the alphabet; the API speaks the lower-case names.
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"

    @property
    def api_name(self) -> str:
        return self.name.lower()

    @classmethod
    def from_api_name(cls, name: str) -> Self:
        return cls[name.upper()]


class Task(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A person's task has an owner; an organization's has none (tasks_task_one_holder), so that no query of a
    # person's own tasks can reach it.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tasks", null=True)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="tasks", null=True, blank=True
    )
    # Who created an organization's task: they may change it as a member. Kept when they leave; their account's
    # erasure leaves it unnamed.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="+", null=True, blank=True, editable=False
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    completed = models.BooleanField(default=False)
    completed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Set when the task is completed."
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [
            models.Index(fields=["owner", "created_at"], name="tasks_owner_created_idx"),
            # An organization's list, as a person's list reads theirs; only organizations' tasks are in it.
            models.Index(
                fields=["organization", "created_at"],
                name="tasks_organization_created_idx",
                condition=Q(organization__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="tasks_task_title_not_empty"),
            models.CheckConstraint(
                condition=Q(owner__isnull=False, organization__isnull=True, created_by__isnull=True)
                | Q(owner__isnull=True, organization__isnull=False),
                name="tasks_task_one_holder",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.title = self.title.strip()
        self._sync_completed_at()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "completed" in update_fields:
            kwargs["update_fields"] = {*update_fields, "completed_at", "updated_at"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.title = self.title.strip()
        if not self.title:
            raise ValidationError({"title": "A task needs a title."})

    def set_completed(self, completed: bool) -> None:
        self.completed = completed
        self.save(update_fields=["completed"])

    def toggle_completed(self) -> None:
        self.set_completed(not self.completed)

    def _sync_completed_at(self) -> None:
        # completed_at records when the task was last completed: kept while it
        # stays completed, cleared when it is reopened.
        if self.completed and self.completed_at is None:
            self.completed_at = timezone.now()
        elif not self.completed:
            self.completed_at = None
