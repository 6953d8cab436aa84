"""A real Better Auth with the organization plugin, its hooks as docs/better-auth.md ships them, reporting to one
replica; the members' tokens are tried on another, each with two workers, on one PostgreSQL database.

Two people share an organization's task; a role change, a removal, a member
leaving and the organization's deletion each apply at the next request.
"""

import pytest

from testing.http import http
from testing.servers import PRODUCTION_ENV

pytestmark = pytest.mark.postgres_only

WEBHOOK_SECRET = "production-like-webhook-secret-0123456789abcdef"


def applied(step, event_type):
    return [
        d
        for d in step["deliveries"]
        if d["type"] == event_type and d["status"] == 200 and d["body"] == {"status": "applied"}
    ]


def test_organization_membership_follows_better_auth_at_once(replicas, better_auth_reporting_to):
    reported_to, api = replicas.start(2, BETTER_AUTH_WEBHOOK_SECRET=WEBHOOK_SECRET)
    better_auth = better_auth_reporting_to(
        reported_to, secret=PRODUCTION_ENV["BETTER_AUTH_SECRET"], webhook_secret=WEBHOOK_SECRET
    )
    owner = better_auth.do("sign-in")["token"]
    created = better_auth.do("create-organization", name="Acme", slug="acme")
    organization = created["organization_id"]
    assert len(applied(created, "organization.member.added")) == 1
    bob = better_auth.do("sign-up-other", email="bob@example.com", name="Bob")
    added = better_auth.do("add-member", organization_id=organization, user_id=bob["user_id"], role="member")
    assert len(applied(added, "organization.member.added")) == 1
    tasks = f"{api}/api/orgs/{organization}/tasks/"

    assert http("GET", f"{api}/api/orgs/", token=owner)[1] == [{"id": organization, "name": "Acme", "role": "owner"}]
    status, task = http("POST", tasks, token=owner, body={"title": "Shared"})
    assert status == 201
    # Bob sees the owner's task, completes it, may not change its title until he is an admin.
    assert [t["title"] for t in http("GET", tasks, token=bob["token"])[1]["results"]] == ["Shared"]
    assert http("POST", f"{tasks}{task['id']}/toggle/", token=bob["token"])[1]["completed"] is True
    assert http("PATCH", f"{tasks}{task['id']}/", token=bob["token"], body={"title": "Mine"})[0] == 403
    promoted = better_auth.do("update-member-role", organization_id=organization, user_id=bob["user_id"], role="admin")
    assert len(applied(promoted, "organization.member.updated")) == 1
    assert http("PATCH", f"{tasks}{task['id']}/", token=bob["token"], body={"title": "Ours"})[0] == 200

    removed = better_auth.do("remove-member", organization_id=organization, user_id=bob["user_id"])

    assert len(applied(removed, "organization.member.removed")) == 1
    assert {
        http("GET", f"{url}/api/orgs/{organization}/tasks/", token=bob["token"])[0] for url in (api, reported_to)
    } == {404}

    better_auth.do("add-member", organization_id=organization, user_id=bob["user_id"], role="member")
    assert http("GET", tasks, token=bob["token"])[0] == 200
    left = better_auth.do("leave-organization", organization_id=organization, email="bob@example.com")
    assert len(applied(left, "organization.member.removed")) == 1
    assert http("GET", tasks, token=bob["token"])[0] == 404

    deleted = better_auth.do("delete-organization", organization_id=organization)

    assert len(applied(deleted, "organization.deleted")) == 1
    assert http("GET", tasks, token=owner)[0] == 404
    assert http("GET", f"{api}/api/orgs/", token=owner)[1] == []
