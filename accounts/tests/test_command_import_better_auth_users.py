"""`manage.py import_better_auth_users`: Better Auth's users become local users under the same ids.

The Better Auth database is made by a real Better Auth (its own migrations and
sign-ups, through the Node harness) on the PostgreSQL server the tests run on.
"""

from dataclasses import dataclass
from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

from .factories import BetterAuthUserFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = {
    "ada": {"email": "Ada.Lovelace@Example.com", "password": "analytical engine 1843", "name": "Ada Lovelace"},
    "grace": {"email": "grace@example.com", "password": "compiler pioneer 1952", "name": "Grace Hopper"},
    # Signs in with a social provider only: the fixture removes her credential account.
    "hedy": {"email": "hedy@example.com", "password": "frequency hopping 1942", "name": "Hedy Lamarr"},
}


@dataclass(frozen=True)
class BetterAuthDatabase:
    url: str
    ids: dict


@pytest.fixture(scope="module")
def better_auth_db(better_auth_database):
    url, users = better_auth_database(list(PEOPLE.values()))
    by_email = {user["email"]: user["id"] for user in users}
    ids = {key: by_email[person["email"].lower()] for key, person in PEOPLE.items()}
    with psycopg.connect(url) as connection:
        connection.execute("""DELETE FROM account WHERE "userId" = %s AND "providerId" = 'credential'""", [ids["hedy"]])
    return BetterAuthDatabase(url, ids)


