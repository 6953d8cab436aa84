"""Who may do what with an organization's tasks: role x action x (own / someone else's / another organization's).

Every answer is checked for leaks: no body shows a task its caller may not
read, and a refused change changes nothing.
"""

import jwt
import pytest
from django.conf import settings

from accounts.tests.claims import better_auth_claims
from accounts.tests.factories import BetterAuthUserFactory, UserFactory
from orgs.tests.factories import MembershipFactory, OrganizationFactory
from tasks.models import Task

from .factories import TaskFactory

pytestmark = pytest.mark.django_db

ACTIONS = ("list", "get", "create", "update", "delete", "toggle")
TARGETS = ("own", "other", "foreign")
# What each role gets, by action, on its own organization's tasks (own / other's differ only for changes).
OK = {"list": 200, "get": 200, "create": 201, "update": 200, "delete": 204, "toggle": 200}
NOT_CREATOR = (403, "not_task_creator")
ROLE_REFUSED = (403, "organization_role_not_allowed")
ORGANIZATION_NOT_FOUND = (404, "organization_not_found")


def expected(role, action, target):
    if role is None or target == "foreign":
        return ORGANIZATION_NOT_FOUND
    if role == "guest":
        return ROLE_REFUSED
    if role == "member" and target == "other" and action in ("update", "delete"):
        return NOT_CREATOR
    return OK[action], None


@pytest.fixture
def world():
    """Organization A (the caller's, when they have a role), organization B (never theirs), and a personal task."""
    caller, colleague, outsider = BetterAuthUserFactory(), UserFactory(), UserFactory()
    a, b = OrganizationFactory(), OrganizationFactory()
    MembershipFactory(organization=a, user_id=colleague.pk, role="member")
    MembershipFactory(organization=b, user_id=outsider.pk, role="owner")
    tasks = {
        "own": TaskFactory(owner=None, organization=a, created_by=caller, title="own-task"),
        "other": TaskFactory(owner=None, organization=a, created_by=colleague, title="colleagues-task"),
        "foreign": TaskFactory(owner=None, organization=b, created_by=outsider, title="foreign-secret"),
    }
    personal = TaskFactory(owner=colleague, title="personal-secret")
    return {"caller": caller, "a": a, "b": b, "tasks": tasks, "personal": personal}


def call(client, action, organization, task):
    base = f"/api/orgs/{organization.pk}/tasks/"
    if action == "list":
        return client.get(base)
    if action == "create":
        return client.post(base, {"title": "new"}, format="json")
    url = f"{base}{task.pk}/"
    return {
        "get": lambda: client.get(url),
        "update": lambda: client.patch(url, {"title": "changed"}, format="json"),
        "delete": lambda: client.delete(url),
        "toggle": lambda: client.post(f"{url}toggle/"),
    }[action]()


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ["owner", "admin", "member", "guest", None])
def test_each_role_may_do_exactly_what_its_access_allows_and_sees_nothing_else(world, client_for, role, action, target):
    if role is not None:
        MembershipFactory(organization=world["a"], user_id=world["caller"].pk, role=role)
    task = world["tasks"][target]
    organization = world["b"] if target == "foreign" else world["a"]
    before = {t.pk: (t.title, t.completed) for t in world["tasks"].values()}

    response = call(client_for(world["caller"]), action, organization, task)

    status, code = expected(role, action, target)
    assert response.status_code == status, response.content
    body = response.content.decode()
    if code is not None:
        assert response.json()["code"] == code
        assert not any(title in body for title in ("own-task", "colleagues-task", "foreign-secret"))
    # Never another organization's or a person's task, whatever the answer.
    assert "personal-secret" not in body
    if target != "foreign":
        assert "foreign-secret" not in body
    if action == "list" and status == 200:
        assert {t["title"] for t in response.json()["results"]} == {"own-task", "colleagues-task"}
    if status >= 400:
        after = {t.pk: (t.title, t.completed) for t in Task.objects.filter(pk__in=before)}
        assert after == before


def test_a_task_of_another_organization_is_not_reached_through_ones_own(world, client_for):
    MembershipFactory(organization=world["a"], user_id=world["caller"].pk, role="owner")
    foreign = world["tasks"]["foreign"]
    client = client_for(world["caller"])

    for response in (
        client.get(f"/api/orgs/{world['a'].pk}/tasks/{foreign.pk}/"),
        client.delete(f"/api/orgs/{world['a'].pk}/tasks/{foreign.pk}/"),
        client.get(f"/api/orgs/{world['a'].pk}/tasks/{foreign.pk}/?completed=false"),
        client.get(f"/api/orgs/{world['a'].pk}/tasks/{world['personal'].pk}/"),
    ):
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert client.get(f"/api/tasks/{world['tasks']['own'].pk}/").status_code == 404


