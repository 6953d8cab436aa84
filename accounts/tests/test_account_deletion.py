"""DELETE /api/auth/me/: the holder erases the account, its tasks and personal data; every token fails after."""

import io
import time

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from drf_better_auth.serializers import token_pair_for
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from accounts.models import DeletedUserId, DenylistedToken, EndedSession, RelinkRecord, User
from tasks.models import Task
from tasks.tests.factories import TaskFactory

from .claims import better_auth_claims
from .factories import BetterAuthUserFactory, UserFactory

pytestmark = pytest.mark.django_db

ME_URL = "/api/auth/me/"
PASSWORD = "ada's own passphrase 19"
BETTER_AUTH_ID = "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe"


@pytest.fixture
def ada():
    user = UserFactory(email="ada@example.com", name="Ada Lovelace", password=PASSWORD, email_verified=True)
    TaskFactory.create_batch(3, owner=user, title="Ada's secret plan")
    return user


def delete(client, body=None, **extra):
    return client.delete(ME_URL, body, format="json", **extra)


def database_dump():
    out = io.StringIO()
    call_command("dumpdata", "--natural-foreign", exclude=["contenttypes", "auth.permission"], stdout=out)
    return out.getvalue()


def test_a_local_account_with_its_password_is_erased_with_its_tasks_and_its_token_then_fails(ada, client_for):
    signed_in = client_for(ada)

    response = delete(signed_in, {"current_password": PASSWORD})

    assert response.status_code == 204
    assert not User.objects.filter(pk=ada.pk).exists()
    assert Task.objects.filter(owner_id=ada.pk).count() == 0
    assert not Task.objects.filter(title="Ada's secret plan").exists()
    after = signed_in.get(ME_URL)
    assert (after.status_code, after.json()["code"]) == (401, "user_not_found")


def test_the_refresh_token_from_before_never_rotates_again(ada, client_for, api_client):
    refresh = token_pair_for(ada)["refresh"]

    delete(client_for(ada), {"current_password": PASSWORD})

    response = api_client.post("/api/token/refresh/", {"refresh": refresh}, format="json")
    assert response.status_code == 401


def test_nothing_in_the_database_names_the_person_afterwards_but_the_records_without_personal_data_stay(
    ada, client_for, api_client
):
    # Records that name her: a signed-out refresh token, a failed sign-in, admin changes to her and a task.
    api_client.post("/api/token/blacklist/", {"refresh": token_pair_for(ada)["refresh"]}, format="json")
    api_client.post("/api/token/", {"email": "ada@example.com", "password": "a wrong guess"}, format="json")
    admin_changed(ada)
    admin_changed(Task.objects.filter(owner=ada).first())
    assert "ada@example.com" in database_dump()

    assert delete(client_for(ada), {"current_password": PASSWORD}).status_code == 204

    dump = database_dump()
    for personal in ("ada@example.com", "Ada Lovelace", "Ada's secret plan"):
        assert personal not in dump
    assert DenylistedToken.objects.filter(user_id=ada.pk).exists()
    assert DeletedUserId.objects.filter(user_id=ada.pk).exists()


def admin_changed(obj):
    return LogEntry.objects.create(
        user=UserFactory(is_staff=True, is_superuser=True),
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        object_repr=str(obj),
        action_flag=CHANGE,
        change_message="Changed name.",
    )


def test_the_relink_records_stay_with_their_ids_but_not_the_note_that_may_name_the_person(sign_hs256, api_client):
    from accounts import services

    before = UserFactory(pk="AdaFirstBetterAuthId0123456789ab", email="ada@example.com", password=None)
    services.user_relink(
        user=before, new_id=BETTER_AUTH_ID, actor=None, os_user="ops-grace", note="SUP-42, asked by Ada Lovelace"
    )
    # Issued after the relink, which revoked every earlier token (iat has whole seconds).
    token = sign_hs256(better_auth_claims(user_id=BETTER_AUTH_ID, iat=int(time.time()) + 1))

    assert api_client.delete(ME_URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 204

    assert list(RelinkRecord.objects.values_list("old_id", "new_id", "via", "os_user", "note")) == [
        ("AdaFirstBetterAuthId0123456789ab", BETTER_AUTH_ID, "command line", "ops-grace", "")
    ]


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE accounts_relinkrecord SET note = 'rewritten'",
        "UPDATE accounts_relinkrecord SET note = '', os_user = 'someone else'",
        "UPDATE accounts_relinkrecord SET note = '', relinked_at = now()",
    ],
)
def test_the_database_allows_emptying_a_note_and_no_other_change(statement):
    from django.db import DatabaseError, connection, transaction

    from accounts import services

    before = UserFactory(pk="AdaFirstBetterAuthId0123456789ab", email="ada@example.com")
    services.user_relink(user=before, new_id=BETTER_AUTH_ID, actor=None, os_user="ops-grace", note="SUP-42")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_relinkrecord SET note = ''")

    assert list(RelinkRecord.objects.values_list("os_user", "note")) == [("ops-grace", "")]


