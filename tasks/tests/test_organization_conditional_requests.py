"""An organization's tasks answer If-Match and If-None-Match as a person's do, the membership checked first."""

import pytest

from orgs.tests.factories import MembershipFactory, OrganizationFactory
from tasks.models import Task

from .factories import TaskFactory


@pytest.fixture
def organization(owner):
    organization = OrganizationFactory()
    MembershipFactory(organization=organization, user_id=owner.pk, role="admin")
    return organization


@pytest.fixture
def task(organization, owner):
    return TaskFactory(owner=None, organization=organization, created_by=owner, title="Shared")


@pytest.fixture
def task_url(organization, task):
    return f"/api/orgs/{organization.pk}/tasks/{task.pk}/"


def test_a_task_read_carries_its_etag_and_answers_304_while_unchanged(owner_client, task_url):
    read = owner_client.get(task_url)

    assert read.status_code == 200
    assert read["ETag"] == f'"{read.json()["id"]}@{read.json()["updated_at"]}"'
    assert owner_client.get(task_url, HTTP_IF_NONE_MATCH=read["ETag"]).status_code == 304


def test_a_change_with_a_stale_etag_is_refused_and_changes_nothing(owner_client, task_url, task):
    stale = owner_client.get(task_url)["ETag"]
    assert owner_client.patch(task_url, {"title": "First tab"}, format="json", HTTP_IF_MATCH=stale).status_code == 200

    second = owner_client.patch(task_url, {"title": "Second tab"}, format="json", HTTP_IF_MATCH=stale)

    assert (second.status_code, second.json()["code"]) == (412, "precondition_failed")
    assert Task.objects.get(pk=task.pk).title == "First tab"


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_stranger_s_conditional_change_learns_nothing_and_changes_nothing(
    stranger_client, owner_client, task_url, task, method
):
    current = owner_client.get(task_url)["ETag"]

    refused = getattr(stranger_client, method)(task_url, {"title": "Taken"}, format="json", HTTP_IF_MATCH=current)

    assert (refused.status_code, refused.json()["code"]) == (404, "organization_not_found")
    assert Task.objects.get(pk=task.pk).title == "Shared"
