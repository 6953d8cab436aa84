"""Delete denylist entries of refresh tokens that have expired anyway (safe to run from cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from accounts import services


class Command(BaseCommand):
    help = "Delete denylisted refresh tokens past their expiry; they would be refused as expired anyway."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = services.denylist_flush_expired()
        self.stdout.write(f"Deleted {deleted} expired denylist entries.")