def test_no_log_line_holds_the_address_the_password_or_the_token(ada, client_for, caplog):
    import logging

    signed_in = client_for(ada)
    token = signed_in._credentials["HTTP_AUTHORIZATION"].split()[1]

    with caplog.at_level(logging.DEBUG):
        delete(signed_in, {"current_password": "a wrong guess 0"})
        delete(signed_in, {"current_password": PASSWORD})

    lines = [str(vars(record)) for record in caplog.records]
    assert any("user_erased" in line for line in lines)
    assert not [
        line
        for line in lines
        if "ada@example.com" in line or PASSWORD in line or "a wrong guess" in line or token in line
    ]


def test_a_wrong_or_missing_password_erases_nothing(ada, client_for):
    wrong = delete(client_for(ada), {"current_password": "a wrong guess 0"})
    missing = delete(client_for(ada))

    assert (wrong.status_code, wrong.json()["code"]) == (400, "password_incorrect")
    assert (missing.status_code, list(missing.json()["errors"])) == (400, ["current_password"])
    assert User.objects.filter(pk=ada.pk).exists()
    assert Task.objects.filter(owner=ada).count() == 3


def test_wrong_passwords_lock_the_ip_out_as_at_sign_in(ada, client_for, settings):
    signed_in = client_for(ada)
    answers = [
        delete(signed_in, {"current_password": f"guess {n}"}, REMOTE_ADDR="192.0.2.9").status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]

    locked = delete(signed_in, {"current_password": PASSWORD}, REMOTE_ADDR="192.0.2.9")

    assert answers == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert (locked.status_code, locked.json()["code"]) == (429, "sign_in_locked")
    assert User.objects.filter(pk=ada.pk).exists()


def test_a_stranger_with_the_victims_password_deletes_nothing_of_the_victims(ada, client_for):
    mallory = UserFactory(email="mallory@example.com", password="mallory's passphrase 7")
    as_mallory = client_for(mallory)

    with_victims_password = delete(as_mallory, {"current_password": PASSWORD})
    with_own_password = delete(as_mallory, {"current_password": "mallory's passphrase 7"})

    assert with_victims_password.status_code == 400
    assert with_own_password.status_code == 204
    assert not User.objects.filter(pk=mallory.pk).exists()
    assert User.objects.filter(pk=ada.pk).exists()
    assert Task.objects.filter(owner=ada).count() == 3
    assert client_for(ada).get(ME_URL).status_code == 200


