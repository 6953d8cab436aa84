"""Every task endpoint, in both URL shapes (the `tasks_url` fixture runs each test twice)."""

import pytest

from tasks.models import Priority, Task

from .factories import TaskFactory


def test_listing_returns_the_callers_tasks_in_a_page(owner_client, owner, tasks_url):
    task = TaskFactory(owner=owner)

    response = owner_client.get(tasks_url)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [item["id"] for item in body["results"]] == [str(task.pk)]


def test_creating_a_task_stores_it_for_the_caller(owner_client, owner, tasks_url):
    response = owner_client.post(
        tasks_url,
        {"title": "Buy milk", "description": "Two litres", "priority": "high", "due_date": "2030-01-31"},
        format="json",
    )

    assert response.status_code == 201
    task = Task.objects.get(pk=response.json()["id"])
    assert (task.owner, task.title, task.description) == (owner, "Buy milk", "Two litres")
    assert (task.priority, str(task.due_date), task.completed) == (Priority.HIGH, "2030-01-31", False)
    assert response.json()["priority"] == "high"
    assert response.json()["owner"] == owner.pk


def test_a_new_task_has_medium_priority_unless_told_otherwise(owner_client, tasks_url):
    response = owner_client.post(tasks_url, {"title": "Call mum"}, format="json")

    assert response.status_code == 201
    assert response.json()["priority"] == "medium"


def test_getting_a_task_returns_all_its_fields(owner_client, task, tasks_url):
    response = owner_client.get(f"{tasks_url}{task.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": str(task.pk),
        "owner": task.owner_id,
        "title": task.title,
        "description": task.description,
        "completed": False,
        "completed_at": None,
        "priority": "medium",
        "due_date": None,
        "created_at": task.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": task.updated_at.isoformat().replace("+00:00", "Z"),
    }


def test_put_replaces_the_writable_fields(owner_client, task, tasks_url):
    response = owner_client.put(
        f"{tasks_url}{task.pk}/",
        {"title": "Renamed", "description": "", "completed": True, "priority": "low", "due_date": None},
        format="json",
    )

    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.title, task.description, task.completed, task.priority) == ("Renamed", "", True, Priority.LOW)
    assert task.completed_at is not None


def test_put_without_a_title_is_refused(owner_client, task, tasks_url):
    response = owner_client.put(f"{tasks_url}{task.pk}/", {"completed": True}, format="json")

    assert response.status_code == 400
    assert "title" in response.json()["errors"]


def test_patch_changes_only_the_fields_sent(owner_client, task, tasks_url):
    title = task.title

    response = owner_client.patch(f"{tasks_url}{task.pk}/", {"priority": "high"}, format="json")

    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.priority, task.title) == (Priority.HIGH, title)


def test_patching_completed_records_and_clears_the_completion_time(owner_client, task, tasks_url):
    completed = owner_client.patch(f"{tasks_url}{task.pk}/", {"completed": True}, format="json")
    reopened = owner_client.patch(f"{tasks_url}{task.pk}/", {"completed": False}, format="json")

    assert completed.json()["completed_at"] is not None
    assert reopened.json()["completed_at"] is None


def test_delete_removes_the_task(owner_client, task, tasks_url):
    response = owner_client.delete(f"{tasks_url}{task.pk}/")

    assert response.status_code == 204
    assert not Task.objects.filter(pk=task.pk).exists()


def test_toggle_flips_completion_both_ways(owner_client, task, tasks_url):
    first = owner_client.post(f"{tasks_url}{task.pk}/toggle/")
    second = owner_client.post(f"{tasks_url}{task.pk}/toggle/")

    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.json()["completed"], second.json()["completed"]) == (True, False)
    assert first.json()["completed_at"] is not None
    assert second.json()["completed_at"] is None


def test_complete_marks_the_task_completed(owner_client, owner, task):
    response = owner_client.patch(f"/api/{owner.pk}/tasks/{task.pk}/complete")

    assert response.status_code == 200
    task.refresh_from_db()
    assert task.completed and task.completed_at is not None


def test_completing_a_completed_task_keeps_its_completion_time(owner_client, owner, task):
    task.set_completed(True)
    first_completed_at = Task.objects.get(pk=task.pk).completed_at

    response = owner_client.patch(f"/api/{owner.pk}/tasks/{task.pk}/complete/")

    assert response.status_code == 200
    assert Task.objects.get(pk=task.pk).completed_at == first_completed_at


def test_complete_exists_only_in_the_user_id_shape(owner_client, task):
    response = owner_client.patch(f"/api/tasks/{task.pk}/complete/")

    assert response.status_code == 404


@pytest.mark.parametrize("suffix", ["", "/"], ids=["without-slash", "with-slash"])
def test_every_route_answers_with_or_without_the_trailing_slash(owner_client, owner, tasks_url, suffix):
    task = TaskFactory(owner=owner)
    collection = tasks_url.rstrip("/") + suffix
    item = f"{tasks_url}{task.pk}{suffix}"

    responses = {
        "create": owner_client.post(collection, {"title": "Kept body"}, format="json"),
        "list": owner_client.get(collection),
        "retrieve": owner_client.get(item),
        "patch": owner_client.patch(item, {"title": "Patched"}, format="json"),
        "put": owner_client.put(item, {"title": "Put"}, format="json"),
        "toggle": owner_client.post(f"{tasks_url}{task.pk}/toggle{suffix}"),
        "delete": owner_client.delete(item),
    }

    assert {name: r.status_code for name, r in responses.items()} == {
        "create": 201,
        "list": 200,
        "retrieve": 200,
        "patch": 200,
        "put": 200,
        "toggle": 200,
        "delete": 204,
    }
    assert responses["create"].json()["title"] == "Kept body"
