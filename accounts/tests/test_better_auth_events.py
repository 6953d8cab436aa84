"""POST /api/auth/better-auth/events/: signed, fresh, applied once; bad deliveries get a clear 4xx, never a 500."""

import json
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_better_auth import webhooks
from prometheus_client import REGISTRY

from accounts import events
from accounts.models import EndedSession, ReceivedEvent, User

from .claims import better_auth_claims
from .factories import BetterAuthUserFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/auth/better-auth/events/"
WEBHOOK_SECRET = "test-webhook-secret-0123456789abcdefghijklmnop"
USER_ID = "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe"
SESSION_ID = "Sx8mQ2pL9vR4tY7wK1nB5cH3jF6dG0aZ"


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.BETTER_AUTH_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.fixture
def deliver(api_client):
    """POST an event as Better Auth's hook does; any part can be overridden to forge a bad one."""

    def post(
        event_type=None, data=None, *, body=None, event_id=None, timestamp=None, secret=WEBHOOK_SECRET, signature=None
    ):
        raw = body if body is not None else json.dumps({"type": event_type, "data": data}).encode()
        event_id = event_id or str(uuid.uuid4())
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        headers = {
            "HTTP_WEBHOOK_ID": event_id,
            "HTTP_WEBHOOK_TIMESTAMP": timestamp,
            "HTTP_WEBHOOK_SIGNATURE": signature or webhooks.sign(secret, event_id, timestamp, raw),
        }
        return api_client.generic("POST", URL, raw, content_type="application/json", **headers)

    return post


@pytest.fixture
def ada(db):
    return BetterAuthUserFactory(pk=USER_ID, email="ada@example.com", name="Ada Lovelace")


def session_token(sign_hs256, session_id=SESSION_ID, **claims):
    return sign_hs256(better_auth_claims(user_id=USER_ID, sid=session_id, **claims))


# --- session.deleted ---------------------------------------------------------


def test_an_ended_session_refuses_its_tokens_and_no_other(deliver, ada, sign_hs256, call_me):
    assert call_me(session_token(sign_hs256)).status_code == 200

    response = deliver("session.deleted", {"session_id": SESSION_ID, "user_id": USER_ID})

    assert response.status_code == 200
    assert response.json() == {"status": "applied"}
    refused = call_me(session_token(sign_hs256))
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_not_valid"
    assert refused.json()["detail"] == "Token's session has ended"
    assert call_me(session_token(sign_hs256, session_id="AnotherSession0123456789")).status_code == 200
    assert call_me(sign_hs256(better_auth_claims(user_id=USER_ID))).status_code == 200


def test_the_cookie_caches_session_id_is_checked_too(deliver, ada, sign_hs256, call_me):
    now = int(time.time())
    cookie_cache = sign_hs256(
        {
            "session": {"id": SESSION_ID, "userId": USER_ID, "expiresAt": "2026-12-01T00:00:00.000Z"},
            "user": {"id": USER_ID, "email": "ada@example.com", "name": "Ada Lovelace"},
            "iat": now,
            "exp": now + 300,
        }
    )
    assert call_me(cookie_cache).status_code == 200

    deliver("session.deleted", {"session_id": SESSION_ID, "user_id": USER_ID})

    assert call_me(cookie_cache).status_code == 401


def test_a_token_of_an_ended_session_is_refused_for_a_user_seen_for_the_first_time(deliver, sign_hs256, call_me):
    deliver("session.deleted", {"session_id": SESSION_ID, "user_id": USER_ID})

    response = call_me(session_token(sign_hs256))

    assert response.status_code == 401
    assert response.json()["detail"] == "Token's session has ended"


def test_token_verify_says_an_ended_sessions_token_is_not_valid(deliver, ada, sign_hs256, api_client):
    token = session_token(sign_hs256)
    deliver("session.deleted", {"session_id": SESSION_ID, "user_id": USER_ID})

    response = api_client.post("/api/token/verify/", {"token": token}, format="json")

    assert response.status_code == 401


