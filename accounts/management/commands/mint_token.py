"""Print an access token for a user, to call the API by hand during local testing."""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from drf_better_auth.tokens import AccessToken

from accounts.management.arguments import int_at_least
from accounts.management.lookup import user_from_argument


class Command(BaseCommand):
    help = "Print an access token for the user with this email address or id (for local testing)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("user", help="The user's email address or id.")
        parser.add_argument(
            "--lifetime-minutes",
            type=int_at_least(1),
            help="How long the token stays valid (default: ACCESS_TOKEN_LIFETIME).",
        )

    def handle(self, *args: Any, user: str, lifetime_minutes: int | None, **options: Any) -> None:
        person = user_from_argument(user)
        if not person.is_active:
            raise CommandError(f"{person.email} is inactive; the API would refuse any token for them.")
        token = AccessToken.for_user(person)
        if lifetime_minutes:
            token["exp"] = int(time.time() + lifetime_minutes * 60)
        # The token alone on stdout, so that `TOKEN=$(manage.py mint_token ...)` works.
        self.stdout.write(str(token))
