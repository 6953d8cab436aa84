"""PATCH /api/auth/me/: the holder renames the account; a Better Auth profile older than the edit does not undo it."""

from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import User

from .claims import better_auth_claims
from .factories import BetterAuthUserFactory, UserFactory

pytestmark = pytest.mark.django_db

ME_URL = "/api/auth/me/"
BETTER_AUTH_ID = "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe"


def rename(client, body):
    return client.patch(ME_URL, body, format="json")


def test_the_name_changes_and_the_answer_is_the_user(client_for):
    ada = UserFactory(email="ada@example.com", name="Ada")

    response = rename(client_for(ada), {"name": "Ada Lovelace"})

    assert response.status_code == 200
    assert response.json()["name"] == "Ada Lovelace"
    assert User.objects.get(pk=ada.pk).name == "Ada Lovelace"


def test_the_address_and_other_fields_are_read_only(client_for):
    ada = UserFactory(email="ada@example.com", name="Ada")

    response = rename(client_for(ada), {"email": "mallory@example.com", "email_verified": True, "id": "x"})

    assert response.status_code == 200
    stored = User.objects.get(pk=ada.pk)
    assert (stored.email, stored.email_verified) == ("ada@example.com", False)


def test_a_name_too_long_or_of_the_wrong_type_is_a_400(client_for):
    ada = UserFactory(name="Ada")

    for body in ({"name": "x" * 256}, {"name": True}, {"name": ["Ada"]}, {"name": None}):
        response = rename(client_for(ada), body)
        assert response.status_code == 400, body
        assert list(response.json()["errors"]) == ["name"]
    assert User.objects.get(pk=ada.pk).name == "Ada"


def test_a_name_the_database_cannot_hold_is_a_clear_400_not_a_500(client_for):
    ada = UserFactory(name="Ada")

    # A lone surrogate, escaped as JSON allows: Python parses it, UTF-8 cannot hold it.
    body = b'{"name": "Ada \\ud800 L"}'
    response = client_for(ada).generic("PATCH", ME_URL, body, content_type="application/json")

    assert response.status_code == 400
    assert "code" in response.json()
    assert User.objects.get(pk=ada.pk).name == "Ada"


def test_a_stranger_renames_only_themselves(client_for):
    ada = UserFactory(name="Ada")
    mallory = UserFactory(name="Mallory")

    rename(client_for(mallory), {"name": "Ada (hacked)", "id": ada.pk})

    assert User.objects.get(pk=ada.pk).name == "Ada"
    assert User.objects.get(pk=mallory.pk).name == "Ada (hacked)"


def test_put_is_not_allowed(client_for):
    response = client_for(UserFactory()).put(ME_URL, {"name": "x"}, format="json")

    assert response.status_code == 405


# --- a Better Auth identity: the later change wins -----------------------------


@pytest.fixture
def identity():
    return BetterAuthUserFactory(pk=BETTER_AUTH_ID, email="ada@example.com", name="Ada Lovelace")


def token_updated_at(sign_hs256, updated_at, name="Ada Lovelace"):
    return sign_hs256(better_auth_claims(user_id=BETTER_AUTH_ID, name=name, updatedAt=updated_at))


def test_a_token_whose_profile_was_updated_before_the_edit_does_not_undo_it(identity, sign_hs256, call_me):
    token = token_updated_at(sign_hs256, "2026-11-01T10:00:00.000Z", name="Ada Lovelace")
    assert call_me(token).status_code == 200

    rename(_client(token), {"name": "Countess of Lovelace"})
    # Another token of the same session, and one of a profile updated later in Better Auth but before the edit.
    call_me(token)
    call_me(token_updated_at(sign_hs256, "2026-11-02T10:00:00.000Z", name="Ada L"))

    assert User.objects.get(pk=BETTER_AUTH_ID).name == "Countess of Lovelace"


def test_a_profile_updated_in_better_auth_after_the_edit_wins(identity, sign_hs256, call_me):
    rename(_client(token_updated_at(sign_hs256, "2026-11-01T10:00:00.000Z")), {"name": "Countess of Lovelace"})

    later = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    call_me(token_updated_at(sign_hs256, later, name="Ada King"))

    assert User.objects.get(pk=BETTER_AUTH_ID).name == "Ada King"


def test_an_older_profile_still_brings_its_newer_address_but_not_its_name(identity, sign_hs256, call_me):
    rename(_client(token_updated_at(sign_hs256, "2026-11-01T10:00:00.000Z")), {"name": "Countess of Lovelace"})

    call_me(
        sign_hs256(
            better_auth_claims(
                user_id=BETTER_AUTH_ID, email="ada@new.example", name="Ada L", updatedAt="2026-11-02T10:00:00.000Z"
            )
        )
    )

    stored = User.objects.get(pk=BETTER_AUTH_ID)
    assert (stored.email, stored.name) == ("ada@new.example", "Countess of Lovelace")


def test_a_user_updated_event_older_than_the_edit_does_not_undo_it(identity, sign_hs256, settings, api_client):
    import json
    import time
    import uuid

    from drf_better_auth import webhooks

    settings.BETTER_AUTH_WEBHOOK_SECRET = "test-webhook-secret-0123456789abcdefghijklmnop"
    rename(_client(token_updated_at(sign_hs256, "2026-11-01T10:00:00.000Z")), {"name": "Countess of Lovelace"})
    body = json.dumps(
        {
            "type": "user.updated",
            "data": {"user_id": BETTER_AUTH_ID, "name": "Ada L", "updated_at": "2026-11-02T10:00:00Z"},
        }
    ).encode()
    event_id, timestamp = str(uuid.uuid4()), str(int(time.time()))

    response = api_client.generic(
        "POST",
        "/api/auth/better-auth/events/",
        body,
        content_type="application/json",
        HTTP_WEBHOOK_ID=event_id,
        HTTP_WEBHOOK_TIMESTAMP=timestamp,
        HTTP_WEBHOOK_SIGNATURE=webhooks.sign(settings.BETTER_AUTH_WEBHOOK_SECRET, event_id, timestamp, body),
    )

    assert response.status_code == 200
    assert User.objects.get(pk=BETTER_AUTH_ID).name == "Countess of Lovelace"


def _client(token):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client
