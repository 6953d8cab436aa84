"""Erase accounts deactivated long enough ago (safe to run from cron)."""

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts import services


def positive_days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise CommandError(f"--older-than takes a whole number of days, not {value!r}.") from None
    if days < 1:
        raise CommandError("--older-than takes at least 1 day.")
    return days


class Command(BaseCommand):
    help = (
        "Erase every account deactivated more than DAYS ago, as DELETE /api/auth/me/ does: its tasks and "
        "personal data leave the database. Staff accounts are left alone (and listed)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--older-than",
            required=True,
            type=positive_days,
            metavar="DAYS",
            help="Erase accounts deactivated more than this many days ago.",
        )

    def handle(self, *args: Any, older_than: int, **options: Any) -> None:
        erased, left = services.users_purge_inactive(older_than=timedelta(days=older_than))
        # Ids only: an address is personal data, and this output lands in cron mail and logs.
        for user_id in left:
            self.stdout.write(f"Left staff account {user_id}: remove its staff status first to erase it.")
        self.stdout.write(
            f"Erased {len(erased)} account{'' if len(erased) == 1 else 's'} "
            f"deactivated more than {older_than} days ago."
        )
