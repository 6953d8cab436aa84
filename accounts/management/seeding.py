"""Users to seed, read from a count or a JSON/CSV file, and seeding them idempotently."""

import csv
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import NAME_MAX_LENGTH, User, normalize_email

DEFAULT_EMAIL_PATTERN = "user{n}@example.com"
ROW_FIELDS = {"email", "name", "password", "is_staff"}
TRUE_WORDS = {"1", "true", "yes", "y"}
FALSE_WORDS = {"0", "false", "no", "n", ""}


@dataclass(frozen=True)
class SeedRow:
    email: str
    name: str = ""
    # None: the seeder generates one (and prints it).
    password: str | None = None
    is_staff: bool = False


@dataclass
class SeedReport:
    # (user, the password generated for them or None when the row gave one)
    created: list[tuple[User, str | None]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def rows_from_count(count: int, email_pattern: str) -> list[SeedRow]:
    if "{n}" not in email_pattern:
        raise CommandError("--email-pattern needs a {n} where the number goes, e.g. user{n}@example.com.")
    return [
        _validated_row(f"user {n}", {"email": email_pattern.replace("{n}", str(n)), "name": f"User {n}"})
        for n in range(1, count + 1)
    ]


def rows_from_file(path: str | Path) -> list[SeedRow]:
    path = Path(path)
    readers = {".json": _read_json, ".csv": _read_csv}
    if path.suffix.lower() not in readers:
        raise CommandError(f"{path}: expected a .json or .csv file.")
    try:
        with path.open(encoding="utf-8", newline="") as file:
            records = readers[path.suffix.lower()](file)
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}.") from None
    except (json.JSONDecodeError, csv.Error, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: not readable as {path.suffix[1:].upper()}: {error}.") from None
    return [_validated_row(f"{path.name} row {number}", record) for number, record in enumerate(records, 1)]


def _read_json(file: IO[str]) -> list[dict[str, Any]]:
    records = json.load(file)
    if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
        raise CommandError(f"{file.name}: expected a JSON list of objects.")
    return records


def _read_csv(file: IO[str]) -> list[dict[str, Any]]:
    return list(csv.DictReader(file))


def _validated_row(where: str, record: dict[str, Any]) -> SeedRow:
    unknown = set(record) - ROW_FIELDS
    if unknown:
        # A misspelt column (say "pasword") would otherwise be ignored silently.
        raise CommandError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}.")
    email = normalize_email(_text(where, record, "email"))
    try:
        validate_email(email)
    except ValidationError:
        raise CommandError(f"{where}: {email!r} is not a valid email address.") from None
    name = _text(where, record, "name")
    if len(name) > NAME_MAX_LENGTH:
        raise CommandError(f"{where}: the name is longer than {NAME_MAX_LENGTH} characters.")
    return SeedRow(
        email=email,
        name=name,
        # CSV has no null: an empty cell means "generate one".
        password=_text(where, record, "password", strip=False) or None,
        is_staff=_flag(where, record.get("is_staff")),
    )


def _text(where: str, record: dict[str, Any], key: str, strip: bool = True) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise CommandError(f"{where}: {key} must be text.")
    return value.strip() if strip else value


def _flag(where: str, value: object) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS | FALSE_WORDS:
        return word in TRUE_WORDS
    raise CommandError(f"{where}: is_staff must be true or false, not {value!r}.")


def seed(rows: Iterable[SeedRow]) -> SeedReport:
    """Create the users not there yet (matched by email), in one transaction (the caller's, when it has one)."""
    report = SeedReport()
    with transaction.atomic():
        for row in rows:
            if User.objects.filter(email=row.email).exists():
                report.skipped.append(row.email)
                continue
            generated = None if row.password else secrets.token_urlsafe(12)
            user = User.objects.create_user(row.email, row.password or generated, name=row.name, is_staff=row.is_staff)
            report.created.append((user, generated))
    return report
