"""Delete rate-limit counters whose window has ended (safe to run from cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from core.throttling import rate_counters_flush_expired


class Command(BaseCommand):
    help = "Delete rate-limit counters of windows that have ended; they would start afresh anyway."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = rate_counters_flush_expired()
        self.stdout.write(f"Deleted {deleted} expired rate-limit counters.")
