"""POST /api/tasks/bulk/: complete, reopen or delete up to 100 of the caller's own tasks, all or nothing."""

import datetime
import threading
import time
import uuid

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from drf_better_auth.tokens import AccessToken

from tasks.models import Task

from .factories import TaskFactory


@pytest.fixture
def bulk_url(tasks_url):
    return f"{tasks_url}bulk/"


def ids_of(tasks):
    return [str(task.pk) for task in tasks]


def snapshot():
    return {row["id"]: row for row in Task.objects.values()}


def test_complete_marks_the_tasks_done_and_stamps_completed_at(owner_client, owner, bulk_url):
    tasks = TaskFactory.create_batch(3, owner=owner)
    before = timezone.now()

    response = owner_client.post(bulk_url, {"action": "complete", "ids": ids_of(tasks)}, format="json")

    assert response.status_code == 200
    assert response.json() == {"changed": 3}
    for task in Task.objects.all():
        assert task.completed and task.completed_at >= before and task.updated_at >= before


def test_completing_an_already_completed_task_keeps_its_completed_at_and_does_not_count_it(
    owner_client, owner, bulk_url
):
    done = TaskFactory(owner=owner, completed=True)
    Task.objects.filter(pk=done.pk).update(completed_at=timezone.now() - datetime.timedelta(days=2))
    done.refresh_from_db()
    still_open = TaskFactory(owner=owner)

    response = owner_client.post(bulk_url, {"action": "complete", "ids": ids_of([done, still_open])}, format="json")

    assert response.json() == {"changed": 1}
    reread = Task.objects.get(pk=done.pk)
    assert (reread.completed_at, reread.updated_at) == (done.completed_at, done.updated_at)
    assert Task.objects.get(pk=still_open.pk).completed


def test_reopen_clears_completed_at_as_the_model_does(owner_client, owner, bulk_url):
    done = TaskFactory.create_batch(2, owner=owner, completed=True)
    already_open = TaskFactory(owner=owner)
    before = timezone.now()

    response = owner_client.post(bulk_url, {"action": "reopen", "ids": ids_of([*done, already_open])}, format="json")

    assert response.json() == {"changed": 2}
    for task in Task.objects.filter(pk__in=[task.pk for task in done]):
        assert (task.completed, task.completed_at) == (False, None)
        assert task.updated_at >= before


def test_delete_removes_the_rows(owner_client, owner, bulk_url):
    doomed = TaskFactory.create_batch(3, owner=owner)
    kept = TaskFactory(owner=owner)

    response = owner_client.post(bulk_url, {"action": "delete", "ids": ids_of(doomed)}, format="json")

    assert response.json() == {"changed": 3}
    assert list(Task.objects.all()) == [kept]


def test_a_repeated_id_counts_once(owner_client, owner, bulk_url):
    task = TaskFactory(owner=owner)
    same_in_capitals = str(task.pk).upper()

    response = owner_client.post(
        bulk_url, {"action": "delete", "ids": [str(task.pk), str(task.pk), same_in_capitals]}, format="json"
    )

    assert response.json() == {"changed": 1}
    assert not Task.objects.exists()


def test_an_empty_list_changes_nothing(owner_client, owner, bulk_url):
    TaskFactory(owner=owner)

    response = owner_client.post(bulk_url, {"action": "delete", "ids": []}, format="json")

    assert response.json() == {"changed": 0}
    assert Task.objects.count() == 1