def test_a_token_with_an_unreadable_session_id_is_refused(ada, sign_hs256, call_me):
    for sid in (42, "", "has spaces", "x" * 65):
        response = call_me(session_token(sign_hs256, session_id=sid))
        assert response.status_code == 401, sid
        assert response.json()["detail"] == "Token session id is not recognizable"


def test_checking_the_session_costs_no_query_beyond_the_users_own(ada, sign_hs256, call_me):
    with_session = session_token(sign_hs256)
    without_session = sign_hs256(better_auth_claims(user_id=USER_ID))
    call_me(without_session)

    with CaptureQueriesContext(connection) as plain:
        assert call_me(without_session).status_code == 200
    with CaptureQueriesContext(connection) as checked:
        assert call_me(with_session).status_code == 200

    assert len(checked.captured_queries) == len(plain.captured_queries)


def test_ended_sessions_past_their_retention_are_cleared_when_another_ends(deliver, settings):
    EndedSession.objects.create(
        session_id="old-session", user_id=USER_ID, expires_at=timezone.now() - timedelta(seconds=1)
    )

    deliver("session.deleted", {"session_id": SESSION_ID, "user_id": USER_ID})

    assert list(EndedSession.objects.values_list("session_id", flat=True)) == [SESSION_ID]
    kept_until = EndedSession.objects.get().expires_at
    assert kept_until > timezone.now() + timedelta(hours=23)


# --- user.updated and user.deleted --------------------------------------------


def test_a_newer_profile_is_taken(deliver, ada):
    response = deliver(
        "user.updated",
        {
            "user_id": USER_ID,
            "email": "Ada@Analytical.example",
            "name": "Ada King",
            "updated_at": "2026-11-20T10:00:00.000Z",
        },
    )

    assert response.status_code == 200
    ada.refresh_from_db()
    assert (ada.email, ada.name) == ("ada@analytical.example", "Ada King")


def test_a_profile_older_than_the_one_taken_last_changes_nothing(deliver, ada):
    deliver(
        "user.updated",
        {"user_id": USER_ID, "email": "new@example.com", "name": "New", "updated_at": "2026-11-20T10:00:00Z"},
    )

    deliver(
        "user.updated",
        {"user_id": USER_ID, "email": "old@example.com", "name": "Old", "updated_at": "2026-11-19T10:00:00Z"},
    )

    ada.refresh_from_db()
    assert (ada.email, ada.name) == ("new@example.com", "New")


def test_an_email_held_by_another_account_is_not_taken_but_the_name_is(deliver, ada):
    UserFactory(email="taken@example.com")

    deliver(
        "user.updated",
        {"user_id": USER_ID, "email": "taken@example.com", "name": "Ada K", "updated_at": "2026-11-20T10:00:00Z"},
    )

    ada.refresh_from_db()
    assert (ada.email, ada.name) == ("ada@example.com", "Ada K")


def test_an_update_of_a_user_not_seen_yet_creates_nobody(deliver):
    response = deliver(
        "user.updated",
        {"user_id": USER_ID, "email": "x@example.com", "name": "X", "updated_at": "2026-11-20T10:00:00Z"},
    )

    assert response.status_code == 200
    assert not User.objects.exists()


@pytest.fixture
def deactivate_deleted_users(settings):
    """BETTER_AUTH_DELETED_USERS=deactivate: a deletion only deactivates (test_better_auth_user_deleted.py has the
    erasure).
    """
    settings.BETTER_AUTH_DELETED_USERS = "deactivate"


def test_a_deleted_user_is_deactivated_and_their_tokens_refused(
    deliver, ada, sign_hs256, call_me, deactivate_deleted_users
):
    token = sign_hs256(better_auth_claims(user_id=USER_ID))

    response = deliver("user.deleted", {"user_id": USER_ID})

    assert response.status_code == 200
    ada.refresh_from_db()
    assert ada.is_active is False
    assert call_me(token).json()["code"] == "user_inactive"


