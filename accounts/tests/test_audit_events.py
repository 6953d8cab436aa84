"""What the audit trail records of an account's security events, through the API, the admin and Better Auth's events.

One flow per test, read back from the trail; the last test runs them all
and finds no token, password or body anywhere in it.
"""

import json
import time
import uuid

import pytest
from django.core import mail
from drf_better_auth import webhooks

from accounts import services
from audit.models import AuditEntry, AuditEvent

from .admin_forms import change_form, change_url
from .factories import BetterAuthUserFactory, UserFactory
from .mailed_links import link_in

pytestmark = pytest.mark.django_db

PASSWORD = "ada's own passphrase 19"
NEW_PASSWORD = "a brand new passphrase 2027"
WEBHOOK_SECRET = "test-webhook-secret-0123456789abcdefghijklmnop"
USER_ID = "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe"


@pytest.fixture
def ada():
    return UserFactory(email="ada@example.com", password=PASSWORD, email_verified=True)


def trail(*events):
    """(event, user_id, actor_id, via) of the entries of these kinds, oldest first."""
    entries = AuditEntry.objects.order_by("at", "id")
    if events:
        entries = entries.filter(event__in=events)
    return [(entry.event, entry.user_id, entry.actor_id, entry.via) for entry in entries]


def sign_in(api_client, password=PASSWORD, email="ada@example.com", ip="192.0.2.7"):
    return api_client.post("/api/token/", {"email": email, "password": password}, format="json", REMOTE_ADDR=ip)


def deliver(api_client, settings, event_type, data):
    settings.BETTER_AUTH_WEBHOOK_SECRET = WEBHOOK_SECRET
    raw = json.dumps({"type": event_type, "data": data}).encode()
    event_id, timestamp = str(uuid.uuid4()), str(int(time.time()))
    return api_client.generic(
        "POST",
        "/api/auth/better-auth/events/",
        raw,
        content_type="application/json",
        HTTP_WEBHOOK_ID=event_id,
        HTTP_WEBHOOK_TIMESTAMP=timestamp,
        HTTP_WEBHOOK_SIGNATURE=webhooks.sign(WEBHOOK_SECRET, event_id, timestamp, raw),
    )


def test_sign_ins_that_succeed_and_fail_are_recorded_with_the_ip_and_no_address(api_client, ada):
    assert sign_in(api_client).status_code == 200
    assert sign_in(api_client, password="a wrong guess").status_code == 401
    assert sign_in(api_client, email="nobody@example.com").status_code == 401

    assert trail() == [
        (AuditEvent.SIGN_IN_SUCCEEDED, ada.pk, "", "api"),
        (AuditEvent.SIGN_IN_FAILED, ada.pk, "", "api"),
        (AuditEvent.SIGN_IN_FAILED, "", "", "api"),
    ]
    assert set(AuditEntry.objects.values_list("ip_address", flat=True)) == {"192.0.2.7"}


