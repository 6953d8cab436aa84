"""Seed users for development and demos, with demo tasks if asked; safe to run again (existing emails are skipped).

The command lives in `tasks` because it seeds both apps: users through
accounts' seeding, then their demo tasks. accounts imports nothing of tasks.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.management.arguments import int_at_least
from accounts.management.seeding import DEFAULT_EMAIL_PATTERN, rows_from_count, rows_from_file, seed

from ..demo_tasks import create_demo_tasks


class Command(BaseCommand):
    help = (
        "Create users from --count or --file (JSON list or CSV with email, name, password, is_staff). "
        "Users whose email already exists are skipped. Passwords are printed only when generated here."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--count", type=int_at_least(0), help="Create this many users.")
        source.add_argument("--file", help="A .json or .csv file of users to create.")
        parser.add_argument(
            "--email-pattern",
            help=f"Emails for --count users; {{n}} becomes 1, 2, ... (default: {DEFAULT_EMAIL_PATTERN}).",
        )
        parser.add_argument(
            "--demo-tasks", type=int_at_least(0), default=0, help="Give each created user this many tasks."
        )

    def handle(
        self,
        *args: Any,
        count: int | None,
        file: str | None,
        email_pattern: str | None,
        demo_tasks: int,
        **options: Any,
    ) -> None:
        if file is not None:
            if email_pattern is not None:
                raise CommandError("--email-pattern only applies to --count.")
            rows = rows_from_file(file)
        else:
            # argparse requires --count or --file.
            rows = rows_from_count(count, email_pattern or DEFAULT_EMAIL_PATTERN)  # type: ignore[arg-type]
        # One transaction: a user is never left without the demo tasks asked for.
        with transaction.atomic():
            report = seed(rows)
            for user, _password in report.created:
                create_demo_tasks(user, demo_tasks)
        for user, generated_password in report.created:
            suffix = f"  password: {generated_password}" if generated_password else ""
            self.stdout.write(f"Created {user.email}{suffix}")
        for email in report.skipped:
            self.stdout.write(f"Skipped {email}: already exists")
        tasks = f" Each created user has {demo_tasks} demo tasks." if demo_tasks and report.created else ""
        self.stdout.write(f"Created: {len(report.created)}, skipped: {len(report.skipped)}.{tasks}")
