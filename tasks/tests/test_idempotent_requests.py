"""`Idempotency-Key` on the task endpoints (core.idempotency): a retry answers the first answer and changes nothing."""

import datetime
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_better_auth.tokens import AccessToken
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.models import IdempotencyKey
from tasks.models import Task

from .factories import TaskFactory

KEY = "5a4f0c3e-8d1b-4b6e-9f2a-0c7d3e1b2a44"


def post(client, url, body, key=KEY, **headers):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key, **headers)


def test_a_retried_create_answers_the_first_answer_and_creates_nothing_more(owner_client, owner, tasks_url):
    first = post(owner_client, tasks_url, {"title": "Buy milk"})
    again = post(owner_client, tasks_url, {"title": "Buy milk"})

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Task.objects.filter(owner=owner).count() == 1


def test_a_retried_toggle_toggles_once(owner_client, task, tasks_url):
    url = f"{tasks_url}{task.pk}/toggle/"
    first = owner_client.post(url, HTTP_IDEMPOTENCY_KEY=KEY)
    again = owner_client.post(url, HTTP_IDEMPOTENCY_KEY=KEY)

    assert first.json()["completed"] is again.json()["completed"] is True
    assert again["ETag"] == first["ETag"]
    task.refresh_from_db()
    assert task.completed is True


def test_a_retried_patch_is_applied_once_and_a_later_change_is_not_undone(owner_client, task, tasks_url):
    url = f"{tasks_url}{task.pk}/"
    post_patch = owner_client.patch
    assert post_patch(url, {"title": "First"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY).status_code == 200
    assert post_patch(url, {"title": "Second"}, format="json").status_code == 200

    again = post_patch(url, {"title": "First"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)

    assert again.status_code == 200 and again.json()["title"] == "First"
    task.refresh_from_db()
    assert task.title == "Second"


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(owner_client, owner, tasks_url):
    post(owner_client, tasks_url, {"title": "Buy milk"})

    response = post(owner_client, tasks_url, {"title": "Buy bread"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "This Idempotency-Key was used for a different request; use a new key for a new request.",
        "code": "idempotency_key_reused",
    }
    assert list(Task.objects.filter(owner=owner).values_list("title", flat=True)) == ["Buy milk"]


def test_the_same_key_on_another_endpoint_is_refused(owner_client, owner, tasks_url):
    task = TaskFactory(owner=owner)
    post(owner_client, tasks_url, {"title": "Buy milk"})

    response = owner_client.patch(
        f"{tasks_url}{task.pk}/", {"title": "Buy milk"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY
    )

    assert response.status_code == 422
    task.refresh_from_db()
    assert task.title != "Buy milk"


def test_a_stranger_reusing_someones_key_is_independent_of_them(owner_client, owner, stranger_client, stranger):
    mine = post(owner_client, "/api/tasks/", {"title": "Mine"})

    theirs = post(stranger_client, "/api/tasks/", {"title": "Mine"})
    other_body = post(stranger_client, "/api/tasks/", {"title": "Theirs"})

    # Their first request ran as their own (no replay of the owner's answer), then bound the key to them.
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs
    assert theirs.json()["owner"] == stranger.pk and theirs.json()["id"] != mine.json()["id"]
    assert other_body.status_code == 422
    # The owner's key is untouched: their retry still replays their own answer.
    assert post(owner_client, "/api/tasks/", {"title": "Mine"}).content == mine.content
    assert Task.objects.filter(owner=owner).count() == Task.objects.filter(owner=stranger).count() == 1


def test_an_answer_other_than_2xx_releases_the_key_for_the_corrected_request(owner_client, owner, tasks_url):
    refused = post(owner_client, tasks_url, {"title": ""})
    corrected = post(owner_client, tasks_url, {"title": "Buy milk"})

    assert refused.status_code == 400
    assert corrected.status_code == 201 and "Idempotent-Replayed" not in corrected
    assert Task.objects.filter(owner=owner).count() == 1


def test_a_key_is_replayed_for_24_hours_then_expires_and_is_flushed(owner_client, owner, tasks_url):
    first = post(owner_client, tasks_url, {"title": "Buy milk"})
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=23, minutes=59))
    assert post(owner_client, tasks_url, {"title": "Buy milk"}).content == first.content

    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=24, seconds=1))
    after_expiry = post(owner_client, tasks_url, {"title": "Buy bread"})
    assert after_expiry.status_code == 201 and "Idempotent-Replayed" not in after_expiry
    assert Task.objects.filter(owner=owner).count() == 2

    fresh = IdempotencyKey.objects.get()
    stale = IdempotencyKey.objects.create(
        user=owner, key="old", fingerprint="0" * 64, created_at=timezone.now() - datetime.timedelta(days=2)
    )
    call_command("flush_idempotency_keys", stdout=open("/dev/null", "w"))
    assert set(IdempotencyKey.objects.values_list("pk", flat=True)) == {fresh.pk}
    assert not IdempotencyKey.objects.filter(pk=stale.pk).exists()