def test_a_lockout_is_recorded(api_client, ada, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(api_client, password="a wrong guess")

    assert trail(AuditEvent.LOCKED_OUT) == [(AuditEvent.LOCKED_OUT, ada.pk, "", "")]
    assert AuditEntry.objects.get(event=AuditEvent.LOCKED_OUT).ip_address == "192.0.2.7"


def test_signing_out_here_and_everywhere_are_recorded_but_a_rotation_is_not(api_client, ada):
    pair = sign_in(api_client).json()
    rotated = api_client.post("/api/token/refresh/", {"refresh": pair["refresh"]}, format="json").json()

    assert api_client.post("/api/token/blacklist/", {"refresh": rotated["refresh"]}, format="json").status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {rotated['access']}")
    assert api_client.post("/api/auth/logout-all/").status_code == 204

    assert trail(AuditEvent.SIGNED_OUT, AuditEvent.TOKENS_REVOKED) == [
        (AuditEvent.SIGNED_OUT, ada.pk, "", "api"),
        (AuditEvent.TOKENS_REVOKED, ada.pk, "", "api"),
    ]


def test_a_password_change_and_a_change_of_address_are_recorded(api_client, client_for, ada):
    client = client_for(ada)
    changed = client.post(
        "/api/auth/password/change/",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
    )
    assert changed.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {changed.json()['access']}")
    asked = client.post(
        "/api/auth/email/change/", {"new_email": "ada@new.example", "current_password": NEW_PASSWORD}, format="json"
    )
    assert asked.status_code == 202
    [message] = [message for message in mail.outbox if message.to == ["ada@new.example"]]
    assert api_client.post("/api/auth/email/change/confirm/", link_in(message).body(), format="json").status_code == 200

    assert trail(AuditEvent.PASSWORD_CHANGED, AuditEvent.EMAIL_CHANGED) == [
        (AuditEvent.PASSWORD_CHANGED, ada.pk, "", "api"),
        (AuditEvent.EMAIL_CHANGED, ada.pk, "", "api"),
    ]


def test_an_export_and_a_deletion_are_recorded(client_for, ada):
    client = client_for(ada)

    export = client.get("/api/auth/me/export/")
    b"".join(export.streaming_content)
    deleted = client.delete("/api/auth/me/", {"current_password": PASSWORD}, format="json")

    assert deleted.status_code == 204
    assert trail(AuditEvent.EXPORTED, AuditEvent.ERASED) == [
        (AuditEvent.EXPORTED, ada.pk, "", "api"),
        (AuditEvent.ERASED, ada.pk, "", "api"),
    ]


def test_a_relink_is_recorded_with_both_ids_and_the_superuser(ada):
    actor = UserFactory(is_staff=True, is_superuser=True)

    services.user_relink(user=ada, new_id="NewBetterAuthId0123456789abcdef", actor=actor)

    entry = AuditEntry.objects.get(event=AuditEvent.RELINKED)
    assert (entry.user_id, entry.actor_id, entry.via) == ("NewBetterAuthId0123456789abcdef", actor.pk, "admin")
    assert entry.detail["new_id"] == "NewBetterAuthId0123456789abcdef"


def test_an_admin_change_names_the_admin_and_the_fields_never_their_values(superuser_client, ada):
    response = superuser_client.post(change_url(ada), change_form(ada, name="Ada King"))

    assert response.status_code == 302
    entry = AuditEntry.objects.get(event=AuditEvent.ADMIN_CHANGE)
    assert (entry.user_id, entry.via, entry.detail) == (ada.pk, "admin", {"action": "changed", "fields": ["Name"]})
    assert entry.actor_id not in ("", ada.pk)
    assert "Ada King" not in json.dumps(entry.detail)


def test_an_admin_action_names_the_admin(support_client, support_user, ada):
    response = support_client.post(
        "/admin/accounts/user/", {"action": "revoke_tokens_of_selected", "_selected_action": [ada.pk]}
    )

    assert response.status_code == 302
    assert trail(AuditEvent.TOKENS_REVOKED) == [(AuditEvent.TOKENS_REVOKED, ada.pk, support_user.pk, "admin")]


def test_each_better_auth_event_applied_is_recorded_once(api_client, settings):
    BetterAuthUserFactory(pk=USER_ID)
    data = {"session_id": "Sx8mQ2pL9vR4tY7wK1nB5cH3jF6dG0aZ", "user_id": USER_ID}

    assert deliver(api_client, settings, "session.deleted", data).status_code == 200

    entry = AuditEntry.objects.get(event=AuditEvent.BETTER_AUTH_EVENT)
    assert (entry.user_id, entry.via, entry.detail["type"]) == (USER_ID, "better_auth", "session.deleted")
    assert trail(AuditEvent.SESSION_ENDED) == [(AuditEvent.SESSION_ENDED, USER_ID, "", "")]


def test_the_trail_holds_no_token_password_or_body(api_client, client_for, ada, superuser_client, settings):
    pair = sign_in(api_client).json()
    sign_in(api_client, password="a wrong guess")
    api_client.post("/api/token/blacklist/", {"refresh": pair["refresh"]}, format="json")
    client = client_for(ada)
    changed = client.post(
        "/api/auth/password/change/", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    ).json()
    b"".join(client_for(ada).get("/api/auth/me/export/").streaming_content)
    superuser_client.post(change_url(ada), change_form(ada, name="Secret Name Value"))
    BetterAuthUserFactory(pk=USER_ID)
    deliver(api_client, settings, "user.updated", {"user_id": USER_ID, "name": "Another Secret Name"})

    stored = json.dumps(list(AuditEntry.objects.values()), default=str)
    secrets = [
        pair["access"],
        pair["refresh"],
        changed["access"],
        changed["refresh"],
        PASSWORD,
        NEW_PASSWORD,
        "a wrong guess",
        "ada@example.com",
        "Secret Name Value",
        "Another Secret Name",
    ]
    assert AuditEntry.objects.count() >= 7
    assert [secret for secret in secrets if secret in stored] == []
    # No piece of a token either: a JWT's segments are long base64url runs.
    assert [part for token in secrets[:4] for part in token.split(".") if part in stored] == []


def test_the_admin_s_sign_ins_are_recorded_both_ways(superuser_session):
    from django.test import Client

    Client().post("/admin/login/?next=/admin/", {"username": "root@example.com", "password": "a wrong guess"})

    root = superuser_session.user.pk
    assert trail(AuditEvent.SIGN_IN_SUCCEEDED, AuditEvent.SIGN_IN_FAILED) == [
        (AuditEvent.SIGN_IN_SUCCEEDED, root, "", "admin"),
        (AuditEvent.SIGN_IN_FAILED, root, "", "admin"),
    ]
