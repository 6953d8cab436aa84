"""A real Better Auth's hooks reach the API: sign-out ends that session's tokens at once, renames and deletions follow.

Better Auth (the harness's `events` command, hooks as docs/better-auth.md
ships them) reports to one replica; the tokens are tried on another, each
with two server workers, all on one PostgreSQL database.
"""

import pytest

from accounts.models import User
from testing.http import http
from testing.servers import PRODUCTION_ENV

pytestmark = pytest.mark.postgres_only

WEBHOOK_SECRET = "production-like-webhook-secret-0123456789abcdef"


@pytest.fixture
def api(replicas, better_auth_reporting_to):
    """(Better Auth reporting to replica 1, replica 2's base URL)."""
    reported_to, other = replicas.start(2, BETTER_AUTH_WEBHOOK_SECRET=WEBHOOK_SECRET)
    better_auth = better_auth_reporting_to(
        reported_to,
        secret=PRODUCTION_ENV["BETTER_AUTH_SECRET"],
        webhook_secret=WEBHOOK_SECRET,
    )
    return better_auth, other


def me(base_url, token):
    return http("GET", f"{base_url}/api/auth/me/", token=token)


def applied(deliveries, event_type):
    return [
        d for d in deliveries if d["type"] == event_type and d["status"] == 200 and d["body"] == {"status": "applied"}
    ]


def test_signing_out_of_better_auth_refuses_that_sessions_token_at_once_and_not_the_next_sessions(api):
    better_auth, other = api
    first = better_auth.do("sign-in")
    second = better_auth.do("sign-in")
    assert first["session_id"] != second["session_id"]
    assert me(other, first["token"])[0] == 200

    # The harness signs out of the most recent session: the second one.
    signed_out = better_auth.do("sign-out")

    assert len(applied(signed_out["deliveries"], "session.deleted")) == 1
    status, body = me(other, second["token"])
    assert status == 401
    assert body["code"] == "token_not_valid" and body["detail"] == "Token's session has ended"
    assert me(other, first["token"])[0] == 200
    third = better_auth.do("sign-in")
    assert me(other, third["token"])[0] == 200


def test_a_rename_and_an_email_change_sync_here_and_deleting_the_user_erases_them(api):
    better_auth, other = api
    token = better_auth.do("sign-in")["token"]
    assert me(other, token)[0] == 200

    renamed = better_auth.do("update-user", name="Renamed Person")
    moved = better_auth.do("change-email", email="moved.person@example.com")

    assert applied(renamed["deliveries"], "user.updated") and applied(moved["deliveries"], "user.updated")
    # Better Auth's `emailVerified` rides along: the new address is unproven.
    assert applied(moved["deliveries"], "user.updated")[0]["data"]["email_verified"] is False
    # The token minted before the changes carries the old profile and an older updatedAt: nothing reverts.
    status, body = me(other, token)
    assert status == 200
    assert (body["name"], body["email"]) == ("Renamed Person", "moved.person@example.com")

    deleted = better_auth.do("delete-user")

    assert applied(deleted["deliveries"], "user.deleted")
    assert not User.objects.filter(pk=better_auth.user["id"]).exists()
    status, body = me(other, token)
    assert status == 401 and body["code"] == "token_not_valid"
