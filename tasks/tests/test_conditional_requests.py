"""ETag and If-Match on a task (RFC 9110): a change to a version someone else replaced gets 412, not an overwrite."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from drf_better_auth.tokens import AccessToken
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tasks.models import Task

CHANGES = [
    ("put", "", {"title": "Replaced"}),
    ("patch", "", {"title": "Renamed"}),
    ("post", "toggle/", None),
]
CHANGE_IDS = ["put", "patch", "toggle"]


def etag_of(representation):
    return f'"{representation["id"]}@{representation["updated_at"]}"'


def change(client, url, method, url_suffix, body, **headers):
    return getattr(client, method)(f"{url}{url_suffix}", body, format="json", **headers)


def state(task):
    return Task.objects.filter(pk=task.pk).values("title", "completed", "updated_at").get()


@pytest.fixture
def task_url(tasks_url, task):
    return f"{tasks_url}{task.pk}/"


def test_a_task_carries_an_etag_built_from_its_id_and_updated_at(owner_client, tasks_url, task_url):
    response = owner_client.get(task_url)

    assert response["ETag"] == etag_of(response.json())
    # The same tag can be built from the task as a list shows it.
    assert etag_of(owner_client.get(tasks_url).json()["results"][0]) == response["ETag"]


@pytest.mark.parametrize(("method", "url_suffix", "body"), CHANGES, ids=CHANGE_IDS)
def test_a_change_with_the_current_etag_is_made_and_answers_the_new_one(
    owner_client, task_url, method, url_suffix, body
):
    current = owner_client.get(task_url)["ETag"]

    response = change(owner_client, task_url, method, url_suffix, body, HTTP_IF_MATCH=current)

    assert response.status_code == 200
    assert response["ETag"] == etag_of(response.json()) != current
    assert owner_client.get(task_url)["ETag"] == response["ETag"]


@pytest.mark.parametrize(
    ("method", "url_suffix", "body"), [*CHANGES, ("delete", "", None)], ids=[*CHANGE_IDS, "delete"]
)
def test_a_change_with_a_stale_etag_gets_412_and_changes_nothing(
    owner_client, task, task_url, method, url_suffix, body
):
    stale = owner_client.get(task_url)["ETag"]
    owner_client.patch(task_url, {"description": "changed in another tab"}, format="json")
    before = state(task)

    response = change(owner_client, task_url, method, url_suffix, body, HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert response.json() == {
        "detail": "The resource has changed since you read it (If-Match); read it again, then retry.",
        "code": "precondition_failed",
    }
    assert state(task) == before


def test_the_path_user_shape_checks_complete_too(owner_client, owner, task):
    url = f"/api/{owner.pk}/tasks/{task.pk}/complete/"

    assert owner_client.patch(url, HTTP_IF_MATCH='"stale"').status_code == 412
    assert owner_client.patch(url, HTTP_IF_MATCH="*").status_code == 200


@pytest.mark.parametrize(("method", "url_suffix", "body"), CHANGES, ids=CHANGE_IDS)
def test_without_if_match_a_change_is_made_as_before(owner_client, task, task_url, method, url_suffix, body):
    owner_client.patch(task_url, {"description": "changed in another tab"}, format="json")

    assert change(owner_client, task_url, method, url_suffix, body).status_code == 200


@pytest.mark.parametrize(
    ("field", "passes"),
    [
        ("*", True),
        ("{current}", True),
        ('"other", {current}', True),
        ("W/{current}", False),  # If-Match compares strongly: a weak tag never matches
        ('"other"', False),
        ("not an entity tag", False),
        ("", False),
    ],
    ids=["any", "current", "list", "weak", "other", "malformed", "empty"],
)
def test_if_match_compares_strongly(owner_client, task, task_url, field, passes):
    current = owner_client.get(task_url)["ETag"]

    response = owner_client.patch(
        task_url, {"title": "Renamed"}, format="json", HTTP_IF_MATCH=field.format(current=current)
    )

    assert response.status_code == (200 if passes else 412)
    task.refresh_from_db()
    assert (task.title == "Renamed") is passes


@pytest.mark.parametrize(
    ("field", "not_modified"),
    [("{current}", True), ("W/{current}", True), ("*", True), ('"other"', False), ("garbage", False)],
    ids=["current", "weak", "any", "other", "malformed"],
)
def test_if_none_match_compares_weakly_and_answers_304(owner_client, task_url, field, not_modified):
    current = owner_client.get(task_url)["ETag"]

    response = owner_client.get(task_url, HTTP_IF_NONE_MATCH=field.format(current=current))

    assert response.status_code == (304 if not_modified else 200)
    assert response["ETag"] == current
    assert (response.content == b"") is not_modified


def test_a_stranger_with_if_match_any_finds_no_task(stranger_client, task, task_url):
    before = state(task)

    assert (
        stranger_client.patch(f"/api/tasks/{task.pk}/", {"title": "Mine"}, format="json", HTTP_IF_MATCH="*").status_code
        == 404
    )
    assert stranger_client.delete(f"/api/tasks/{task.pk}/", HTTP_IF_MATCH="*").status_code == 404
    assert state(task) == before


def test_two_tabs_editing_one_task_the_second_save_is_refused_not_lost(owner_client, owner, task, tasks_url, task_url):
    # Both tabs show the list, then each edits the task.
    tab_a = owner_client.get(tasks_url).json()["results"][0]
    tab_b = owner_client.get(tasks_url).json()["results"][0]

    saved_a = owner_client.patch(task_url, {"title": "From tab A"}, format="json", HTTP_IF_MATCH=etag_of(tab_a))
    saved_b = owner_client.patch(task_url, {"title": "From tab B"}, format="json", HTTP_IF_MATCH=etag_of(tab_b))

    assert saved_a.status_code == 200 and saved_b.status_code == 412
    task.refresh_from_db()
    assert task.title == "From tab A"
    # Tab B reads the task again, sees tab A's change, and saves on top of it.
    reread = owner_client.get(task_url)
    assert reread.json()["title"] == "From tab A"
    retried = owner_client.patch(task_url, {"title": "From tab B"}, format="json", HTTP_IF_MATCH=reread["ETag"])
    assert retried.status_code == 200


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_tabs_saving_at_the_same_moment_one_wins_the_other_gets_412(owner, monkeypatch):
    task = Task.objects.create(owner=owner, title="Shared")
    token = str(AccessToken.for_user(owner))
    etag = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(f"/api/tasks/{task.pk}/")["ETag"]
    save = Task.save

    def slow_save(task, *args, **kwargs):
        # Both requests have read the task before either saves, unless the first one's lock holds the second.
        time.sleep(0.3)
        save(task, *args, **kwargs)

    monkeypatch.setattr(Task, "save", slow_save)
    barrier = threading.Barrier(2)
    statuses = {}

    def save_from(tab):
        try:
            barrier.wait()
            client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
            statuses[tab] = client.patch(
                f"/api/tasks/{task.pk}/", {"title": tab}, content_type="application/json", HTTP_IF_MATCH=etag
            ).status_code
        finally:
            connection.close()

    tabs = [threading.Thread(target=save_from, args=(tab,)) for tab in ("tab A", "tab B")]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()

    assert sorted(statuses.values()) == [200, 412]
    winner = next(tab for tab, status in statuses.items() if status == 200)
    task.refresh_from_db()
    assert task.title == winner


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=200))
def test_any_if_match_answers_200_or_412_and_changes_only_on_200(owner_client, task, task_url, field):
    before = state(task)

    response = owner_client.patch(task_url, {"description": "fuzzed"}, format="json", HTTP_IF_MATCH=field)

    assert response.status_code in (200, 412), response.content
    assert (state(task) == before) is (response.status_code == 412)


def test_options_with_if_match_describes_the_endpoint_as_without(owner_client, task_url):
    response = owner_client.options(task_url, HTTP_IF_MATCH='"stale"')

    assert response.status_code == 200
