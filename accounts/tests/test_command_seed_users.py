"""`manage.py seed_users`: users from a count or a file, idempotently, with optional demo tasks."""

import csv
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from tasks.models import Priority, Task

from .factories import UserFactory

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"^Created (\S+)  password: (\S+)$", re.MULTILINE)


def seed_users(*args):
    stdout = StringIO()
    call_command("seed_users", *args, stdout=stdout)
    return stdout.getvalue()


def json_file(tmp_path, rows):
    path = tmp_path / "users.json"
    path.write_text(json.dumps(rows))
    return str(path)


def csv_file(tmp_path, rows):
    path = tmp_path / "users.csv"
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def test_count_creates_numbered_users_and_prints_the_passwords_it_generated():
    output = seed_users("--count", "2")

    printed = dict(GENERATED.findall(output))
    assert set(printed) == {"user1@example.com", "user2@example.com"}
    assert User.objects.get(email="user1@example.com").check_password(printed["user1@example.com"])
    assert output.endswith("Created: 2, skipped: 0.\n")


def test_running_again_creates_nothing_and_reports_the_skipped_users():
    seed_users("--count", "2")

    output = seed_users("--count", "2")

    assert output == (
        "Skipped user1@example.com: already exists\n"
        "Skipped user2@example.com: already exists\n"
        "Created: 0, skipped: 2.\n"
    )
    assert User.objects.count() == 2


def test_an_email_pattern_names_the_users_in_normalised_form():
    seed_users("--count", "1", "--email-pattern", "Tester{n}@Example.ORG")

    assert list(User.objects.values_list("email", flat=True)) == ["tester1@example.org"]


def test_an_email_pattern_without_a_number_placeholder_is_refused():
    with pytest.raises(CommandError, match=r"needs a \{n\}"):
        seed_users("--count", "2", "--email-pattern", "same@example.com")

    assert not User.objects.exists()


def test_a_json_file_gives_names_staff_flags_and_passwords_which_are_never_printed(tmp_path):
    path = json_file(
        tmp_path,
        [
            {
                "email": "Ada@Example.com",
                "name": "Ada Lovelace",
                "password": "analytical engine 1843",
                "is_staff": True,
            },
            {"email": "grace@example.com", "name": "Grace Hopper"},
        ],
    )

    output = seed_users("--file", path)

    ada = User.objects.get(email="ada@example.com")
    assert (ada.name, ada.is_staff) == ("Ada Lovelace", True)
    assert ada.check_password("analytical engine 1843")
    assert "analytical engine 1843" not in output
    assert "Created ada@example.com\n" in output
    assert set(dict(GENERATED.findall(output))) == {"grace@example.com"}
    assert not User.objects.get(email="grace@example.com").is_staff


def test_a_csv_file_reads_the_same_fields_with_an_empty_password_meaning_generate_one(tmp_path):
    path = csv_file(
        tmp_path,
        [
            {
                "email": "ada@example.com",
                "name": "Ada Lovelace",
                "password": "analytical engine 1843",
                "is_staff": "yes",
            },
            {"email": "grace@example.com", "name": "Grace Hopper", "password": "", "is_staff": ""},
        ],
    )

    output = seed_users("--file", path)

    ada = User.objects.get(email="ada@example.com")
    assert ada.is_staff and ada.check_password("analytical engine 1843")
    assert set(dict(GENERATED.findall(output))) == {"grace@example.com"}
    assert output.endswith("Created: 2, skipped: 0.\n")


def test_users_are_matched_by_normalised_email(tmp_path):
    existing = UserFactory(email="ada@example.com", name="Already Here")

    output = seed_users("--file", json_file(tmp_path, [{"email": "  ADA@Example.com ", "name": "Someone Else"}]))

    assert output == "Skipped ada@example.com: already exists\nCreated: 0, skipped: 1.\n"
    assert list(User.objects.values_list("pk", "name")) == [(existing.pk, "Already Here")]


def test_demo_tasks_go_to_created_users_only_with_valid_priorities_and_due_dates(tmp_path):
    existing = UserFactory(email="ada@example.com")
    rows = [{"email": "ada@example.com"}, {"email": "grace@example.com", "password": "compiler pioneer 1952"}]

    output = seed_users("--file", json_file(tmp_path, rows), "--demo-tasks", "4")

    grace = User.objects.get(email="grace@example.com")
    tasks = Task.objects.filter(owner=grace)
    assert tasks.count() == 4
    assert set(tasks.values_list("priority", flat=True)) == set(Priority.values)
    assert all(task.due_date and task.title for task in tasks)
    assert not Task.objects.filter(owner=existing).exists()
    assert output.endswith("Created: 1, skipped: 1. Each created user has 4 demo tasks.\n")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"email": "ada@example.com"}, {"email": "not an email"}], "row 2: 'not an email' is not a valid email"),
        ([{"email": "ada@example.com", "pasword": "typo"}], "row 1: unknown field\\(s\\) pasword"),
        ([{"email": "ada@example.com", "is_staff": "maybe"}], "row 1: is_staff must be true or false"),
    ],
)
def test_a_bad_row_is_named_and_nobody_is_created(tmp_path, rows, message):
    with pytest.raises(CommandError, match=message):
        seed_users("--file", json_file(tmp_path, rows))

    assert not User.objects.exists()


def test_a_file_of_another_kind_is_refused(tmp_path):
    path = tmp_path / "users.txt"
    path.write_text("ada@example.com\n")

    with pytest.raises(CommandError, match="expected a .json or .csv file"):
        seed_users("--file", str(path))
