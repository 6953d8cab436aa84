"""Log a user out everywhere, optionally refusing them from now on."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from accounts import services
from accounts.management.lookup import user_from_argument


class Command(BaseCommand):
    help = "Refuse every token issued so far to the user with this email address or id (ours and Better Auth's)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("user", help="The user's email address or id.")
        parser.add_argument(
            "--deactivate", action="store_true", help="Also deactivate the user, so no new token works either."
        )

    def handle(self, *args: Any, user: str, deactivate: bool, **options: Any) -> None:
        person = user_from_argument(user)
        if deactivate:
            services.user_deactivate(user=person, via="command line")
            self.stdout.write(f"Deactivated {person.email} and revoked all their tokens.")
        else:
            services.user_tokens_revoke(user=person, via="command line")
            self.stdout.write(f"Revoked all tokens of {person.email}.")
