"""Support staff see organizations and memberships in the admin; nobody edits them there (Better Auth's events do)."""

import pytest

from orgs.models import Membership, Organization
from orgs.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership():
    return MembershipFactory(organization__name="Acme", user_id="AdaLovelace0123", role="admin")


@pytest.mark.parametrize("client_name", ["support_client", "superuser_client"])
def test_organizations_and_their_members_are_found_and_shown_read_only(request, client_name, membership):
    client = request.getfixturevalue(client_name)
    organization = membership.organization

    listed = client.get("/admin/orgs/organization/", {"q": "acme"})
    shown = client.get(f"/admin/orgs/organization/{organization.pk}/change/")
    members = client.get("/admin/orgs/membership/", {"q": "AdaLovelace0123"})

    assert list(listed.context["cl"].result_list) == [organization]
    assert shown.status_code == 200 and "AdaLovelace0123" in shown.content.decode()
    assert list(members.context["cl"].result_list) == [membership]
    for url in ("/admin/orgs/organization/add/", f"/admin/orgs/organization/{organization.pk}/delete/"):
        assert client.get(url).status_code == 403
    client.post(f"/admin/orgs/organization/{organization.pk}/change/", {"name": "Renamed", "id": organization.pk})
    client.post(f"/admin/orgs/membership/{membership.pk}/change/", {"role": "owner"})
    assert Organization.objects.get().name == "Acme" and Membership.objects.get().role == "admin"
