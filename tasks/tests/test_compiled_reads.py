"""Lists and single tasks read with SQL compiled once answer exactly what DRF's own filtering answers.

A query string naming nothing but the page takes the compiled reads
(`tasks.selectors`); any filter, search or ordering parameter takes DRF's
filter backends. An empty `search` changes nothing, so adding one compares
the two roads on the same request.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import compiled
from tasks.models import Task

from .factories import TaskFactory

THROUGH_THE_FILTERS = {"search": ""}


@pytest.fixture
def many_tasks(owner, stranger):
    # Creation times with ties, so that the order's tie-break (the id) decides too.
    start = timezone.now()
    tasks = TaskFactory.create_batch(45, owner=owner)
    for index, task in enumerate(tasks):
        Task.objects.filter(pk=task.pk).update(created_at=start - timedelta(minutes=index // 3))
    TaskFactory.create_batch(5, owner=stranger)
    return tasks


@pytest.mark.parametrize("query", [{}, {"page": 2}, {"page": 3}, {"page_size": 7, "page": 4}, {"page_size": 100}])
def test_every_page_of_the_list_holds_what_the_filtered_list_holds(owner_client, tasks_url, many_tasks, query):
    compiled = owner_client.get(tasks_url, query)
    filtered = owner_client.get(tasks_url, {**query, **THROUGH_THE_FILTERS})

    assert compiled.status_code == filtered.status_code == 200
    assert compiled.json()["count"] == filtered.json()["count"] == 45
    assert compiled.json()["results"] == filtered.json()["results"]
    assert compiled.json()["results"]


@pytest.mark.parametrize("query", [{"page": 5}, {"page": "last"}, {"page": "zero"}, {"page_size": "many"}])
def test_a_page_past_the_end_or_not_a_page_is_answered_as_the_filtered_list_answers(
    owner_client, tasks_url, many_tasks, query
):
    compiled = owner_client.get(tasks_url, query)
    filtered = owner_client.get(tasks_url, {**query, **THROUGH_THE_FILTERS})

    assert compiled.status_code == filtered.status_code
    assert compiled.json().get("results") == filtered.json().get("results")
    assert compiled.json().get("code") == filtered.json().get("code")


def test_a_list_never_holds_another_owners_tasks(owner_client, stranger_client, tasks_url, many_tasks, stranger):
    ids = {task["id"] for task in owner_client.get(tasks_url, {"page_size": 100}).json()["results"]}

    assert ids == {str(task.pk) for task in many_tasks}
    assert not ids & set(Task.objects.filter(owner=stranger).values_list("pk", flat=True))


def test_a_task_reads_the_same_on_both_roads(owner_client, tasks_url, task):
    compiled = owner_client.get(f"{tasks_url}{task.pk}/")
    filtered = owner_client.get(f"{tasks_url}{task.pk}/", THROUGH_THE_FILTERS)

    assert compiled.status_code == filtered.status_code == 200
    assert compiled.json() == filtered.json()
    assert compiled.json()["id"] == str(task.pk)


@pytest.mark.parametrize("whose", ["strangers", "missing"])
def test_another_owners_task_and_a_missing_one_are_not_found_on_both_roads(owner_client, tasks_url, stranger, whose):
    task_id = TaskFactory(owner=stranger).pk if whose == "strangers" else "8d5e2a52-3f1c-4c39-9a4e-0a6a0d8a3f10"

    compiled = owner_client.get(f"{tasks_url}{task_id}/")
    filtered = owner_client.get(f"{tasks_url}{task_id}/", THROUGH_THE_FILTERS)

    assert compiled.status_code == filtered.status_code == 404
    assert compiled.json() == filtered.json()


def test_changes_to_a_task_read_through_the_compiled_query(owner_client, tasks_url, task):
    assert owner_client.post(f"{tasks_url}{task.pk}/toggle/").json()["completed"] is True
    assert owner_client.patch(f"{tasks_url}{task.pk}/", {"title": "Renamed"}, format="json").status_code == 200
    assert owner_client.delete(f"{tasks_url}{task.pk}/").status_code == 204

    assert not Task.objects.filter(pk=task.pk).exists()


def test_the_compiled_listings_kept_are_bounded(owner_client, tasks_url, many_tasks, monkeypatch):
    monkeypatch.setattr(compiled, "MAX_COMPILED_QUERIES", 3)
    monkeypatch.setattr(compiled, "_compiled", {})

    for page_size in range(1, 8):
        assert len(owner_client.get(tasks_url, {"page_size": page_size}).json()["results"]) == page_size

    assert len(compiled._compiled) == 3
