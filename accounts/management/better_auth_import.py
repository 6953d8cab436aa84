"""What the commands that import from a Better Auth database share: where it is, and a dry run."""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand


class BetterAuthImportCommand(BaseCommand):
    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--database-url",
            required=True,
            help="The Better Auth database, e.g. postgresql://user:password@host:5432/name (only read).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; save nothing.")