def test_deleting_a_user_not_seen_here_is_accepted_and_changes_nothing(deliver, deactivate_deleted_users):
    assert deliver("user.deleted", {"user_id": USER_ID}).json() == {"status": "applied"}


# --- replays, signatures, timestamps ------------------------------------------


def test_a_replayed_event_answers_200_without_being_applied_again(deliver, ada, deactivate_deleted_users):
    event_id = str(uuid.uuid4())
    deliver("user.deleted", {"user_id": USER_ID}, event_id=event_id)
    ada.is_active = True  # support reactivated them since
    ada.save()

    replay = deliver("user.deleted", {"user_id": USER_ID}, event_id=event_id)

    assert replay.status_code == 200
    assert replay.json() == {"status": "duplicate"}
    ada.refresh_from_db()
    assert ada.is_active is True


def test_an_event_id_is_kept_until_its_timestamp_leaves_the_window(deliver):
    sent_at = int(time.time()) - 60

    deliver("user.deleted", {"user_id": USER_ID}, timestamp=sent_at)

    kept_until = ReceivedEvent.objects.get().expires_at
    assert kept_until.timestamp() == sent_at + webhooks.TIMESTAMP_TOLERANCE.total_seconds()


def test_expired_event_ids_are_cleared_as_new_events_arrive(deliver):
    ReceivedEvent.objects.create(
        event_id="long-gone", event_type="user.deleted", expires_at=timezone.now() - timedelta(seconds=1)
    )

    deliver("user.deleted", {"user_id": USER_ID})

    assert not ReceivedEvent.objects.filter(event_id="long-gone").exists()


@pytest.mark.parametrize(
    "forgery",
    [
        {"secret": "another-secret-of-the-same-length-0123456789abc"},
        {"signature": "v1,AAAA"},
        {"signature": "v2,whatever"},
        {"signature": "v1,é"},
        {"event_id": "has spaces"},
        {"timestamp": "soon"},
    ],
    ids=["other-secret", "wrong-mac", "unknown-version", "non-ascii", "bad-id", "bad-timestamp"],
)
def test_a_badly_signed_event_is_refused_with_401_and_changes_nothing(deliver, ada, forgery):
    response = deliver("user.deleted", {"user_id": USER_ID}, **forgery)

    assert response.status_code == 401
    assert response.json()["code"] == "signature_invalid"
    assert response.headers["WWW-Authenticate"].startswith("Webhook-Signature")
    ada.refresh_from_db()
    assert ada.is_active


def test_a_changed_body_breaks_the_signature(api_client, ada):
    event_id, timestamp = "evt-1", str(int(time.time()))
    signed = json.dumps({"type": "user.updated", "data": {"user_id": USER_ID, "name": "Ada"}}).encode()
    sent = json.dumps({"type": "user.deleted", "data": {"user_id": USER_ID}}).encode()

    response = api_client.generic(
        "POST",
        URL,
        sent,
        content_type="application/json",
        HTTP_WEBHOOK_ID=event_id,
        HTTP_WEBHOOK_TIMESTAMP=timestamp,
        HTTP_WEBHOOK_SIGNATURE=webhooks.sign(WEBHOOK_SECRET, event_id, timestamp, signed),
    )

    assert response.status_code == 401


def test_one_matching_signature_among_several_is_enough(deliver, ada):
    body = json.dumps({"type": "user.deleted", "data": {"user_id": USER_ID}}).encode()
    timestamp = str(int(time.time()))
    good = webhooks.sign(WEBHOOK_SECRET, "evt-2", timestamp, body)

    response = deliver(body=body, event_id="evt-2", timestamp=timestamp, signature=f"v1,AAAA {good}")

    assert response.status_code == 200


