"""`id`, `owner` and the timestamps belong to the server: a body that sets them changes nothing."""

import uuid

from tasks.models import Task

FORGED = {
    "id": str(uuid.UUID(int=1)),
    "owner": "someone-else",
    "created_at": "2001-01-01T00:00:00Z",
    "updated_at": "2001-01-01T00:00:00Z",
    "completed_at": "2001-01-01T00:00:00Z",
}


def test_read_only_fields_are_ignored_on_create(owner_client, owner, tasks_url):
    response = owner_client.post(tasks_url, {"title": "Mine", **FORGED}, format="json")

    assert response.status_code == 201
    task = Task.objects.get()
    assert str(task.pk) != FORGED["id"]
    assert task.owner == owner
    assert task.created_at.year > 2001 and task.updated_at.year > 2001
    assert task.completed_at is None


def test_read_only_fields_are_ignored_on_patch_and_put(owner_client, task, tasks_url):
    before = Task.objects.values("id", "owner_id", "created_at", "completed_at").get(pk=task.pk)

    patched = owner_client.patch(f"{tasks_url}{task.pk}/", FORGED, format="json")
    put = owner_client.put(f"{tasks_url}{task.pk}/", {"title": "Still mine", **FORGED}, format="json")

    assert (patched.status_code, put.status_code) == (200, 200)
    assert Task.objects.values("id", "owner_id", "created_at", "completed_at").get(pk=task.pk) == before
    assert Task.objects.get(pk=task.pk).updated_at.year > 2001
