"""Better Auth's events as Standard Webhooks: signed, fresh, parsed by the app's registered classes, received once."""

import json
import time

import pytest
from drf_better_auth import webhooks

from tests.testapp import events

WEBHOOK_SECRET = "tests-only-webhook-secret-0123456789-abcdefghij"
SESSION_EVENT = {"type": "session.deleted", "data": {"session_id": "session0001", "user_id": "user0001"}}


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.BETTER_AUTH_WEBHOOK_SECRET = WEBHOOK_SECRET


def deliver(api_client, body, *, event_id="evt-1", timestamp=None, signature=None, secret=WEBHOOK_SECRET):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    return api_client.post(
        "/events/",
        raw,
        content_type="application/json",
        HTTP_WEBHOOK_ID=event_id,
        HTTP_WEBHOOK_TIMESTAMP=timestamp,
        HTTP_WEBHOOK_SIGNATURE=signature or webhooks.sign(secret, event_id, timestamp, raw),
    )


def test_a_signed_event_is_parsed_by_its_class_and_applied_once(api_client):
    first = deliver(api_client, SESSION_EVENT)
    replay = deliver(api_client, SESSION_EVENT)

    assert (first.json(), replay.json()) == ({"status": "applied"}, {"status": "duplicate"})
    assert events.APPLIED == [events.SessionDeleted(session_id="session0001", user_id="user0001")]


def test_one_matching_signature_among_several_is_enough(api_client):
    raw = json.dumps(SESSION_EVENT).encode()
    timestamp = str(int(time.time()))
    good = webhooks.sign(WEBHOOK_SECRET, "evt-2", timestamp, raw)

    response = deliver(api_client, raw, event_id="evt-2", timestamp=timestamp, signature=f"v1,bm9wZQ== {good}")

    assert response.status_code == 200


SIGNATURE_INVALID = "The event's Webhook-Id, Webhook-Timestamp or Webhook-Signature is missing or wrong."


@pytest.mark.parametrize(
    "overrides, detail",
    [
        ({"secret": "another-secret-0123456789-abcdefghijklmnop"}, SIGNATURE_INVALID),
        ({"event_id": "has spaces"}, SIGNATURE_INVALID),
        ({"signature": "v1,éé"}, SIGNATURE_INVALID),
        (
            {"timestamp": int(time.time()) - 3600},
            "The event's Webhook-Timestamp is too far from the API's clock (more than 5 minutes).",
        ),
    ],
    ids=["other-secret", "bad-id", "non-ascii-signature", "stale"],
)
def test_a_delivery_that_does_not_hold_is_refused_with_401(api_client, overrides, detail):
    response = deliver(api_client, SESSION_EVENT, **overrides)

    assert (response.status_code, response.json()["detail"]) == (401, detail)
    assert response["WWW-Authenticate"] == 'Webhook-Signature realm="better-auth-events"'
    assert events.APPLIED == []


@pytest.mark.parametrize(
    "body, detail",
    [
        (b"{not json", 'The event is not valid JSON of the form {"type": ..., "data": {...}}.'),
        (
            {"type": "session.deleted", "data": []},
            'The event is not valid JSON of the form {"type": ..., "data": {...}}.',
        ),
        ({"type": "user.created", "data": {}}, "Unknown event type; known: session.deleted, user.updated."),
        ({"type": ["user.updated"], "data": {}}, "Unknown event type; known: session.deleted, user.updated."),
        ({"type": "session.deleted", "data": {"session_id": "x"}}, "data.user_id must be a Better Auth id."),
        ({"type": "user.updated", "data": {"user_id": "u1", "name": 5}}, "data.name must be a string."),
    ],
    ids=["not-json", "data-not-object", "unknown-type", "type-not-string", "missing-id", "name-not-string"],
)
def test_a_signed_but_unreadable_event_is_refused_with_400(api_client, body, detail):
    response = deliver(api_client, body)

    assert response.status_code == 400
    assert response.json()["detail"] == detail


def test_without_a_secret_the_view_is_off(api_client, settings):
    settings.BETTER_AUTH_WEBHOOK_SECRET = ""

    response = deliver(api_client, SESSION_EVENT)

    assert response.status_code == 503
    assert response.json()["detail"].startswith("Better Auth events are not configured")


def test_the_setting_wins_over_the_django_setting(api_client, settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "WEBHOOK_SECRET": "w" * 40}

    assert deliver(api_client, SESSION_EVENT).status_code == 401
    assert deliver(api_client, SESSION_EVENT, secret="w" * 40).status_code == 200


def test_the_registry_lists_the_app_s_types_in_order():
    assert webhooks.registry.types == ("session.deleted", "user.updated")
    assert webhooks.registry.parse(b'{"type": "user.updated", "data": {"user_id": "u1"}}') == events.UserUpdated(
        user_id="u1", name=None
    )
