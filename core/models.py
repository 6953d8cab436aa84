from django.db import models


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
