"""Better Auth's organization events arriving out of order: a retried delivery that lands after a later
change (a removal, a demotion, the organization's deletion) changes nothing, so no one regains access
through a late retry."""

import threading
import time

import pytest

from accounts.tests.factories import BetterAuthUserFactory
from orgs.models import DeletedOrganization, Membership, MembershipEnded, Organization

pytestmark = pytest.mark.django_db

ORG = "Org5kQ9xLm2Pq8RtY1vWb4nJc7hGd5sA"
# Date.now() values, a second apart.
T1, T2, T3 = 1_796_000_000_000, 1_796_000_001_000, 1_796_000_002_000


@pytest.fixture
def ada(db):
    return BetterAuthUserFactory()


def member_event(user, occurred_at, role="member"):
    return {"organizationId": ORG, "userId": user.pk, "role": role, "occurredAt": occurred_at}


def test_a_retried_addition_landing_after_the_removal_does_not_bring_the_member_back(deliver, ada, client_for):
    deliver("organization.member.added", member_event(ada, T1))
    deliver("organization.member.removed", member_event(ada, T2))

    late = deliver("organization.member.added", member_event(ada, T1))

    assert late.status_code == 200
    assert not Membership.objects.exists()
    assert client_for(ada).get(f"/api/orgs/{ORG}/tasks/").json()["code"] == "organization_not_found"


def test_an_addition_after_the_removal_brings_the_member_back(deliver, ada, client_for):
    deliver("organization.member.added", member_event(ada, T1))
    deliver("organization.member.removed", member_event(ada, T2))

    deliver("organization.member.added", member_event(ada, T3))

    assert client_for(ada).get(f"/api/orgs/{ORG}/tasks/").status_code == 200
    assert not MembershipEnded.objects.exists()


def test_a_retried_removal_landing_after_a_later_addition_leaves_the_member_in(deliver, ada, client_for):
    deliver("organization.member.removed", member_event(ada, T2))
    deliver("organization.member.added", member_event(ada, T3))

    late = deliver("organization.member.removed", member_event(ada, T2))

    assert late.status_code == 200
    assert client_for(ada).get("/api/orgs/").json()[0]["id"] == ORG


def test_a_retried_promotion_landing_after_a_demotion_grants_nothing(deliver, ada, client_for):
    deliver("organization.member.added", member_event(ada, T1))
    deliver("organization.member.updated", member_event(ada, T3, role="member"))

    deliver("organization.member.updated", member_event(ada, T2, role="admin"))

    assert client_for(ada).get("/api/orgs/").json()[0]["role"] == "member"


def test_a_member_event_after_the_organization_was_deleted_recreates_nothing(deliver, ada, client_for):
    deliver("organization.member.added", member_event(ada, T1))
    deliver("organization.deleted", {"organizationId": ORG})

    late = deliver("organization.member.added", member_event(ada, T1, role="owner"))
    later = deliver("organization.member.added", {"organizationId": ORG, "userId": ada.pk, "role": "owner"})

    assert (late.status_code, later.status_code) == (200, 200)
    assert not Organization.objects.exists() and not Membership.objects.exists()
    assert DeletedOrganization.objects.filter(pk=ORG).exists()
    response = client_for(ada).post(f"/api/orgs/{ORG}/tasks/", {"title": "zombie"}, format="json")
    assert response.status_code == 404


def test_a_removal_without_a_time_still_outranks_an_older_addition(deliver, ada, client_for):
    deliver("organization.member.added", member_event(ada, T1))
    deliver("organization.member.removed", {"organizationId": ORG, "userId": ada.pk, "role": "member"})

    deliver("organization.member.added", member_event(ada, T1))

    assert not Membership.objects.exists()


@pytest.mark.parametrize("occurred_at", ["2026-12-06T10:00:00Z", -1, True, 1.5, 10**16, [T1]])
def test_an_occurred_at_that_is_no_time_in_milliseconds_is_refused(deliver, ada, occurred_at):
    response = deliver("organization.member.added", member_event(ada, occurred_at))

    assert (response.status_code, response.json()["code"]) == (400, "event_invalid")
    assert not Membership.objects.exists()


def test_a_late_addition_to_an_organization_only_its_removal_named_leaves_no_organization(deliver, ada):
    deliver("organization.member.removed", member_event(ada, T2))

    deliver("organization.member.added", {**member_event(ada, T1), "organizationName": "Acme"})

    assert not Organization.objects.exists() and not Membership.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_deletion_racing_an_addition_leaves_neither_the_organization_nor_the_member(ada, monkeypatch):
    from django.db import connection

    from orgs import services

    services.membership_set(organization_id=ORG, user_id=ada.pk, role="member")
    memberships = Membership.objects

    class SlowMemberships:
        """The addition pauses after its checks, holding whatever it holds, while the deletion starts."""

        def __getattr__(self, name):
            return getattr(memberships, name)

        def filter(self, *args, **kwargs):
            time.sleep(0.5)
            return memberships.filter(*args, **kwargs)

    monkeypatch.setattr(services, "Membership", type("SlowMembership", (), {"objects": SlowMemberships()}))
    failures = []

    def in_thread(work):
        def run():
            try:
                work()
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                failures.append(error)
            finally:
                connection.close()

        return threading.Thread(target=run)

    adding = in_thread(lambda: services.membership_set(organization_id=ORG, user_id=ada.pk, role="owner"))
    deleting = in_thread(lambda: services.organization_delete(organization_id=ORG))
    adding.start()
    time.sleep(0.2)
    deleting.start()
    adding.join()
    deleting.join()

    assert failures == []
    assert not Organization.objects.exists() and not Membership.objects.exists()
    assert DeletedOrganization.objects.filter(pk=ORG).exists()