@pytest.mark.parametrize("action", ["complete", "reopen", "delete"])
def test_naming_one_of_a_strangers_tasks_changes_nothing_of_anyones(owner_client, owner, stranger, bulk_url, action):
    mine = [TaskFactory(owner=owner), TaskFactory(owner=owner, completed=True)]
    theirs = [TaskFactory(owner=stranger), TaskFactory(owner=stranger, completed=True)]
    before = snapshot()

    response = owner_client.post(bulk_url, {"action": action, "ids": ids_of([*mine, theirs[0]])}, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert snapshot() == before


@pytest.mark.parametrize("action", ["complete", "reopen", "delete"])
def test_naming_a_task_that_does_not_exist_changes_nothing(owner_client, owner, bulk_url, action):
    mine = [TaskFactory(owner=owner), TaskFactory(owner=owner, completed=True)]
    before = snapshot()

    response = owner_client.post(bulk_url, {"action": action, "ids": [*ids_of(mine), str(uuid.uuid4())]}, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert snapshot() == before


def test_a_strangers_task_and_a_missing_one_answer_alike(owner_client, stranger, bulk_url):
    strangers = owner_client.post(
        bulk_url, {"action": "delete", "ids": ids_of([TaskFactory(owner=stranger)])}, format="json"
    )
    missing = owner_client.post(bulk_url, {"action": "delete", "ids": [str(uuid.uuid4())]}, format="json")

    assert (strangers.status_code, strangers.json()) == (missing.status_code, missing.json())


def test_more_than_100_ids_is_a_400_before_any_query(owner_client, owner, bulk_url, django_assert_max_num_queries):
    owner_client.get("/api/tasks/")  # the caller, read once
    ids = [str(uuid.uuid4()) for _ in range(101)]

    with django_assert_max_num_queries(1) as queries:
        response = owner_client.post(bulk_url, {"action": "bogus", "ids": [*ids[:100], "not-a-uuid"]}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "A bulk request names at most 100 tasks.",
        "code": "too_many_ids",
        "errors": {"ids": ["A bulk request names at most 100 tasks."]},
    }
    assert not any("tasks_task" in query["sql"] for query in queries.captured_queries)


def test_exactly_100_ids_are_accepted(owner_client, owner, bulk_url):
    tasks = TaskFactory.create_batch(100, owner=owner)

    response = owner_client.post(bulk_url, {"action": "complete", "ids": ids_of(tasks)}, format="json")

    assert response.json() == {"changed": 100}


@pytest.mark.parametrize(
    "ids",
    [["not-a-uuid"], [12345], [True], [None], [{"id": "x"}], "not-a-list", {"a": 1}, None],
    ids=["word", "number", "boolean", "null", "object", "string", "object-not-list", "null-list"],
)
def test_malformed_ids_are_a_400_naming_ids(owner_client, owner, bulk_url, ids):
    task = TaskFactory(owner=owner)
    body = {"action": "delete", "ids": [str(task.pk), *ids] if isinstance(ids, list) else ids}

    response = owner_client.post(bulk_url, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["ids"]
    assert all(isinstance(message, str) for message in response.json()["errors"]["ids"])
    assert Task.objects.filter(pk=task.pk).exists()


@pytest.mark.parametrize("body", [{"action": "archive", "ids": []}, {"ids": []}, {"action": None, "ids": []}])
def test_an_unknown_or_missing_action_is_a_400_naming_action(owner_client, bulk_url, body):
    response = owner_client.post(bulk_url, body, format="json")

    assert response.status_code == 400
    assert "action" in response.json()["errors"]


def test_bulk_costs_a_fixed_few_queries_however_many_tasks(
    owner_client, owner, bulk_url, django_assert_max_num_queries
):
    owner_client.get("/api/tasks/")
    tasks = TaskFactory.create_batch(50, owner=owner)

    # The caller, the locked check, the update (and the transaction's own statements on some databases).
    with django_assert_max_num_queries(5):
        assert owner_client.post(bulk_url, {"action": "complete", "ids": ids_of(tasks)}, format="json").json() == {
            "changed": 50
        }
    with django_assert_max_num_queries(5):
        assert owner_client.post(bulk_url, {"action": "delete", "ids": ids_of(tasks)}, format="json").json() == {
            "changed": 50
        }


def test_another_users_id_in_the_path_is_refused(owner_client, owner, stranger):
    task = TaskFactory(owner=owner)

    response = owner_client.post(
        f"/api/{stranger.pk}/tasks/bulk/", {"action": "delete", "ids": [str(task.pk)]}, format="json"
    )

    assert response.status_code == 403
    assert Task.objects.filter(pk=task.pk).exists()


def test_bulk_is_not_taken_for_a_task_id(owner_client, bulk_url):
    assert owner_client.get(bulk_url).status_code == 405


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_task_deleted_while_the_bulk_waits_for_its_lock_fails_the_bulk_and_changes_nothing(owner):
    gone, other = TaskFactory(owner=owner), TaskFactory(owner=owner)
    token = str(AccessToken.for_user(owner))
    answers = []

    def bulk_complete():
        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
            body = {"action": "complete", "ids": [str(gone.pk), str(other.pk)]}
            answers.append(client.post("/api/tasks/bulk/", body, content_type="application/json"))
        finally:
            connection.close()

    with transaction.atomic():
        Task.objects.select_for_update().get(pk=gone.pk)
        worker = threading.Thread(target=bulk_complete)
        worker.start()
        time.sleep(0.5)  # the bulk is now waiting for the row this transaction holds
        Task.objects.filter(pk=gone.pk).delete()
    worker.join(timeout=30)

    assert [answer.status_code for answer in answers] == [404]
    assert not Task.objects.get(pk=other.pk).completed


def test_a_bulk_post_without_the_trailing_slash_is_served_not_redirected(owner_client, owner):
    task = TaskFactory(owner=owner)

    response = owner_client.post("/api/tasks/bulk", {"action": "complete", "ids": [str(task.pk)]}, format="json")

    assert response.json() == {"changed": 1}
