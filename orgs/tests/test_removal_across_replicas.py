"""A member removed in Better Auth is refused on the very next request, by every worker of every replica.

Two server instances of two workers each share the test's PostgreSQL
database; the removal is reported to one, the member's requests go to both,
each on a new connection (so they spread over all four workers).
"""

import json
import time
import urllib.request
import uuid

import pytest
from drf_better_auth import webhooks
from drf_better_auth.tokens import AccessToken

from accounts.tests.factories import BetterAuthUserFactory
from orgs.tests.factories import MembershipFactory, OrganizationFactory
from tasks.tests.factories import TaskFactory
from testing.http import http

pytestmark = pytest.mark.postgres_only

WEBHOOK_SECRET = "replicas-webhook-secret-0123456789abcdefghijk"
REQUESTS = 16


def deliver(base_url, event_type, data):
    raw = json.dumps({"type": event_type, "data": data}).encode()
    event_id, timestamp = str(uuid.uuid4()), str(int(time.time()))
    request = urllib.request.Request(
        f"{base_url}/api/auth/better-auth/events/",
        data=raw,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Webhook-Id": event_id,
            "Webhook-Timestamp": timestamp,
            "Webhook-Signature": webhooks.sign(WEBHOOK_SECRET, event_id, timestamp, raw),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_a_removed_member_is_refused_at_once_on_every_worker_of_both_replicas(replicas):
    urls = replicas.start(2, BETTER_AUTH_WEBHOOK_SECRET=WEBHOOK_SECRET)
    member = BetterAuthUserFactory()
    organization = OrganizationFactory()
    MembershipFactory(organization=organization, user_id=member.pk, role="member")
    task = TaskFactory(owner=None, organization=organization, created_by=None)
    token = str(AccessToken.for_user(member))
    paths = [f"/api/orgs/{organization.pk}/tasks/", f"/api/orgs/{organization.pk}/tasks/{task.pk}/"]

    def statuses():
        return {http("GET", f"{urls[i % 2]}{paths[i // 2 % 2]}", token=token)[0] for i in range(REQUESTS)}

    # Every worker has answered the member: a per-process cache would now hold the membership.
    assert statuses() == {200}

    assert (
        deliver(urls[0], "organization.member.removed", {"organizationId": organization.pk, "userId": member.pk}) == 200
    )

    assert statuses() == {404}
    assert {http("GET", f"{url}/api/orgs/", token=token)[1] == [] for url in urls} == {True}
