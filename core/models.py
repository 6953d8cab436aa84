from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """A change or deletion of a row kept as a record: a record nobody may rewrite is the point of it."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses bulk updates and deletions; give the model `base_manager_name = "objects"` so related code does too."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are never updated.")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are never updated.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are never deleted.")


class AppendOnlyModel(models.Model):
    """A row written once: saving it again or deleting it raises AppendOnlyError."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{type(self).__name__} rows are never deleted.")


class RateCounter(models.Model):
    """Requests counted in one fixed window for one throttle key.

    Kept in the database so that every worker of every replica counts into
    the same row; `core.throttling` increments it in one atomic statement.
    """

    key = models.CharField(max_length=255, primary_key=True)
    # Seconds since the epoch: comparing plain numbers keeps the upsert portable.
    window_ends = models.FloatField(db_index=True)
    hits = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"


class IdempotencyKey(models.Model):
    """One person's `Idempotency-Key` and the answer it got (`core.idempotency`).

    The row is written (in its own statement) before the request runs; the
    request runs in a transaction that holds the row's lock and stores the
    answer when it commits. A duplicate that finds the row locked is in
    flight; one that finds an answer replays it. A request that dies (its
    process killed) rolls back and leaves the row unlocked and unanswered, so
    the retry runs it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, the path with its query string, and the body.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)
    # Null until the first request's answer is stored.
    status = models.PositiveSmallIntegerField(null=True)
    headers = models.JSONField(default=dict)
    body = models.BinaryField(default=b"")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_key_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"
