"""A person's organizations in their account's export and erasure: the export lists their memberships and
the organizations' tasks they created (nobody else's); erasure deletes the memberships and leaves those
tasks with the organization, no longer naming the person."""

import json

import pytest

from accounts.tests.factories import UserFactory
from orgs.models import Membership, MembershipEnded
from orgs.tests.factories import OrganizationFactory
from tasks.models import Task
from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

PASSWORD = "ada's own passphrase 19"


@pytest.fixture
def ada():
    return UserFactory(email="ada@example.com", name="Ada Lovelace", password=PASSWORD)


@pytest.fixture
def acme(ada):
    organization = OrganizationFactory(name="Acme")
    Membership.objects.create(organization=organization, user_id=ada.pk, role="admin")
    return organization


def exported(client):
    response = client.get("/api/auth/me/export/")
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def test_the_export_lists_the_memberships_and_the_organization_tasks_the_person_created(ada, acme, client_for):
    grace = UserFactory()
    Membership.objects.create(organization=acme, user_id=grace.pk, role="member")
    hers = TaskFactory(owner=None, organization=acme, created_by=ada, title="Ada's plan for Acme")
    TaskFactory(owner=None, organization=acme, created_by=grace, title="Grace's plan")

    document = exported(client_for(ada))

    assert document["organizations"] == [{"id": acme.pk, "name": "Acme", "role": "admin"}]
    assert [task["id"] for task in document["organization_tasks_created"]] == [str(hers.pk)]
    assert document["organization_tasks_created"][0]["organization"] == acme.pk
    assert "Grace's plan" not in json.dumps(document)


def test_another_member_export_holds_none_of_the_person_s_tasks(ada, acme, client_for):
    grace = UserFactory()
    Membership.objects.create(organization=acme, user_id=grace.pk, role="owner")
    TaskFactory(owner=None, organization=acme, created_by=ada, title="Ada's plan for Acme")

    document = exported(client_for(grace))

    assert document["organization_tasks_created"] == []
    assert document["organizations"] == [{"id": acme.pk, "name": "Acme", "role": "owner"}]


def test_erasure_deletes_the_memberships_and_leaves_the_tasks_with_the_organization_unnamed(ada, acme, client_for):
    task = TaskFactory(owner=None, organization=acme, created_by=ada, title="Ada's plan for Acme")
    MembershipEnded.objects.create(organization_id="OtherOrg", user_id=ada.pk, ended_at="2026-12-01T00:00:00Z")

    response = client_for(ada).delete("/api/auth/me/", {"current_password": PASSWORD}, format="json")

    assert response.status_code == 204
    assert not Membership.objects.filter(user_id=ada.pk).exists()
    assert not MembershipEnded.objects.filter(user_id=ada.pk).exists()
    task.refresh_from_db()
    assert (task.organization_id, task.created_by_id, task.title) == (acme.pk, None, "Ada's plan for Acme")
    assert Task.objects.count() == 1
