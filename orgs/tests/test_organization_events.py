"""Better Auth's organization events: membership added, changed and removed at once; an organization deleted
takes its tasks; malformed data is a 400, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.tests.factories import BetterAuthUserFactory
from orgs.models import Membership, Organization
from tasks.models import Task
from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

ORG = "Org5kQ9xLm2Pq8RtY1vWb4nJc7hGd5sA"


@pytest.fixture
def ada(db):
    return BetterAuthUserFactory()


def member_event(user, role="member", **extra):
    return {"organizationId": ORG, "userId": user.pk, "role": role, **extra}


def test_a_member_added_lists_the_organization_and_reads_its_tasks_until_removed(deliver, ada, client_for):
    client = client_for(ada)
    assert client.get(f"/api/orgs/{ORG}/tasks/").status_code == 404

    added = deliver("organization.member.added", member_event(ada, organizationName="Acme"))

    assert (added.status_code, added.json()) == (200, {"status": "applied"})
    assert client.get("/api/orgs/").json() == [{"id": ORG, "name": "Acme", "role": "member"}]
    assert client.post(f"/api/orgs/{ORG}/tasks/", {"title": "Ship it"}, format="json").status_code == 201
    assert client.get(f"/api/orgs/{ORG}/tasks/").json()["count"] == 1

    removed = deliver("organization.member.removed", member_event(ada))

    assert removed.status_code == 200
    assert client.get("/api/orgs/").json() == []
    assert client.get(f"/api/orgs/{ORG}/tasks/").json()["code"] == "organization_not_found"
    # The organization's task stays the organization's.
    assert Task.objects.filter(organization_id=ORG).count() == 1


def test_a_role_change_applies_at_the_next_request(deliver, ada, client_for):
    deliver("organization.member.added", member_event(ada, role="owner"))
    other = TaskFactory(owner=None, organization_id=ORG, created_by=None)
    client = client_for(ada)
    assert client.patch(f"/api/orgs/{ORG}/tasks/{other.pk}/", {"title": "x"}, format="json").status_code == 200

    deliver("organization.member.updated", member_event(ada, role="member"))

    refused = client.patch(f"/api/orgs/{ORG}/tasks/{other.pk}/", {"title": "y"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_task_creator")
    assert client.get("/api/orgs/").json()[0]["role"] == "member"


def test_deleting_an_organization_takes_its_tasks_and_memberships_and_nothing_else(deliver, ada, client_for):
    deliver("organization.member.added", member_event(ada))
    TaskFactory.create_batch(2, owner=None, organization_id=ORG, created_by=ada)
    personal = TaskFactory(owner=ada)

    response = deliver("organization.deleted", {"organizationId": ORG})

    assert response.status_code == 200
    assert not Organization.objects.filter(pk=ORG).exists()
    assert not Membership.objects.filter(organization_id=ORG).exists()
    assert list(Task.objects.all()) == [personal]
    assert client_for(ada).get(f"/api/orgs/{ORG}/tasks/").status_code == 404


def test_a_user_erased_here_leaves_no_membership(deliver, ada):
    deliver("organization.member.added", member_event(ada))

    ada.delete()

    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    ("event_type", "data"),
    [
        ("organization.member.added", {"organizationId": ORG, "userId": "ok0123", "role": ""}),
        ("organization.member.added", {"organizationId": ORG, "userId": "ok0123", "role": "x" * 201}),
        ("organization.member.added", {"organizationId": ORG, "userId": "ok0123"}),
        ("organization.member.updated", {"organizationId": "../etc", "userId": "ok0123", "role": "member"}),
        ("organization.member.removed", {"organizationId": ORG}),
        ("organization.deleted", {"organizationId": 42}),
        ("organization.member.added", {"organizationId": ORG, "userId": "ok0123", "role": "m", "organizationName": 3}),
    ],
)
def test_malformed_organization_events_are_refused_and_change_nothing(deliver, event_type, data):
    response = deliver(event_type, data)

    assert (response.status_code, response.json()["code"]) == (400, "event_invalid")
    assert not Membership.objects.exists() and not Organization.objects.exists()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)
KEYS = st.sampled_from(["organizationId", "userId", "role", "organizationName", "occurredAt", "other"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    event_type=st.sampled_from(
        [
            "organization.member.added",
            "organization.member.updated",
            "organization.member.removed",
            "organization.deleted",
        ]
    ),
    data=st.dictionaries(KEYS, JSON | st.text(alphabet="abcXYZ019_-", min_size=1, max_size=70), max_size=5),
)
def test_any_data_is_applied_or_refused_with_a_400_never_a_500(deliver, event_type, data):
    assert deliver(event_type, data).status_code in (200, 400)
