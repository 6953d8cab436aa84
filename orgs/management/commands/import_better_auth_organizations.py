"""Create or update organizations and their memberships from a Better Auth database (its organization plugin)."""

from typing import Any

from django.core.management.base import CommandError

from accounts.management.better_auth_import import BetterAuthImportCommand
from orgs.importing import BetterAuthDatabaseError, import_organizations, read_better_auth_organizations


class Command(BetterAuthImportCommand):
    help = (
        "Import the organizations of a Better Auth PostgreSQL database (organization plugin) under the same ids, "
        "each with exactly the members and roles Better Auth lists: a membership recorded here that Better Auth "
        "no longer has is removed. Better Auth's organization events keep them true afterwards."
    )

    def handle(self, *args: Any, database_url: str, dry_run: bool, **options: Any) -> None:
        try:
            organizations = read_better_auth_organizations(database_url)
        except BetterAuthDatabaseError as error:
            raise CommandError(f"Could not read the Better Auth database: {error}") from None
        report = import_organizations(organizations, dry_run=dry_run)
        for skipped in report.skipped:
            self.stderr.write(f"Skipped {skipped}.")
        prefix = "Dry run, nothing saved. Would have: " if dry_run else ""
        self.stdout.write(
            f"{prefix}imported {report.organizations} organizations with {report.memberships} memberships, "
            f"removed {report.removed} memberships, skipped {len(report.skipped)}."
        )
