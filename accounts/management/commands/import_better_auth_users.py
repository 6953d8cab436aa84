"""Create or update local users from a Better Auth database, keeping their ids and passwords."""

from typing import Any

from django.core.management.base import CommandError

from accounts.importing import BetterAuthDatabaseError, import_users, read_better_auth_users
from accounts.management.better_auth_import import BetterAuthImportCommand


class Command(BetterAuthImportCommand):
    help = (
        "Import the users of a Better Auth PostgreSQL database under the same ids. "
        "Email-and-password users keep their password (re-hashed with bcrypt at their first "
        "sign-in here); others get an unusable one. An email held by another local user is "
        "skipped and reported, never merged, unless the Better Auth user verified it and the "
        "local user did not: then the local user releases it (and keeps its id and tasks). "
        "A user the local database cannot hold (an email over 254 characters, a NUL character "
        "in the name) is skipped and reported, and the rest still come in."
    )

    def handle(self, *args: Any, database_url: str, dry_run: bool, **options: Any) -> None:
        try:
            better_auth_users = read_better_auth_users(database_url)
        except BetterAuthDatabaseError as error:
            raise CommandError(f"Could not read the Better Auth database: {error}") from None
        report = import_users(better_auth_users, dry_run=dry_run)
        for skipped in report.skipped:
            self.stderr.write(f"Skipped {skipped.user.id} <{skipped.user.email}>: {skipped.reason}.")
        for released in report.released:
            self.stdout.write(
                f"Released <{released.user.email}> from unverified local user {released.released_user_id} "
                f"to {released.user.id}, who verified it."
            )
        prefix = "Dry run, nothing saved. Would have: " if dry_run else ""
        self.stdout.write(
            f"{prefix}created {len(report.created)}, updated {len(report.updated)}, "
            f"unchanged {len(report.unchanged)}, skipped {len(report.skipped)}."
        )
