"""GET /api/tasks/summary/: the caller's open, completed, overdue and due-today counts, for badges, in one query."""

import datetime
import uuid
import zoneinfo

import pytest
from django.urls import resolve

from .factories import TaskFactory

# Fourteen hours ahead of UTC and eleven behind: at any moment their dates differ.
AHEAD = "Pacific/Kiritimati"
BEHIND = "Pacific/Pago_Pago"


def today_in(zone_name):
    return datetime.datetime.now(zoneinfo.ZoneInfo(zone_name)).date()


@pytest.fixture
def summary_url(tasks_url):
    return f"{tasks_url}summary/"


def test_an_empty_list_counts_zero_everywhere(owner_client, summary_url):
    response = owner_client.get(summary_url)

    assert response.status_code == 200
    assert response.json() == {"open": 0, "completed": 0, "overdue": 0, "due_today": 0}


def test_overdue_and_due_today_tasks_are_counted_among_the_open_ones(owner_client, owner, summary_url):
    today = today_in("UTC")
    TaskFactory(owner=owner, due_date=today - datetime.timedelta(days=3))  # overdue
    TaskFactory(owner=owner, due_date=today)  # due today
    TaskFactory(owner=owner, due_date=today + datetime.timedelta(days=1))
    TaskFactory(owner=owner)  # no due date
    TaskFactory(owner=owner, completed=True, due_date=today - datetime.timedelta(days=3))  # done: not overdue
    TaskFactory(owner=owner, completed=True, due_date=today)  # done: not due

    body = owner_client.get(summary_url).json()

    assert body == {"open": 4, "completed": 2, "overdue": 1, "due_today": 1}
    assert all(type(value) is int for value in body.values())


def test_today_is_the_callers_day_in_the_time_zone_given(owner_client, owner, summary_url):
    ahead, behind = today_in(AHEAD), today_in(BEHIND)
    TaskFactory(owner=owner, due_date=ahead)
    TaskFactory(owner=owner, due_date=behind)

    seen_ahead = owner_client.get(summary_url, {"tz": AHEAD}).json()
    seen_behind = owner_client.get(summary_url, {"tz": BEHIND}).json()

    if (today_in(AHEAD), today_in(BEHIND)) != (ahead, behind):
        pytest.skip("midnight passed in one of the zones during the test")
    # Ahead, the task due on the day behind it is already late; behind, the one due ahead is still to come.
    assert (seen_ahead["due_today"], seen_ahead["overdue"]) == (1, 1)
    assert (seen_behind["due_today"], seen_behind["overdue"]) == (1, 0)


def test_the_time_zone_is_utc_when_not_given(owner_client, owner, summary_url):
    TaskFactory(owner=owner, due_date=today_in("UTC"))

    assert owner_client.get(summary_url).json() == owner_client.get(summary_url, {"tz": "UTC"}).json()
    assert owner_client.get(summary_url).json()["due_today"] == 1


@pytest.mark.parametrize(
    "tz", ["Mars/Olympus_Mons", "europe/paris", "/etc/passwd", "../../etc/passwd", "America", "x" * 300, "UTC\x00"]
)
def test_an_unknown_time_zone_is_a_400_naming_tz(owner_client, summary_url, tz):
    response = owner_client.get(summary_url, {"tz": tz})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["tz"]


def test_only_the_callers_own_tasks_are_counted(owner_client, stranger, summary_url):
    TaskFactory.create_batch(3, owner=stranger, due_date=today_in("UTC"))

    assert owner_client.get(summary_url).json() == {"open": 0, "completed": 0, "overdue": 0, "due_today": 0}


def test_the_summary_costs_one_query_beyond_reading_the_caller(
    owner_client, owner, summary_url, django_assert_num_queries
):
    TaskFactory.create_batch(5, owner=owner, due_date=today_in("UTC"))
    owner_client.get(summary_url)  # warm

    with django_assert_num_queries(2) as queries:
        assert owner_client.get(summary_url, {"tz": "Europe/Paris"}).status_code == 200

    task_queries = [query["sql"] for query in queries.captured_queries if "tasks_task" in query["sql"]]
    assert len(task_queries) == 1
    assert task_queries[0].lstrip().upper().startswith("SELECT COUNT")


def test_summary_is_not_taken_for_a_task_id(owner):
    for path in ["/api/tasks/summary/", "/api/tasks/summary", f"/api/{owner.pk}/tasks/summary/"]:
        match = resolve(path)
        assert match.url_name.endswith("-summary"), path
        assert "pk" not in match.kwargs, path
    assert resolve(f"/api/tasks/{uuid.uuid4()}/").url_name == "task-detail"


def test_another_users_id_in_the_path_is_refused(owner_client, stranger):
    response = owner_client.get(f"/api/{stranger.pk}/tasks/summary/")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden_user"


def test_an_anonymous_caller_is_refused(api_client):
    response = api_client.get("/api/tasks/summary/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