def test_a_quoted_key_is_the_same_key(owner_client, owner, tasks_url):
    first = post(owner_client, tasks_url, {"title": "Buy milk"})

    again = post(owner_client, tasks_url, {"title": "Buy milk"}, key=f'"{KEY}"')

    assert again["Idempotent-Replayed"] == "true" and again.content == first.content


@pytest.mark.parametrize(
    "key",
    ["", '""', "a" * 256, "clé", "two words", '"unclosed', 'a"b', "tab\there", "back\\slash"],
    ids=["empty", "empty-quoted", "too-long", "non-ascii", "space", "lone-quote", "inner-quote", "tab", "backslash"],
)
def test_a_malformed_key_is_refused_and_nothing_is_created(owner_client, owner, tasks_url, key):
    # The test client passes META as given; a real server hands Django non-ASCII bytes as latin-1 text.
    response = post(owner_client, tasks_url, {"title": "Buy milk"}, key=key.encode().decode("latin-1"))

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not Task.objects.filter(owner=owner).exists()


def test_the_longest_key_is_accepted(owner_client, tasks_url):
    assert post(owner_client, tasks_url, {"title": "Buy milk"}, key="k" * 255).status_code == 201


@pytest.mark.django_db
def test_an_anonymous_request_with_a_key_is_refused_as_without_one(api_client):
    response = post(api_client, "/api/tasks/", {"title": "Buy milk"})

    assert response.status_code == 401
    assert not IdempotencyKey.objects.exists()


def test_a_request_without_the_header_makes_no_query_about_keys(owner_client, task, tasks_url):
    with CaptureQueriesContext(connection) as queries:
        assert owner_client.post(tasks_url, {"title": "Buy milk"}, format="json").status_code == 201
        assert owner_client.patch(f"{tasks_url}{task.pk}/", {"title": "Renamed"}, format="json").status_code == 200

    assert not [query for query in queries.captured_queries if "core_idempotencykey" in query["sql"]]


def test_a_profile_change_is_idempotent_too(owner_client, owner):
    first = owner_client.patch("/api/auth/me/", {"name": "Ada"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    again = owner_client.patch("/api/auth/me/", {"name": "Ada"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)

    assert first.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert (
        owner_client.patch("/api/auth/me/", {"name": "Bob"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY).status_code == 422
    )


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.one_of(st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=300), st.just("x" * 300)))
def test_any_key_header_answers_201_or_400_never_an_error(owner_client, key):
    response = post(owner_client, "/api/tasks/", {"title": "Fuzzed"}, key=key)

    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:
        assert response.json()["code"] == "idempotency_key_invalid"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_duplicate_sent_while_the_first_runs_gets_409_then_the_first_answer(owner, monkeypatch):
    token = str(AccessToken.for_user(owner))
    save = Task.save
    started = threading.Event()

    def slow_save(task, *args, **kwargs):
        started.set()
        time.sleep(0.5)
        save(task, *args, **kwargs)

    monkeypatch.setattr(Task, "save", slow_save)
    answers = {}

    def send(name):
        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_IDEMPOTENCY_KEY=KEY)
            answers[name] = client.post("/api/tasks/", {"title": "Racing"}, content_type="application/json")
        finally:
            connection.close()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert started.wait(10)
    send("duplicate")
    first.join()
    send("retry")

    assert answers["first"].status_code == 201
    assert answers["duplicate"].status_code == 409
    assert answers["duplicate"].json()["code"] == "idempotency_key_in_flight"
    assert answers["duplicate"]["Retry-After"] == "1"
    assert answers["retry"].status_code == 201 and answers["retry"].content == answers["first"].content
    assert Task.objects.filter(owner=owner).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_request_that_fails_with_an_exception_leaves_nothing_and_its_retry_runs(owner, monkeypatch):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(owner)}", HTTP_IDEMPOTENCY_KEY=KEY)
    client.raise_request_exception = False
    save = Task.save

    def failing_save(task, *args, **kwargs):
        save(task, *args, **kwargs)
        raise RuntimeError("the process dies after the write")

    monkeypatch.setattr(Task, "save", failing_save)
    assert client.post("/api/tasks/", {"title": "Once"}, content_type="application/json").status_code == 500
    monkeypatch.setattr(Task, "save", save)
    retry = client.post("/api/tasks/", {"title": "Once"}, content_type="application/json")

    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry
    assert list(Task.objects.filter(owner=owner).values_list("title", flat=True)) == ["Once"]


def test_a_keyed_body_over_the_limit_answers_413_as_without_a_key(owner_client, owner, tasks_url, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = post(owner_client, tasks_url, {"title": "x", "description": "y" * 2000})

    assert response.status_code == 413 and response.json()["code"] == "request_too_large"
    assert not IdempotencyKey.objects.exists()
