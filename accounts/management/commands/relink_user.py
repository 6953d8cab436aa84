"""Move a local account to the person's new Better Auth id, keeping their tasks."""

import getpass
import os
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.management.lookup import user_from_argument
from accounts.models import RELINK_NOTE_MAX_LENGTH, RelinkRecord


class Command(BaseCommand):
    help = (
        "Relink the user with this email address or id to a new Better Auth user id, for a person "
        "refused with user_conflict after Better Auth's database was reset. Everything that points at "
        "the user moves along; tokens naming the old id stop working."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("user", help="The local user's email address or current id.")
        parser.add_argument("new_id", help="Their user id in Better Auth now (the `sub` of their new tokens).")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument(
            "--actor",
            default="",
            metavar="NAME",
            help="Who asked for the relink, or the ticket: kept in the relink's record beside your OS user name.",
        )

    def handle(self, *args: Any, user: str, new_id: str, yes: bool, actor: str, **options: Any) -> None:
        note = actor.strip()
        if len(note) > RELINK_NOTE_MAX_LENGTH or not note.isprintable():
            raise CommandError(f"--actor takes up to {RELINK_NOTE_MAX_LENGTH} printable characters.")
        person = user_from_argument(user)
        old_id = person.pk
        try:
            services.user_relink_ensure_allowed(user=person, new_id=new_id, actor=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        tasks = person.tasks.count()
        if not yes:
            self.stdout.write(
                f"Relink {person.email} from id {old_id} to id {new_id}? Their {tasks} task(s) and "
                f"everything else move with them; tokens naming {old_id}, and every token of the account "
                f"issued before the relink, stop working."
            )
            if not self._confirmed(f"Type the new id ({new_id}) to confirm: ", new_id):
                raise CommandError("Not confirmed; nothing changed.")
        try:
            services.user_relink(user=person, new_id=new_id, actor=None, os_user=_os_user(), note=note)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Relinked {person.email}: id {old_id} is now {new_id}, {tasks} task(s) kept. "
            f"Tokens naming {old_id} are refused, and every earlier token of the account."
        )

    def _confirmed(self, prompt: str, expected: str) -> bool:
        try:
            return input(prompt).strip() == expected
        except EOFError:
            return False


def _os_user() -> str:
    """Who runs the command, as the operating system says; a uid when it has no name for it (a bare container)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"
    # The environment says it (USER, LOGNAME), and can say anything: cut to what the record holds.
    return name[: RelinkRecord._meta.get_field("os_user").max_length]
