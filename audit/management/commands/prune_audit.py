"""Delete audit entries past retention (safe to run from cron)."""

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_prune


class Command(BaseCommand):
    help = "Delete audit entries older than --older-than DAYS (default: the AUDIT_RETENTION_DAYS setting)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--older-than", type=int, metavar="DAYS", default=None)

    def handle(self, *args: Any, older_than: int | None, **options: Any) -> None:
        days = settings.AUDIT_RETENTION_DAYS if older_than is None else older_than
        if days < 1:
            raise CommandError("--older-than must be at least 1 day.")
        deleted = audit_prune(older_than=timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} audit entries older than {days} days.")
