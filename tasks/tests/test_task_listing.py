"""Listing: pages, filters, search and ordering."""

import datetime

import pytest

from tasks.models import Priority

from .factories import TaskFactory


def titles(response):
    assert response.status_code == 200, response.json()
    return [item["title"] for item in response.json()["results"]]


def test_the_newest_task_comes_first_by_default(owner_client, owner, tasks_url):
    for title in ["first", "second", "third"]:
        TaskFactory(owner=owner, title=title)

    assert titles(owner_client.get(tasks_url)) == ["third", "second", "first"]


def test_a_page_holds_20_tasks_by_default(owner_client, owner, tasks_url):
    TaskFactory.create_batch(21, owner=owner)

    body = owner_client.get(tasks_url).json()

    assert (body["count"], len(body["results"])) == (21, 20)
    assert body["next"] is not None


def test_page_size_can_be_chosen_but_not_beyond_100(owner_client, owner, tasks_url):
    TaskFactory.create_batch(101, owner=owner)

    small = owner_client.get(tasks_url, {"page_size": 5}).json()
    huge = owner_client.get(tasks_url, {"page_size": 1000}).json()

    assert (len(small["results"]), len(huge["results"])) == (5, 100)


def test_a_page_past_the_end_is_not_found(owner_client, tasks_url):
    response = owner_client.get(tasks_url, {"page": 2})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_completed_filters_done_and_open_tasks(owner_client, owner, tasks_url):
    TaskFactory(owner=owner, title="done", completed=True)
    TaskFactory(owner=owner, title="open")

    assert titles(owner_client.get(tasks_url, {"completed": "true"})) == ["done"]
    assert titles(owner_client.get(tasks_url, {"completed": "false"})) == ["open"]


def test_priority_filters_by_name(owner_client, owner, tasks_url):
    TaskFactory(owner=owner, title="urgent", priority=Priority.HIGH)
    TaskFactory(owner=owner, title="someday", priority=Priority.LOW)

    assert titles(owner_client.get(tasks_url, {"priority": "high"})) == ["urgent"]


def test_due_before_and_after_include_the_day_itself(owner_client, owner, tasks_url):
    for day in (1, 10, 20):
        TaskFactory(owner=owner, title=f"day {day}", due_date=datetime.date(2030, 1, day))
    TaskFactory(owner=owner, title="no due date")

    response = owner_client.get(tasks_url, {"due_after": "2030-01-10", "due_before": "2030-01-20"})

    assert sorted(titles(response)) == ["day 10", "day 20"]


def test_search_looks_in_title_and_description_ignoring_case(owner_client, owner, tasks_url):
    TaskFactory(owner=owner, title="Buy MILK", description="")
    TaskFactory(owner=owner, title="Shopping", description="milk and bread")
    TaskFactory(owner=owner, title="Call mum", description="")

    assert sorted(titles(owner_client.get(tasks_url, {"search": "milk"}))) == ["Buy MILK", "Shopping"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("priority", ["low", "medium", "high"]),
        ("-priority", ["high", "medium", "low"]),
        ("title", ["high", "low", "medium"]),
    ],
)
def test_ordering_by_priority_follows_importance_not_the_alphabet(owner_client, owner, tasks_url, ordering, expected):
    for priority in (Priority.MEDIUM, Priority.HIGH, Priority.LOW):
        TaskFactory(owner=owner, title=priority.api_name, priority=priority)

    assert titles(owner_client.get(tasks_url, {"ordering": ordering})) == expected


def test_ordering_by_due_date_and_update_time_is_allowed(owner_client, owner, tasks_url):
    TaskFactory(owner=owner, title="later", due_date=datetime.date(2030, 2, 1))
    TaskFactory(owner=owner, title="sooner", due_date=datetime.date(2030, 1, 1))

    assert titles(owner_client.get(tasks_url, {"ordering": "due_date"})) == ["sooner", "later"]
    assert titles(owner_client.get(tasks_url, {"ordering": "-updated_at"})) == ["sooner", "later"]


def test_ordering_by_several_fields_applies_them_in_turn(owner_client, owner, tasks_url):
    TaskFactory(owner=owner, title="b", priority=Priority.HIGH)
    TaskFactory(owner=owner, title="a", priority=Priority.HIGH)
    TaskFactory(owner=owner, title="c", priority=Priority.LOW)

    assert titles(owner_client.get(tasks_url, {"ordering": "-priority, title"})) == ["a", "b", "c"]


def test_an_empty_ordering_is_the_default_order(owner_client, owner, tasks_url):
    TaskFactory(owner=owner, title="older")
    TaskFactory(owner=owner, title="newer")

    assert titles(owner_client.get(tasks_url, {"ordering": ""})) == ["newer", "older"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"priority": "urgent"}, "priority"),
        ({"due_before": "next tuesday"}, "due_before"),
    ],
    ids=["unknown-priority", "bad-date"],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(owner_client, tasks_url, params, field):
    response = owner_client.get(tasks_url, params)

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_nul_character_in_the_search_is_a_400_not_a_database_error(owner_client, tasks_url):
    # PostgreSQL refuses NUL in text parameters; the search must never reach it.
    response = owner_client.get(tasks_url, {"search": "milk\x00"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize("page", ["1", "01", "1.0", "0", "x"])
def test_first_page_numbers_answer_as_django_paginator_reads_them(owner_client, owner, tasks_url, page):
    TaskFactory.create_batch(3, owner=owner)

    response = owner_client.get(tasks_url, {"page": page})

    if page in ("1", "01"):
        assert (response.status_code, response.json()["count"]) == (200, 3)
    else:
        assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_last_page_of_a_long_list_is_found_by_its_number(owner_client, owner, tasks_url):
    TaskFactory.create_batch(25, owner=owner)

    body = owner_client.get(tasks_url, {"page": 2}).json()

    assert (body["count"], len(body["results"]), body["next"]) == (25, 5, None)
    assert body["previous"] is not None


def test_a_filter_in_the_query_string_still_applies_to_a_single_task(owner_client, owner, tasks_url):
    task = TaskFactory(owner=owner, completed=False)

    assert owner_client.get(f"{tasks_url}{task.pk}/", {"completed": "true"}).status_code == 404
    assert owner_client.get(f"{tasks_url}{task.pk}/", {"completed": "false"}).status_code == 200
    assert owner_client.get(f"{tasks_url}{task.pk}/", {"unrelated": "x"}).status_code == 200


def test_a_bad_filter_value_is_refused_even_on_a_single_task(owner_client, owner, tasks_url):
    task = TaskFactory(owner=owner)

    response = owner_client.get(f"{tasks_url}{task.pk}/", {"priority": "urgent"})

    assert response.status_code == 400
