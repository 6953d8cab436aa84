"""Every relink leaves a record nobody rewrites, an undo included: which ids, from where, and who did it."""

import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from accounts import services
from accounts.models import RelinkRecord
from core.models import AppendOnlyError

from .factories import UserFactory

pytestmark = pytest.mark.django_db

FIRST_ID = "FirstBetterAuthId0123456789abcde"
NEW_ID = "NewBetterAuthId0123456789abcdefg"
RECORDS_URL = "/admin/accounts/relinkrecord/"


@pytest.fixture
def ada():
    return UserFactory(pk=FIRST_ID, email="ada@example.com")


@pytest.fixture
def operator(monkeypatch):
    """The operating system account running `manage.py`."""
    monkeypatch.setattr("getpass.getuser", lambda: "ops-grace")
    return "ops-grace"


def recorded():
    return list(
        RelinkRecord.objects.order_by("id").values_list("old_id", "new_id", "via", "actor_id", "os_user", "note")
    )


def test_the_admin_records_the_admin_users_id(superuser_session, ada):
    assert superuser_session.relink(FIRST_ID, NEW_ID).status_code == 302

    assert recorded() == [(FIRST_ID, NEW_ID, "admin", superuser_session.user.pk, "", "")]


def test_the_command_records_the_os_user_and_the_actor_note(ada, operator):
    call_command("relink_user", FIRST_ID, NEW_ID, "--yes", "--actor", "  Ticket SUP-42, asked by Ada  ")

    assert recorded() == [(FIRST_ID, NEW_ID, "command line", "", "ops-grace", "Ticket SUP-42, asked by Ada")]


def test_the_command_records_the_os_user_without_a_note(ada, operator):
    call_command("relink_user", FIRST_ID, NEW_ID, "--yes")

    assert recorded() == [(FIRST_ID, NEW_ID, "command line", "", "ops-grace", "")]


@pytest.mark.parametrize("note", ["x" * 201, "line one\nline two"], ids=["too-long", "control-character"])
def test_a_note_the_record_cannot_show_is_refused_and_nothing_changes(ada, note):
    with pytest.raises(CommandError, match="--actor takes up to 200 printable characters."):
        call_command("relink_user", FIRST_ID, NEW_ID, "--yes", "--actor", note)

    assert recorded() == []


def test_an_undo_is_recorded_as_a_relink_of_its_own_and_the_first_record_stays(superuser_session, ada, operator):
    call_command("relink_user", FIRST_ID, NEW_ID, "--yes", "--actor", "SUP-42")
    first = recorded()

    assert superuser_session.relink(NEW_ID, FIRST_ID).status_code == 302

    assert recorded() == [*first, (NEW_ID, FIRST_ID, "admin", superuser_session.user.pk, "", "")]


def test_the_log_line_names_the_os_user_but_never_the_note(ada, operator, caplog):
    with caplog.at_level(logging.INFO, logger="accounts.auth"):
        call_command("relink_user", FIRST_ID, NEW_ID, "--yes", "--actor", "asked by ada@example.com")

    [line] = [r for r in caplog.records if getattr(r, "event", None) == "user_relinked"]
    assert (line.os_user, line.via) == ("ops-grace", "command line")
    assert "ada@example.com" not in str(vars(line))


def test_a_record_is_never_changed_or_deleted(ada):
    services.user_relink(user=ada, new_id=NEW_ID, actor=None, os_user="ops-grace")
    record = RelinkRecord.objects.get()
    before = recorded()

    record.note = "rewritten"
    attempts = [
        record.save,
        record.delete,
        lambda: RelinkRecord.objects.update(note="rewritten"),
        lambda: RelinkRecord.objects.filter(pk=record.pk).delete(),
        lambda: RelinkRecord.objects.bulk_update([record], ["note"]),
        lambda: RelinkRecord._base_manager.all().delete(),
    ]
    for attempt in attempts:
        with pytest.raises(AppendOnlyError):
            attempt()

    assert recorded() == before


def test_superusers_see_the_records_read_only(superuser_session, ada):
    services.user_relink(user=ada, new_id=NEW_ID, actor=None, os_user="ops-grace", note="SUP-42")
    record = RelinkRecord.objects.get()

    listing = superuser_session.get(RECORDS_URL)
    assert listing.status_code == 200
    assert all(text in listing.content.decode() for text in (FIRST_ID, NEW_ID, "ops-grace", "SUP-42"))
    page = superuser_session.get(f"{RECORDS_URL}{record.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()

    changed = superuser_session.post(f"{RECORDS_URL}{record.pk}/change/", {"note": "rewritten"})
    deleted = superuser_session.post(f"{RECORDS_URL}{record.pk}/delete/", {"post": "yes"})
    added = superuser_session.post(f"{RECORDS_URL}add/", {"old_id": "a", "new_id": "b", "via": "admin"})

    assert (changed.status_code, deleted.status_code, added.status_code) == (403, 403, 403)
    assert recorded() == [(FIRST_ID, NEW_ID, "command line", "", "ops-grace", "SUP-42")]


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "statement",
    ["UPDATE accounts_relinkrecord SET note = 'rewritten'", "DELETE FROM accounts_relinkrecord"],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_or_delete_a_record_whatever_the_sql(ada, statement):
    services.user_relink(user=ada, new_id=NEW_ID, actor=None, os_user="ops-grace", note="SUP-42")
    before = recorded()

    with pytest.raises(DatabaseError, match="accounts_relinkrecord is append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)

    assert recorded() == before