def test_a_stranger_gets_the_same_404_for_an_organization_that_exists_as_for_one_that_does_not(world, client_for):
    client = client_for(world["caller"])
    existing, missing = world["a"].pk, "NoSuchOrganization0123456789abcd"
    task = world["tasks"]["other"].pk
    for path in ("", f"{task}/", "?completed=true", f"{task}/?completed=false", "?page=2"):
        there = client.get(f"/api/orgs/{existing}/tasks/{path}")
        nowhere = client.get(f"/api/orgs/{missing}/tasks/{path}")
        assert there.status_code == nowhere.status_code == 404
        assert (
            there.json()
            == nowhere.json()
            == {
                "detail": "No organization with this id among yours.",
                "code": "organization_not_found",
            }
        )


def test_organization_claims_in_a_token_grant_nothing_the_events_did_not(world, client_for):
    MembershipFactory(organization=world["a"], user_id=world["caller"].pk, role="member")
    claims = better_auth_claims(
        user_id=world["caller"].pk,
        email=world["caller"].email,
        activeOrganizationId=world["b"].pk,
        role="owner",
        member={"organizationId": world["a"].pk, "role": "owner"},
        organizations=[{"id": world["b"].pk, "role": "owner"}],
    )
    client = client_for(world["caller"])
    token = jwt.encode(claims, settings.BETTER_AUTH_SECRET, algorithm="HS256")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/orgs/").json() == [{"id": world["a"].pk, "name": world["a"].name, "role": "member"}]

    assert client.get(f"/api/orgs/{world['b'].pk}/tasks/").status_code == 404
    refused = client.delete(f"/api/orgs/{world['a'].pk}/tasks/{world['tasks']['other'].pk}/")
    assert (refused.status_code, refused.json()["code"]) == NOT_CREATOR


def test_an_operator_may_map_another_role(world, client_for, settings):
    settings.ORGANIZATION_ROLES = {**settings.ORGANIZATION_ROLES, "lead": "admin"}
    MembershipFactory(organization=world["a"], user_id=world["caller"].pk, role="guest,lead")

    response = client_for(world["caller"]).delete(f"/api/orgs/{world['a'].pk}/tasks/{world['tasks']['other'].pk}/")

    assert response.status_code == 204


def test_an_organization_holds_at_most_its_limit_of_tasks(world, client_for, settings):
    settings.TASKS_MAX_PER_ORGANIZATION = 2
    MembershipFactory(organization=world["a"], user_id=world["caller"].pk, role="member")
    url = f"/api/orgs/{world['a'].pk}/tasks/"

    refused = client_for(world["caller"]).post(url, {"title": "third"}, format="json")

    assert (refused.status_code, refused.json()) == (
        409,
        {
            "detail": "This organization has reached the limit of 2 tasks. Delete some to add more.",
            "code": "task_limit_reached",
        },
    )
    # The caller's own limit is their own: the organization's tasks do not count against it.
    assert client_for(world["caller"]).post("/api/tasks/", {"title": "mine"}, format="json").status_code == 201


def test_a_created_task_records_its_organization_and_creator_and_no_owner(world, client_for):
    MembershipFactory(organization=world["a"], user_id=world["caller"].pk, role="member")

    body = client_for(world["caller"]).post(f"/api/orgs/{world['a'].pk}/tasks/", {"title": "new"}, format="json").json()

    assert (body["owner"], body["organization"], body["created_by"]) == (None, world["a"].pk, world["caller"].pk)
    assert Task.objects.get(pk=body["id"]).owner_id is None


@pytest.mark.parametrize("query", ["?page=2", "?page=99", "?page_size=1&page=2", "?page=2&completed=false"])
@pytest.mark.parametrize(("role", "answer"), [("guest", ROLE_REFUSED), (None, ORGANIZATION_NOT_FOUND)])
def test_no_page_tells_a_caller_without_access_how_many_tasks_there_are(world, client_for, query, role, answer):
    if role is not None:
        MembershipFactory(organization=world["a"], user_id=world["caller"].pk, role=role)

    response = client_for(world["caller"]).get(f"/api/orgs/{world['a'].pk}/tasks/{query}")

    assert (response.status_code, response.json()["code"]) == answer


def test_a_personal_api_key_reaches_no_organization_even_its_holders(world, api_client):
    from accounts.services.api_keys import api_key_create

    MembershipFactory(organization=world["a"], user_id=world["caller"].pk, role="owner")
    _row, new = api_key_create(
        user=world["caller"], name="script", scopes=["tasks:read", "tasks:write"], expires_at=None
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {new.key}")

    for response in (
        api_client.get("/api/orgs/"),
        api_client.get(f"/api/orgs/{world['a'].pk}/tasks/"),
        api_client.delete(f"/api/orgs/{world['a'].pk}/tasks/{world['tasks']['own'].pk}/"),
    ):
        assert (response.status_code, response.json()["code"]) == (403, "api_key_not_accepted")
    assert api_client.get("/api/tasks/").status_code == 200
