"""A relinked person keeps their organizations: memberships named by the old Better Auth id move to the new
one, and where Better Auth already reported the new id, that newer report stays."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.tests.factories import BetterAuthUserFactory
from orgs.models import Membership, MembershipEnded
from orgs.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

OLD_ID = "OldBetterAuthId0123456789abcdefg"
NEW_ID = "NewBetterAuthId0123456789abcdefg"


def relink_ada_on_the_command_line():
    call_command("relink_user", "ada@example.com", NEW_ID, "--yes", stdout=io.StringIO())
    return User.objects.get(pk=NEW_ID)


def test_the_memberships_move_to_the_new_id_and_reach_the_organizations_tasks(client_for):
    BetterAuthUserFactory(pk=OLD_ID, email="ada@example.com")
    acme, globex = OrganizationFactory.create_batch(2)
    Membership.objects.create(organization=acme, user_id=OLD_ID, role="admin")
    MembershipEnded.objects.create(organization_id=globex.pk, user_id=OLD_ID, ended_at="2026-12-01T00:00:00Z")

    ada = relink_ada_on_the_command_line()

    assert list(Membership.objects.values_list("user_id", "role")) == [(NEW_ID, "admin")]
    assert MembershipEnded.objects.get().user_id == NEW_ID
    assert client_for(ada).get(f"/api/orgs/{acme.pk}/tasks/").status_code == 200


def test_a_membership_better_auth_already_reported_for_the_new_id_is_kept(client_for):
    BetterAuthUserFactory(pk=OLD_ID, email="ada@example.com")
    acme = OrganizationFactory()
    Membership.objects.create(organization=acme, user_id=OLD_ID, role="owner")
    Membership.objects.create(organization=acme, user_id=NEW_ID, role="member")

    ada = relink_ada_on_the_command_line()

    assert list(Membership.objects.values_list("user_id", "role")) == [(NEW_ID, "member")]
    assert client_for(ada).get("/api/orgs/").json()[0]["role"] == "member"


def test_another_persons_memberships_stay_theirs():
    BetterAuthUserFactory(pk=OLD_ID, email="ada@example.com")
    grace = BetterAuthUserFactory()
    acme = OrganizationFactory()
    Membership.objects.create(organization=acme, user_id=grace.pk, role="owner")

    relink_ada_on_the_command_line()

    assert list(Membership.objects.values_list("user_id", flat=True)) == [grace.pk]
