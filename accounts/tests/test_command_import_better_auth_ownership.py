"""`import_better_auth_users` follows the ownership rule: a verified Better Auth address is released by an unverified
local holder.
"""

from io import StringIO

import psycopg
import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.services import RELEASED_EMAIL_DOMAIN
from tasks.tests.factories import TaskFactory

from .factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]

PEOPLE = {
    "ada": {"email": "ada@example.com", "password": "analytical engine 1843", "name": "Ada Lovelace"},
    "grace": {"email": "grace@example.com", "password": "compiler pioneer 1952", "name": "Grace Hopper"},
}


@pytest.fixture(scope="module")
def better_auth_db(better_auth_database):
    """Ada verified her address in Better Auth; Grace did not."""
    url, users = better_auth_database(list(PEOPLE.values()))
    ids = {user["email"].split("@")[0]: user["id"] for user in users}
    with psycopg.connect(url) as connection:
        connection.execute("""UPDATE "user" SET "emailVerified" = (id = %s)""", [ids["ada"]])
    return url, ids


def import_users(url, *args):
    stdout, stderr = StringIO(), StringIO()
    call_command("import_better_auth_users", "--database-url", url, *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_imported_users_take_better_auths_verified_flag(better_auth_db):
    url, ids = better_auth_db

    import_users(url)

    assert User.objects.get(pk=ids["ada"]).email_verified is True
    assert User.objects.get(pk=ids["grace"]).email_verified is False


def test_an_unverified_local_holder_releases_a_verified_address_and_keeps_its_tasks(
    better_auth_db, caplog, django_capture_on_commit_callbacks
):
    url, ids = better_auth_db
    holder = UserFactory(email="ada@example.com")
    TaskFactory(owner=holder)

    with django_capture_on_commit_callbacks(execute=True):
        stdout, stderr = import_users(url)

    assert stdout == (
        f"Released <ada@example.com> from unverified local user {holder.pk} to {ids['ada']}, who verified it.\n"
        "created 2, updated 0, unchanged 0, skipped 0.\n"
    )
    assert stderr == ""
    assert User.objects.get(email="ada@example.com").pk == ids["ada"]
    holder.refresh_from_db()
    assert holder.email.endswith(f"@{RELEASED_EMAIL_DOMAIN}")
    assert holder.tasks.count() == 1
    [event] = [record for record in caplog.records if getattr(record, "event", None) == "email_released"]
    assert (event.user_id, event.to_user_id) == (holder.pk, ids["ada"])


def test_a_holder_that_proved_the_address_with_a_reset_keeps_it_and_the_row_is_skipped(better_auth_db):
    url, ids = better_auth_db
    holder = UserFactory(email="ada@example.com", email_verified=True, email_proof="password_reset")

    stdout, stderr = import_users(url)

    assert stdout == "created 1, updated 0, unchanged 0, skipped 1.\n"
    assert (
        stderr
        == f"Skipped {ids['ada']} <ada@example.com>: its email address belongs to another local user ({holder.pk}).\n"
    )
    assert User.objects.get(pk=holder.pk).email == "ada@example.com"


def test_an_unverified_better_auth_address_never_takes_one_from_a_local_holder(better_auth_db):
    url, ids = better_auth_db
    holder = UserFactory(email="grace@example.com")

    stdout, _ = import_users(url)

    assert stdout == "created 1, updated 0, unchanged 0, skipped 1.\n"
    assert User.objects.get(pk=holder.pk).email == "grace@example.com"


def test_a_dry_run_reports_the_release_and_releases_nothing(better_auth_db, caplog, django_capture_on_commit_callbacks):
    url, ids = better_auth_db
    holder = UserFactory(email="ada@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        stdout, _ = import_users(url, "--dry-run")

    assert stdout.startswith(f"Released <ada@example.com> from unverified local user {holder.pk}")
    assert User.objects.get(pk=holder.pk).email == "ada@example.com"
    assert not [record for record in caplog.records if getattr(record, "event", None) == "email_released"]
