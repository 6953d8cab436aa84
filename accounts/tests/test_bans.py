"""Better Auth's admin plugin bans: refused with 403 `user_banned` from the next request on, until lifted or expired.

Across replicas and workers, with a real admin plugin: test_better_auth_admin_plugin.
"""

import json
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_better_auth import webhooks

from accounts import services
from accounts.models import User
from audit.models import AuditEntry, AuditEvent

from .claims import ME_URL, better_auth_claims
from .factories import BetterAuthUserFactory

USER_ID = "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe"
WEBHOOK_SECRET = "test-webhook-secret-0123456789abcdefghijklmnop"
BANNED = {"detail": "This account is banned.", "code": "user_banned"}


def signed_delivery(event_type, data):
    raw = json.dumps({"type": event_type, "data": data}).encode()
    event_id, timestamp = str(uuid.uuid4()), str(int(time.time()))
    headers = {
        "Webhook-Id": event_id,
        "Webhook-Timestamp": timestamp,
        "Webhook-Signature": webhooks.sign(WEBHOOK_SECRET, event_id, timestamp, raw),
    }
    return raw, headers


@pytest.fixture
def deliver(api_client, settings):
    settings.BETTER_AUTH_WEBHOOK_SECRET = WEBHOOK_SECRET

    def post(event_type, data):
        raw, headers = signed_delivery(event_type, data)
        extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
        return api_client.generic(
            "POST", "/api/auth/better-auth/events/", raw, content_type="application/json", **extra
        )

    return post


@pytest.fixture
def ada(db):
    return BetterAuthUserFactory(pk=USER_ID, email="ada@example.com")


@pytest.fixture
def token(sign_hs256):
    return sign_hs256(better_auth_claims(user_id=USER_ID))


def iso(delta):
    return (timezone.now() + delta).isoformat()


def test_a_ban_refuses_the_next_request_and_lifting_it_lets_the_same_token_in(deliver, ada, token, call_me):
    assert call_me(token).status_code == 200

    assert deliver("user.banned", {"userId": USER_ID}).json() == {"status": "applied"}

    refused = call_me(token)
    assert (refused.status_code, refused.json()) == (403, BANNED)
    assert "WWW-Authenticate" not in refused
    assert deliver("user.unbanned", {"userId": USER_ID}).status_code == 200
    assert call_me(token).status_code == 200
    entries = AuditEntry.objects.filter(event=AuditEvent.BETTER_AUTH_EVENT).order_by("id")
    assert [entry.detail["type"] for entry in entries] == ["user.banned", "user.unbanned"]


def test_a_ban_with_an_end_holds_until_then_and_no_longer(deliver, ada, token, call_me):
    deliver("user.banned", {"userId": USER_ID, "banExpires": iso(timedelta(hours=1))})
    assert call_me(token).status_code == 403

    User.objects.filter(pk=USER_ID).update(ban_expires=timezone.now() - timedelta(seconds=1))

    assert call_me(token).status_code == 200


def test_a_banned_person_s_other_tokens_and_new_ones_are_refused_too(deliver, ada, sign_hs256, call_me, client_for):
    deliver("user.banned", {"userId": USER_ID})

    assert call_me(sign_hs256(better_auth_claims(user_id=USER_ID, iat=int(time.time()) + 1))).status_code == 403
    assert client_for(ada).get(ME_URL).status_code == 403


def test_a_token_that_says_banned_is_refused_though_no_event_came(ada, sign_hs256, call_me):
    response = call_me(sign_hs256(better_auth_claims(user_id=USER_ID, banned=True)))

    assert (response.status_code, response.json()) == (403, BANNED)
    # The token's claim refuses only tokens that carry it: the ban's state is the events'.
    assert User.objects.get(pk=USER_ID).banned is False


def test_a_token_saying_not_banned_does_not_lift_a_ban(deliver, ada, sign_hs256, call_me):
    deliver("user.banned", {"userId": USER_ID})

    response = call_me(sign_hs256(better_auth_claims(user_id=USER_ID, banned=False, updatedAt="2099-01-01T00:00:00Z")))

    assert response.status_code == 403


def test_banning_someone_else_changes_nothing_for_this_person(deliver, ada, token, call_me):
    BetterAuthUserFactory(pk="SomeoneElse0123456789abcdefghijk")

    deliver("user.banned", {"userId": "SomeoneElse0123456789abcdefghijk"})

    assert call_me(token).status_code == 200


def test_a_ban_for_someone_not_seen_here_is_applied_and_changes_nothing(deliver, db):
    assert deliver("user.banned", {"userId": USER_ID}).json() == {"status": "applied"}
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"user_id": USER_ID},
        {"userId": "has spaces"},
        {"userId": USER_ID, "banExpires": "next tuesday"},
        {"userId": USER_ID, "banExpires": 1767225600},
        {"userId": USER_ID, "banExpires": "2027-01-01T00:00:00"},
    ],
)
def test_a_malformed_ban_is_a_clear_400_and_bans_nobody(deliver, ada, data):
    response = deliver("user.banned", data)

    assert response.status_code == 400
    assert response.json()["code"] == "event_invalid"
    assert User.objects.get(pk=USER_ID).banned is False


def test_the_ban_is_read_in_the_query_that_loads_the_user(deliver, ada, token, call_me):
    call_me(token)
    with CaptureQueriesContext(connection) as unbanned:
        call_me(token)
    deliver("user.banned", {"userId": USER_ID})

    with CaptureQueriesContext(connection) as banned:
        call_me(token)

    assert len(banned) == len(unbanned) == 1


def test_a_banned_person_s_api_keys_are_refused_until_the_ban_is_lifted(deliver, ada, api_client):

    _key, new = services.api_key_create(user=ada, name="script", scopes=["tasks:read"], expires_at=None)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {new.key}")
    assert api_client.get("/api/tasks/").status_code == 200

    deliver("user.banned", {"userId": USER_ID})
    refused = api_client.get("/api/tasks/")

    assert (refused.status_code, refused.json()) == (403, BANNED)
    deliver("user.unbanned", {"userId": USER_ID})
    assert api_client.get("/api/tasks/").status_code == 200