def test_a_better_auth_identity_deletes_with_a_token_from_a_recent_sign_in(sign_hs256, call_me, api_client):
    identity = BetterAuthUserFactory(pk=BETTER_AUTH_ID, email="ada@example.com")
    TaskFactory(owner=identity)
    token = sign_hs256(better_auth_claims(user_id=BETTER_AUTH_ID, iat=int(time.time()) - 60))

    response = api_client.delete(ME_URL, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 204
    assert not User.objects.filter(pk=BETTER_AUTH_ID).exists()
    assert not Task.objects.filter(owner_id=BETTER_AUTH_ID).exists()


def test_a_better_auth_identity_with_an_older_token_must_sign_in_again(sign_hs256, api_client):
    BetterAuthUserFactory(pk=BETTER_AUTH_ID, email="ada@example.com")
    now = int(time.time())
    token = sign_hs256(better_auth_claims(user_id=BETTER_AUTH_ID, iat=now - 6 * 60, exp=now + 600))

    response = api_client.delete(ME_URL, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert (response.status_code, response.json()["code"]) == (403, "recent_sign_in_required")
    assert User.objects.filter(pk=BETTER_AUTH_ID).exists()


def test_a_better_auth_token_from_before_the_deletion_never_creates_the_account_again(sign_hs256, call_me, api_client):
    BetterAuthUserFactory(pk=BETTER_AUTH_ID, email="ada@example.com")
    now = int(time.time())
    earlier = sign_hs256(better_auth_claims(user_id=BETTER_AUTH_ID, iat=now - 30))
    api_client.delete(ME_URL, HTTP_AUTHORIZATION=f"Bearer {earlier}")

    refused = call_me(earlier)
    verified = api_client.post("/api/token/verify/", {"token": earlier}, format="json")

    assert (refused.status_code, refused.json()["detail"]) == (401, "Token was issued before its account was deleted")
    assert verified.status_code == 401
    assert not User.objects.filter(pk=BETTER_AUTH_ID).exists()


def test_a_new_sign_in_after_the_deletion_starts_an_empty_account(sign_hs256, call_me, api_client):
    identity = BetterAuthUserFactory(pk=BETTER_AUTH_ID, email="ada@example.com")
    TaskFactory(owner=identity)
    now = int(time.time())
    api_client.delete(
        ME_URL, HTTP_AUTHORIZATION=f"Bearer {sign_hs256(better_auth_claims(user_id=BETTER_AUTH_ID, iat=now - 30))}"
    )
    # The deletion happened a while ago; the person signs in at Better Auth again.
    DeletedUserId.objects.filter(user_id=BETTER_AUTH_ID).update(
        deleted_at=DeletedUserId.objects.get().deleted_at.replace(year=2025)
    )

    response = call_me(sign_hs256(better_auth_claims(user_id=BETTER_AUTH_ID)))

    assert response.status_code == 200
    assert not Task.objects.filter(owner_id=BETTER_AUTH_ID).exists()


def test_the_deleting_tokens_better_auth_session_ends(sign_hs256, call_me, api_client):
    BetterAuthUserFactory(pk=BETTER_AUTH_ID, email="ada@example.com")
    token = sign_hs256(better_auth_claims(user_id=BETTER_AUTH_ID, sid="Sx8mQ2pL9vR4tY7wK1nB5cH3jF6dG0aZ"))

    api_client.delete(ME_URL, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert EndedSession.objects.filter(session_id="Sx8mQ2pL9vR4tY7wK1nB5cH3jF6dG0aZ").exists()
    DeletedUserId.objects.all().delete()  # even were the erased id forgotten, the session stays ended
    assert (
        call_me(
            sign_hs256(better_auth_claims(user_id=BETTER_AUTH_ID, sid="Sx8mQ2pL9vR4tY7wK1nB5cH3jF6dG0aZ"))
        ).status_code
        == 401
    )


def test_a_staff_account_is_not_deleted_through_the_api(client_for):
    staff = UserFactory(email="support@example.com", password=PASSWORD, is_staff=True)

    response = delete(client_for(staff), {"current_password": PASSWORD})

    assert (response.status_code, response.json()["code"]) == (409, "staff_account")
    assert User.objects.filter(pk=staff.pk).exists()


def test_the_admin_history_about_the_account_keeps_no_address(ada, client_for):
    entry = admin_changed(ada)

    delete(client_for(ada), {"current_password": PASSWORD})

    entry.refresh_from_db()
    assert entry.object_repr == "(erased account)"


def test_deleting_needs_a_signed_in_account(api_client, ada):
    response = delete(api_client, {"current_password": PASSWORD})

    assert response.status_code == 401
    assert User.objects.filter(pk=ada.pk).exists()


@pytest.mark.postgres_only
def test_importing_better_auth_users_never_brings_an_erased_account_back(better_auth_database, sign_hs256, api_client):
    url, [grace] = better_auth_database(
        [{"email": "grace@example.com", "password": "compiler pioneer 1952", "name": "Grace"}]
    )
    BetterAuthUserFactory(pk=grace["id"], email="grace@example.com")
    token = sign_hs256(better_auth_claims(user_id=grace["id"], email="grace@example.com"))
    assert api_client.delete(ME_URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 204
    stdout, stderr = io.StringIO(), io.StringIO()

    call_command("import_better_auth_users", "--database-url", url, stdout=stdout, stderr=stderr)

    assert stderr.getvalue() == f"Skipped {grace['id']} <grace@example.com>: its account was erased here.\n"
    assert not User.objects.filter(pk=grace["id"]).exists()


class TestAnyDeleteBodyAnswersA2xxOr4xx(HypothesisTestCase):
    @hypothesis_settings(max_examples=40, deadline=None)
    @given(
        body=st.one_of(
            st.dictionaries(
                st.sampled_from(["current_password", "extra"]),
                st.one_of(st.text(max_size=1200), st.integers(), st.none(), st.booleans(), st.lists(st.integers())),
            ),
            st.lists(st.integers(), max_size=3),
            st.text(max_size=20),
            st.integers(),
        )
    )
    def test_whatever_body_arrives_the_answer_is_never_a_5xx(self, body):
        from drf_better_auth.tokens import AccessToken
        from rest_framework.test import APIClient

        user = UserFactory()  # no usable password: every guess fails, nothing is erased
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")

        response = client.delete(ME_URL, body, format="json")

        assert 400 <= response.status_code < 500, response.content
        assert "code" in response.json()
