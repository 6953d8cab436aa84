"""`manage.py relink_user`: asks, naming both ids, unless --yes; says what it did."""

import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from tasks.tests.factories import TaskFactory
from testing.logs import json_lines

from .factories import BetterAuthUserFactory, UserFactory

pytestmark = pytest.mark.django_db

OLD_ID = "OldBetterAuthId0123456789abcdefg"
NEW_ID = "NewBetterAuthId0123456789abcdefg"


@pytest.fixture
def ada(db):
    person = BetterAuthUserFactory(pk=OLD_ID, email="ada@example.com")
    TaskFactory.create_batch(3, owner=person)
    return person


def relink(*args, typed=None, monkeypatch=None):
    if typed is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    stdout = StringIO()
    call_command("relink_user", *args, stdout=stdout)
    return stdout.getvalue()


def test_typing_the_new_id_confirms_and_the_tasks_move(ada, monkeypatch):
    output = relink("ada@example.com", NEW_ID, typed=f"{NEW_ID}\n", monkeypatch=monkeypatch)

    assert output.startswith(
        f"Relink ada@example.com from id {OLD_ID} to id {NEW_ID}? Their 3 task(s) and everything else move with them; "
        f"tokens naming {OLD_ID}, and every token of the account issued before the relink, stop working."
    )
    assert output.endswith(
        f"Relinked ada@example.com: id {OLD_ID} is now {NEW_ID}, 3 task(s) kept. "
        f"Tokens naming {OLD_ID} are refused, and every earlier token of the account.\n"
    )
    assert User.objects.get(pk=NEW_ID).tasks.count() == 3


@pytest.mark.parametrize("typed", ["yes\n", "\n", ""], ids=["yes", "empty", "end-of-input"])
def test_anything_but_the_new_id_changes_nothing(ada, monkeypatch, typed):
    with pytest.raises(CommandError, match="Not confirmed; nothing changed."):
        relink(OLD_ID, NEW_ID, typed=typed, monkeypatch=monkeypatch)

    assert User.objects.filter(pk=OLD_ID).exists()


def test_yes_skips_the_question(ada):
    output = relink(OLD_ID, NEW_ID, "--yes")

    assert output == (
        f"Relinked ada@example.com: id {OLD_ID} is now {NEW_ID}, 3 task(s) kept. "
        f"Tokens naming {OLD_ID} are refused, and every earlier token of the account.\n"
    )


def test_a_taken_id_is_refused_before_asking(ada):
    UserFactory(pk=NEW_ID, email="holder@example.com")

    with pytest.raises(CommandError, match=f"The id {NEW_ID} already belongs to the local user holder@example.com."):
        relink(OLD_ID, NEW_ID)


def test_a_malformed_id_is_refused(ada):
    with pytest.raises(CommandError, match="A Better Auth user id is 1 to 64 characters"):
        relink(OLD_ID, "not an id", "--yes")


def test_an_unknown_user_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No user has the email address 'nobody@example.com'."):
        relink("nobody@example.com", NEW_ID, "--yes")


def test_the_command_runs_as_an_operator_would(run_manage, tmp_path):
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert run_manage("migrate", "--noinput", DJANGO_DEBUG="true", DATABASE_URL=database).returncode == 0
    created = run_manage(
        "shell",
        "-c",
        f"from accounts.models import User; User.objects.create_user('ada@example.com', id='{OLD_ID}')",
        DJANGO_DEBUG="true",
        DATABASE_URL=database,
    )
    assert created.returncode == 0, created.stderr

    result = run_manage("relink_user", "ada@example.com", NEW_ID, "--yes", DJANGO_DEBUG="true", DATABASE_URL=database)

    assert result.returncode == 0, result.stderr
    assert f"id {OLD_ID} is now {NEW_ID}" in result.stdout
    assert "user_relinked" in [line.get("event") for line in json_lines(result.stderr)]
