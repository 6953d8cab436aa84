"""A person holds at most TASKS_MAX_PER_USER tasks; one more answers 409 `task_limit_reached`, even in a race."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from drf_better_auth.tokens import AccessToken

from tasks.models import Task

from .factories import TaskFactory

pytestmark = pytest.mark.django_db

LIMIT = 3
REFUSAL = {"detail": "You have reached the limit of 3 tasks. Delete some to add more.", "code": "task_limit_reached"}


@pytest.fixture
def limit(settings):
    settings.TASKS_MAX_PER_USER = LIMIT
    return LIMIT


def create(client, url, title="One more"):
    return client.post(url, {"title": title}, format="json")


def test_the_task_that_would_pass_the_limit_is_refused_in_the_apis_error_shape(owner_client, owner, tasks_url, limit):
    TaskFactory.create_batch(limit - 1, owner=owner)
    assert create(owner_client, tasks_url).status_code == 201

    refused = create(owner_client, tasks_url)

    assert refused.status_code == 409
    assert refused.json() == REFUSAL
    assert Task.objects.filter(owner=owner).count() == limit


def test_deleting_a_task_makes_room_for_another(owner_client, owner, tasks_url, limit):
    first, *_rest = TaskFactory.create_batch(limit, owner=owner)

    assert owner_client.delete(f"{tasks_url}{first.pk}/").status_code == 204

    assert create(owner_client, tasks_url).status_code == 201


def test_the_limit_counts_each_persons_own_tasks(owner_client, stranger, tasks_url, limit):
    TaskFactory.create_batch(limit, owner=stranger)

    assert create(owner_client, tasks_url).status_code == 201


def test_at_the_limit_tasks_are_still_read_changed_and_deleted(owner_client, owner, tasks_url, limit):
    task, *_rest = TaskFactory.create_batch(limit, owner=owner)

    assert owner_client.get(tasks_url).json()["count"] == limit
    assert owner_client.patch(f"{tasks_url}{task.pk}/", {"title": "Renamed"}, format="json").status_code == 200
    assert owner_client.post(f"{tasks_url}{task.pk}/toggle/").status_code == 200
    assert owner_client.delete(f"{tasks_url}{task.pk}/").status_code == 204


def test_a_create_adds_two_statements_the_owners_lock_and_a_count_stopped_at_the_limit(owner_client, owner, limit):
    TaskFactory.create_batch(limit - 1, owner=owner)

    with CaptureQueriesContext(connection) as queries:
        assert create(owner_client, "/api/tasks/").status_code == 201

    # Savepoints are the test's own transaction showing through; in service they are BEGIN and COMMIT.
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    authentication, lock, count, insert = statements
    assert 'FROM "accounts_user"' in authentication and 'FROM "accounts_user"' in lock
    assert "FOR NO KEY UPDATE" in lock or connection.vendor != "postgresql"
    assert "COUNT(*)" in count and f"LIMIT {limit}" in count
    assert insert.startswith('INSERT INTO "tasks_task"')


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_creates_racing_at_one_below_the_limit_cannot_both_succeed(owner, settings, monkeypatch):
    settings.TASKS_MAX_PER_USER = LIMIT
    TaskFactory.create_batch(LIMIT - 1, owner=owner)
    token = str(AccessToken.for_user(owner))
    # Between its check and its commit, each create waits long enough for the other to check too.
    save = Task.save

    def slow_save(task, *args, **kwargs):
        time.sleep(0.5)
        save(task, *args, **kwargs)

    monkeypatch.setattr(Task, "save", slow_save)
    barrier = threading.Barrier(2)
    statuses = []

    def create_one():
        try:
            barrier.wait()
            client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
            statuses.append(
                client.post("/api/tasks/", {"title": "Racing"}, content_type="application/json").status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=create_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201, 409]
    assert Task.objects.filter(owner=owner).count() == LIMIT