def import_users(url, *args):
    stdout, stderr = StringIO(), StringIO()
    call_command("import_better_auth_users", "--database-url", url, *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


@pytest.mark.postgres_only
def test_every_better_auth_user_becomes_a_local_user_with_the_same_id(better_auth_db):
    stdout, stderr = import_users(better_auth_db.url)

    assert stdout == "created 3, updated 0, unchanged 0, skipped 0.\n"
    assert stderr == ""
    ada = User.objects.get(pk=better_auth_db.ids["ada"])
    assert (ada.email, ada.name, ada.is_active) == ("ada.lovelace@example.com", "Ada Lovelace", True)
    assert set(User.objects.values_list("pk", flat=True)) == set(better_auth_db.ids.values())


@pytest.mark.postgres_only
def test_credential_users_get_their_better_auth_hash_and_others_an_unusable_password(better_auth_db):
    import_users(better_auth_db.url)

    ada = User.objects.get(pk=better_auth_db.ids["ada"])
    hedy = User.objects.get(pk=better_auth_db.ids["hedy"])
    assert ada.password.startswith("better_auth_scrypt$")
    assert not hedy.has_usable_password()


@pytest.mark.postgres_only
def test_importing_again_creates_and_updates_nothing(better_auth_db):
    import_users(better_auth_db.url)
    before = list(User.objects.values())

    stdout, _ = import_users(better_auth_db.url)

    assert stdout == "created 0, updated 0, unchanged 3, skipped 0.\n"
    assert list(User.objects.values()) == before


@pytest.mark.postgres_only
def test_a_local_user_with_the_same_id_is_brought_up_to_date(better_auth_db):
    BetterAuthUserFactory(id=better_auth_db.ids["grace"], email="old.address@example.com", name="G. Hopper")

    stdout, _ = import_users(better_auth_db.url)

    assert stdout == "created 2, updated 1, unchanged 0, skipped 0.\n"
    grace = User.objects.get(pk=better_auth_db.ids["grace"])
    assert (grace.email, grace.name) == ("grace@example.com", "Grace Hopper")
    assert grace.password.startswith("better_auth_scrypt$")


@pytest.mark.postgres_only
def test_an_email_held_by_another_local_user_is_skipped_and_reported_never_merged(better_auth_db):
    holder = UserFactory(email="grace@example.com", name="Local Grace")

    stdout, stderr = import_users(better_auth_db.url)

    assert stdout == "created 2, updated 0, unchanged 0, skipped 1.\n"
    assert stderr == (
        f"Skipped {better_auth_db.ids['grace']} <grace@example.com>: "
        f"its email address belongs to another local user ({holder.pk}).\n"
    )
    assert not User.objects.filter(pk=better_auth_db.ids["grace"]).exists()
    holder.refresh_from_db()
    assert (holder.name, holder.has_usable_password()) == ("Local Grace", False)


@pytest.mark.postgres_only
def test_a_dry_run_reports_what_would_change_and_saves_nothing(better_auth_db):
    stdout, _ = import_users(better_auth_db.url, "--dry-run")

    assert stdout == "Dry run, nothing saved. Would have: created 3, updated 0, unchanged 0, skipped 0.\n"
    assert not User.objects.exists()


@pytest.mark.postgres_only
def test_no_password_hash_is_ever_printed(better_auth_db):
    UserFactory(email="grace@example.com")
    with psycopg.connect(better_auth_db.url) as connection:
        hashes = [row[0] for row in connection.execute("SELECT password FROM account WHERE password IS NOT NULL")]

    output = "".join(import_users(better_auth_db.url)) + "".join(import_users(better_auth_db.url, "--dry-run"))

    assert hashes
    for stored in hashes:
        salt, key = stored.split(":")
        assert salt not in output and key not in output


def test_an_unreachable_database_is_a_clear_error_that_does_not_show_the_password():
    url = "postgresql://importer:s3cret-word@127.0.0.1:1/better_auth"

    with pytest.raises(CommandError, match="Could not read the Better Auth database") as error:
        import_users(url)

    assert "s3cret-word" not in str(error.value)


LONG_EMAIL = "a" * 250 + "@example.com"  # a valid address, but over the local column's 254 characters
LONG_HASH = "ab" * 16 + ":" + "cd" * 150  # colon-separated like Better Auth's, too long to store


@pytest.fixture
def rows_the_local_database_cannot_hold(better_auth_db):
    """Users Better Auth's tables accept (its columns are unbounded text) and ours cannot: written straight into
    them.
    """
    rows = {
        "Zlong0email0000000000000000000001": LONG_EMAIL,
        "Zlong0hash00000000000000000000001": "long.hash@example.com",
    }
    with psycopg.connect(better_auth_db.url) as connection:
        for user_id, email in rows.items():
            connection.execute(
                """INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
                   VALUES (%s, 'Unholdable', %s, false, now(), now())""",
                [user_id, email],
            )
        connection.execute(
            """INSERT INTO account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
               VALUES ('long-hash-account', %s, 'credential', %s, %s, now(), now())""",
            ["Zlong0hash00000000000000000000001", "Zlong0hash00000000000000000000001", LONG_HASH],
        )
    yield rows
    with psycopg.connect(better_auth_db.url) as connection:
        connection.execute("""DELETE FROM account WHERE id = 'long-hash-account'""")
        connection.execute("""DELETE FROM "user" WHERE id = ANY(%s)""", [list(rows)])


@pytest.mark.postgres_only
def test_rows_the_local_database_cannot_hold_are_skipped_and_reported_and_the_rest_imported(
    better_auth_db, rows_the_local_database_cannot_hold
):
    stdout, stderr = import_users(better_auth_db.url)

    assert stdout == "created 3, updated 0, unchanged 0, skipped 2.\n"
    assert stderr.splitlines() == [
        f"Skipped Zlong0email0000000000000000000001 <{LONG_EMAIL}>: its email address is longer than 254 characters.",
        "Skipped Zlong0hash00000000000000000000001 <long.hash@example.com>: "
        "its password hash is longer than the 255 characters stored here.",
    ]
    assert set(User.objects.values_list("pk", flat=True)) == set(better_auth_db.ids.values())


def better_auth_user(user_id, email, name="Someone"):
    from django.utils import timezone

    from accounts.importing import BetterAuthUser

    now = timezone.now()
    return BetterAuthUser(id=user_id, email=email, name=name, created_at=now, updated_at=now, password_hash=None)


def test_a_name_with_a_nul_character_is_skipped_and_the_rest_imported():
    from accounts.importing import import_users as import_better_auth_users

    report = import_better_auth_users(
        [
            better_auth_user("Znul0name000000000000000000000001", "nul@example.com", name="Nul\x00Name"),
            better_auth_user("Zplain00000000000000000000000001", "plain@example.com"),
        ]
    )

    assert [(skipped.user.id, skipped.reason) for skipped in report.skipped] == [
        ("Znul0name000000000000000000000001", "its name contains a NUL character")
    ]
    assert list(User.objects.values_list("pk", flat=True)) == ["Zplain00000000000000000000000001"]


def test_a_row_the_local_database_refuses_is_skipped_and_the_rest_imported():
    from accounts.importing import import_users as import_better_auth_users

    # Written around save(), which would lower-case it: the case-insensitive unique index still holds it.
    holder = UserFactory(email="placeholder@example.com")
    User.objects.filter(pk=holder.pk).update(email="Taken@Example.com")

    report = import_better_auth_users(
        [
            better_auth_user("Ztaken000000000000000000000000001", "taken@example.com"),
            better_auth_user("Zplain00000000000000000000000001", "plain@example.com"),
        ]
    )

    assert [skipped.user.id for skipped in report.skipped] == ["Ztaken000000000000000000000000001"]
    assert report.skipped[0].reason.startswith("the local database refused it (")
    assert [user.id for user in report.created] == ["Zplain00000000000000000000000001"]
    assert set(User.objects.values_list("pk", flat=True)) == {holder.pk, "Zplain00000000000000000000000001"}
