"""An organization's reads cost what a person's do: the membership comes with the tasks, in the same query.

The compiled reads (a query string naming nothing but the page) answer what
DRF's filters answer; a list or a task costs the same round trips as a
person's; on PostgreSQL the queries read indexes.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from orgs.tests.factories import MembershipFactory, OrganizationFactory
from tasks.models import Task

from .factories import TaskFactory
from .test_query_plans import crowded_table, queries_of, scans  # noqa: F401  (crowded_table: a fixture)

THROUGH_THE_FILTERS = {"search": ""}


@pytest.fixture
def organization(owner):
    organization = OrganizationFactory()
    MembershipFactory(organization=organization, user_id=owner.pk, role="member")
    return organization


@pytest.fixture
def url(organization):
    return f"/api/orgs/{organization.pk}/tasks/"


@pytest.fixture
def many_tasks(organization, owner, stranger):
    start = timezone.now()
    tasks = TaskFactory.create_batch(45, owner=None, organization=organization, created_by=owner)
    for index, task in enumerate(tasks):
        Task.objects.filter(pk=task.pk).update(created_at=start - timedelta(minutes=index // 3))
    TaskFactory.create_batch(5, owner=owner)
    TaskFactory.create_batch(5, owner=None, organization=OrganizationFactory(), created_by=stranger)
    return tasks


@pytest.mark.parametrize("query", [{}, {"page": 2}, {"page": 3}, {"page_size": 7, "page": 4}, {"page": 9}])
def test_every_page_holds_what_the_filtered_list_holds(owner_client, url, many_tasks, query):
    compiled = owner_client.get(url, query)
    filtered = owner_client.get(url, {**query, **THROUGH_THE_FILTERS})

    assert compiled.status_code == filtered.status_code
    if compiled.status_code == 200:
        assert compiled.json()["count"] == filtered.json()["count"] == 45
        assert compiled.json()["results"] == filtered.json()["results"]
    else:
        assert compiled.json() == filtered.json()


def test_a_task_read_compiled_is_the_task_read_through_the_filters(owner_client, url, many_tasks):
    task = many_tasks[7]

    compiled = owner_client.get(f"{url}{task.pk}/")

    assert compiled.json() == owner_client.get(f"{url}{task.pk}/", THROUGH_THE_FILTERS).json()
    assert compiled.json()["created_by"] == task.created_by_id
    assert compiled.json()["organization"] == task.organization_id
    assert compiled.json()["owner"] is None


def test_a_list_and_a_task_cost_the_round_trips_of_a_persons(
    owner_client, url, organization, django_assert_num_queries
):
    owner_client.get(url)
    tasks = TaskFactory.create_batch(3, owner=None, organization=organization)
    # The caller's user, then the page with the membership: as /api/tasks/ (user, page).
    with django_assert_num_queries(2):
        assert owner_client.get(url).json()["count"] == 3
    with django_assert_num_queries(2):
        assert owner_client.get(f"{url}{tasks[0].pk}/").status_code == 200


def test_an_empty_list_reads_the_membership_on_its_own(owner_client, url, django_assert_num_queries):
    owner_client.get(url)
    with django_assert_num_queries(3):
        assert owner_client.get(url).json() == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.postgres_only
def test_the_page_reads_the_organization_index_and_the_membership_by_its_key(
    owner,
    owner_client,
    organization,
    crowded_table,  # noqa: F811
):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orgs_organization (id, name, created_at) "
            "SELECT 'crowd-org' || o, '', now() FROM generate_series(1, 400) AS o"
        )
        cursor.execute(
            "INSERT INTO orgs_membership (organization_id, user_id, role, updated_at) "
            "SELECT 'crowd-org' || o, 'crowd' || o, 'member', now() FROM generate_series(1, 400) AS o"
        )
        cursor.execute(
            "INSERT INTO tasks_task (id, organization_id, title, description, completed, priority, created_at, "
            "updated_at) SELECT gen_random_uuid(), o, 'task', '', false, 2, now() - g * interval '1 minute', now() "
            "FROM (SELECT 'crowd-org' || o AS o FROM generate_series(1, 400) AS o UNION ALL SELECT %s) AS orgs, "
            "generate_series(1, 50) AS g",
            [organization.pk],
        )
        cursor.execute("ANALYZE tasks_task")
        cursor.execute("ANALYZE orgs_membership")
        cursor.execute("ANALYZE orgs_organization")

    _user_query, page_query, count_query = queries_of(owner_client, f"/api/orgs/{organization.pk}/tasks/")

    page_scans = scans(page_query)
    assert ("Index Scan", "tasks_organization_created_idx") in page_scans
    assert "Seq Scan" not in {node_type for node_type, _ in page_scans | scans(count_query)}
