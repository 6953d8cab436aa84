"""GET /api/auth/me/export/: everything the API holds about the caller, as one streamed JSON document."""

import json

import pytest
from axes.models import AccessAttempt
from drf_better_auth.serializers import token_pair_for

from accounts.models import EndedSession, RelinkRecord, User
from tasks.tests.factories import TaskFactory

from .factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/auth/me/export/"


def export(client, **extra):
    response = client.get(URL, **extra)
    response.chunks = list(response.streaming_content) if response.streaming else [response.content]
    return response, b"".join(response.chunks)


@pytest.fixture
def ada():
    return UserFactory(email="ada@example.com", name="Ada Lovelace")


def test_every_task_is_in_one_valid_json_document_streamed_as_a_download(ada, client_for):
    tasks = TaskFactory.create_batch(250, owner=ada)

    response, body = export(client_for(ada))

    assert response.status_code == 200
    assert response.streaming
    # Written as it is read: no piece holds more than the head or a task, whatever the number of tasks.
    assert len(response.chunks) > 250
    assert max(len(chunk) for chunk in response.chunks) < 4000
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="account-{ada.pk}.json"'
    document = json.loads(body)
    assert sorted(task["id"] for task in document["tasks"]) == sorted(str(task.id) for task in tasks)
    assert set(document["tasks"][0]) == {
        "id",
        "owner",
        "title",
        "description",
        "completed",
        "completed_at",
        "priority",
        "due_date",
        "created_at",
        "updated_at",
    }
    assert (document["profile"]["email"], document["profile"]["name"]) == ("ada@example.com", "Ada Lovelace")


def test_another_persons_tasks_never_appear(ada, client_for):
    TaskFactory.create_batch(2, owner=ada, title="Ada's")
    grace = UserFactory(email="grace@example.com")
    TaskFactory.create_batch(3, owner=grace, title="Grace's secret")

    _response, body = export(client_for(ada))

    document = json.loads(body)
    assert [task["title"] for task in document["tasks"]] == ["Ada's", "Ada's"]
    assert {task["owner"] for task in document["tasks"]} == {ada.pk}
    assert b"Grace's secret" not in body
    assert b"grace@example.com" not in body


def test_an_account_without_tasks_exports_an_empty_list(ada, client_for):
    _response, body = export(client_for(ada))

    assert json.loads(body)["tasks"] == []


def test_the_security_events_of_the_account_are_in_it(ada, client_for, api_client):
    refresh = token_pair_for(ada)["refresh"]
    api_client.post("/api/token/blacklist/", {"refresh": refresh}, format="json")
    api_client.post("/api/token/", {"email": "ada@example.com", "password": "a wrong guess"}, format="json")
    EndedSession.objects.create(
        session_id="Sx8mQ2pL9vR4tY7wK1nB5cH3jF6dG0aZ", user_id=ada.pk, expires_at="2099-01-01T00:00:00Z"
    )
    RelinkRecord.objects.create(
        old_id="OldBetterAuthId0123", new_id=ada.pk, via=RelinkRecord.Via.COMMAND_LINE, os_user="ops"
    )
    # Someone else's records stay out.
    EndedSession.objects.create(
        session_id="AnotherSession0123456789", user_id="someone-else", expires_at="2099-01-01T00:00:00Z"
    )
    client_for(ada).post("/api/auth/logout-all/")
    # Logging out everywhere revoked the earlier token: export with a fresh one.
    fresh = client_for(User.objects.get(pk=ada.pk))

    _response, body = export(fresh)

    security = json.loads(body)["security"]
    assert security["tokens_valid_after"] is not None
    assert [entry["jti"] for entry in security["signed_out_refresh_tokens"]] == [json.loads(_payload(refresh))["jti"]]
    assert [entry["session_id"] for entry in security["ended_sessions"]] == ["Sx8mQ2pL9vR4tY7wK1nB5cH3jF6dG0aZ"]
    assert [(entry["old_id"], entry["new_id"]) for entry in security["relinks"]] == [("OldBetterAuthId0123", ada.pk)]
    assert [entry["failures"] for entry in security["failed_sign_ins"]] == [1]
    # The IP that tried may be a stranger's: it is not handed out.
    assert AccessAttempt.objects.get().ip_address.encode() not in body


def _payload(token):
    import base64

    segment = token.split(".")[1]
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def test_exports_are_throttled_per_account(ada, client_for, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "export": "2/hour"},
    }
    signed_in = client_for(ada)

    answers = [export(signed_in, REMOTE_ADDR=f"192.0.2.{n}")[0].status_code for n in range(3)]

    assert answers == [200, 200, 429]
    assert export(client_for(UserFactory()))[0].status_code == 200


def test_exporting_needs_a_signed_in_account(api_client):
    response, _body = export(api_client)

    assert response.status_code == 401
