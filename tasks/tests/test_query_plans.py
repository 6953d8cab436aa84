"""On a table of many people's tasks, the API's own queries read indexes, never the whole table."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import TaskFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]

OTHER_PEOPLE = 400
TASKS_EACH = 50


@pytest.fixture
def crowded_table(owner):
    """20 000 tasks of 400 other people, plus 1 000 of the owner's, with fresh statistics."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_user (id, password, email, name, is_active, is_staff, is_superuser, email_verified, "
            "email_proof, identity, date_joined) "
            "SELECT 'crowd' || u, '!', 'crowd' || u || '@example.com', '', true, false, false, false, '', 'local', "
            "now() "
            "FROM generate_series(1, %s) AS u",
            [OTHER_PEOPLE],
        )
        cursor.execute(
            "INSERT INTO tasks_task (id, owner_id, title, description, completed, priority, created_at, updated_at) "
            "SELECT gen_random_uuid(), owner_id, 'task', '', false, 2, "
            "now() - g * interval '1 minute', now() "
            "FROM (SELECT 'crowd' || u AS owner_id FROM generate_series(1, %s) AS u "
            "      UNION ALL SELECT %s) AS owners, generate_series(1, %s) AS g",
            [OTHER_PEOPLE, owner.pk, TASKS_EACH],
        )
        cursor.execute(
            "INSERT INTO tasks_task (id, owner_id, title, description, completed, priority, created_at, updated_at) "
            "SELECT gen_random_uuid(), %s, 'task', '', false, 2, now() - g * interval '1 second', now() "
            "FROM generate_series(1, 950) AS g",
            [owner.pk],
        )
        cursor.execute("ANALYZE tasks_task")
        cursor.execute("ANALYZE accounts_user")


def plan_nodes(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes, pending = [], [plan[0]["Plan"]]
    while pending:
        node = pending.pop()
        nodes.append(node)
        pending.extend(node.get("Plans", []))
    return nodes


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def scans(sql):
    return {(node["Node Type"], node.get("Index Name")) for node in plan_nodes(sql) if "Scan" in node["Node Type"]}


def test_listing_reads_the_owner_index_and_counts_from_an_index(owner_client, crowded_table):
    user_query, page_query, count_query = queries_of(owner_client, "/api/tasks/")

    assert {node_type for node_type, _ in scans(user_query)} == {"Index Scan"}
    # Newest first: the (owner, created_at) index read backwards, no sort of the owner's rows.
    assert scans(page_query) == {("Index Scan", "tasks_owner_created_idx")}
    assert "COUNT(" in count_query
    # Counted through an index (a bitmap of it before VACUUM marks the pages all-visible).
    assert {node_type for node_type, _ in scans(count_query)} <= {
        "Index Only Scan",
        "Index Scan",
        "Bitmap Index Scan",
        "Bitmap Heap Scan",
    }


def test_one_task_is_read_by_its_primary_key(owner_client, owner, crowded_table):
    task = TaskFactory(owner=owner)

    _user_query, task_query = queries_of(owner_client, f"/api/tasks/{task.pk}/")

    assert scans(task_query) == {("Index Scan", "tasks_task_pkey")}


def test_the_summary_reads_only_the_owners_tasks_through_an_index(owner_client, crowded_table):
    _user_query, summary_query = queries_of(owner_client, "/api/tasks/summary/?tz=Europe/Paris")

    assert "Seq Scan" not in {node_type for node_type, _ in scans(summary_query)}
