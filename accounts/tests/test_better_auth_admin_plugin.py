"""A real Better Auth with the admin plugin: its bans, role changes and impersonations, as the API sees them.

Better Auth (the harness's `admin` command: the hooks and the jwt payload as
docs/better-auth.md ships them) reports to one replica; the tokens are tried
on another, each with two server workers, all on one PostgreSQL database.
"""

import pytest

from accounts.models import User
from audit.models import AuditEntry, AuditEvent
from testing.http import http
from testing.servers import PRODUCTION_ENV

from .test_better_auth_events_live import WEBHOOK_SECRET, applied

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def api(replicas, better_auth_reporting_to):
    """(Better Auth with the admin plugin reporting to replica 1, replica 2's base URL)."""
    reported_to, other = replicas.start(2, BETTER_AUTH_WEBHOOK_SECRET=WEBHOOK_SECRET)
    better_auth = better_auth_reporting_to(
        reported_to,
        secret=PRODUCTION_ENV["BETTER_AUTH_SECRET"],
        webhook_secret=WEBHOOK_SECRET,
        email="banned.person@example.com",
        command="admin",
    )
    return better_auth, other


def test_a_ban_refuses_every_token_at_once_and_lifting_it_lets_them_back(api):
    better_auth, other = api
    token = better_auth.do("sign-in")["token"]
    assert http("GET", f"{other}/api/auth/me/", token=token)[0] == 200

    banned = better_auth.do("ban", expires_in=3600)

    [delivery] = applied(banned["deliveries"], "user.banned")
    assert delivery["data"]["userId"] == better_auth.user["id"] and delivery["data"]["banExpires"]
    # New connections each: the answers come from both of the replica's workers.
    answers = [http("GET", f"{other}/api/auth/me/", token=token) for _ in range(8)]
    assert answers == [(403, {"detail": "This account is banned.", "code": "user_banned"})] * 8
    assert User.objects.get(pk=better_auth.user["id"]).ban_expires is not None

    assert applied(better_auth.do("unban")["deliveries"], "user.unbanned")
    # Better Auth ended the person's sessions when it banned them: a new sign-in gets in.
    assert http("GET", f"{other}/api/auth/me/", token=better_auth.do("sign-in")["token"])[0] == 200


def test_an_impersonating_admin_works_as_the_person_and_no_better_auth_role_makes_anyone_staff(api):
    # One Better Auth for both (each test starts two replicas): impersonation, then roles.
    better_auth, other = api
    impersonation = better_auth.do("impersonate")

    status, me = http("GET", f"{other}/api/auth/me/", token=impersonation["token"])
    created = http("POST", f"{other}/api/tasks/", token=impersonation["token"], body={"title": "Checked by support"})
    toggled = http("POST", f"{other}/api/tasks/{created[1]['id']}/toggle/", token=impersonation["token"])

    assert (status, me["id"], created[0], toggled[0]) == (200, better_auth.user["id"], 201, 200)
    writes = AuditEntry.objects.filter(event=AuditEvent.IMPERSONATED_WRITE).order_by("id")
    assert [(entry.user_id, entry.actor_id, entry.detail["status"]) for entry in writes] == [
        (better_auth.user["id"], better_auth.admin["id"], 201),
        (better_auth.user["id"], better_auth.admin["id"], 200),
    ]

    admin_token = better_auth.do("admin-sign-in")["token"]
    assert http("GET", f"{other}/api/auth/me/", token=admin_token)[0] == 200
    promoted = better_auth.do("set-role", role="admin")
    assert applied(promoted["deliveries"], "user.updated")[0]["data"]["role"] == "admin"
    assert http("GET", f"{other}/api/auth/me/", token=better_auth.do("sign-in")["token"])[0] == 200

    for user_id in (better_auth.admin["id"], better_auth.user["id"]):
        user = User.objects.get(pk=user_id)
        assert (user.better_auth_role, user.is_staff, user.is_superuser) == ("admin", False, False)