def test_missing_headers_are_refused(api_client):
    response = api_client.post(URL, {"type": "user.deleted", "data": {"user_id": USER_ID}}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "signature_invalid"


@pytest.mark.parametrize("offset", [-301, 301], ids=["stale", "from-the-future"])
def test_a_well_signed_event_outside_the_five_minute_window_is_refused(deliver, ada, offset):
    response = deliver("user.deleted", {"user_id": USER_ID}, timestamp=int(time.time()) + offset)

    assert response.status_code == 401
    assert response.json()["code"] == "timestamp_out_of_range"
    ada.refresh_from_db()
    assert ada.is_active


def test_without_a_webhook_secret_the_endpoint_answers_503(deliver, settings):
    settings.BETTER_AUTH_WEBHOOK_SECRET = ""

    response = deliver("user.deleted", {"user_id": USER_ID})

    assert response.status_code == 503
    assert response.json()["code"] == "events_not_configured"


# --- malformed events ----------------------------------------------------------


@pytest.mark.parametrize(
    "body, code",
    [
        (b"not json", "event_invalid"),
        (b"\xff\xfe", "event_invalid"),
        (b"[1, 2]", "event_invalid"),
        (b"[" * 100_000, "event_invalid"),
        (b'{"type": "user.deleted"}', "event_invalid"),
        (b'{"type": "user.deleted", "data": []}', "event_invalid"),
        (b'{"type": "user.deleted", "data": {}}', "event_invalid"),
        (b'{"type": "user.deleted", "data": {"user_id": "has spaces"}}', "event_invalid"),
        (b'{"type": "session.deleted", "data": {"session_id": 7, "user_id": "abc"}}', "event_invalid"),
        (b'{"type": "user.updated", "data": {"user_id": "abc", "name": ["x"]}}', "event_invalid"),
        (b'{"type": "user.created", "data": {"user_id": "abc"}}', "event_type_unknown"),
        (b'{"type": null, "data": {}}', "event_type_unknown"),
    ],
)
def test_a_well_signed_but_malformed_event_gets_a_clear_400(deliver, body, code):
    response = deliver(body=body)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert not ReceivedEvent.objects.exists()


def test_an_unknown_event_type_names_the_known_ones(deliver):
    response = deliver("user.created", {"user_id": USER_ID})

    assert response.json()["detail"] == (
        "Unknown event type; known: session.deleted, user.updated, user.banned, user.unbanned, user.deleted, "
        "organization.member.added, organization.member.updated, organization.member.removed, organization.deleted."
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_event_delivered_twice_at_once_is_applied_once():
    import threading

    from django.db import connections

    sent_at = timezone.now()
    barrier = threading.Barrier(2)
    results = []

    def deliver_once():
        try:
            barrier.wait()
            event = events.SessionDeleted(session_id=SESSION_ID, user_id=USER_ID)
            results.append(events.receive(event_id="evt-race", sent_at=sent_at, event=event))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, True]
    assert ReceivedEvent.objects.count() == 1 and EndedSession.objects.count() == 1


def test_deliveries_are_counted_by_type_and_result(deliver, ada):
    def counts():
        return [
            REGISTRY.get_sample_value("better_auth_events_total", {"type": event_type, "result": result}) or 0
            for event_type, result in [
                ("session.deleted", "applied"),
                ("session.deleted", "duplicate"),
                ("unknown", "signature_invalid"),
                ("unknown", "event_type_unknown"),
            ]
        ]

    before = counts()
    event_id = str(uuid.uuid4())
    for _ in range(2):
        deliver("session.deleted", {"session_id": SESSION_ID, "user_id": USER_ID}, event_id=event_id)
    deliver("session.deleted", {"session_id": SESSION_ID, "user_id": USER_ID}, secret="w" * 48)
    deliver("user.renamed", {"user_id": USER_ID})

    assert [after - earlier for after, earlier in zip(counts(), before, strict=True)] == [1, 1, 1, 1]
