"""Delete Idempotency-Keys older than IDEMPOTENCY_KEY_LIFETIME (safe to run from cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from core.idempotency import idempotency_keys_flush_expired


class Command(BaseCommand):
    help = "Delete Idempotency-Keys (and the answers kept with them) older than IDEMPOTENCY_KEY_LIFETIME (24 h)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = idempotency_keys_flush_expired()
        self.stdout.write(f"Deleted {deleted} expired idempotency keys.")
