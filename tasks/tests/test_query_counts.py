"""The list costs a fixed number of queries however many tasks it shows (no N+1)."""

import pytest

from .factories import TaskFactory

# Counting the tasks and fetching the page, plus room for authenticating the caller.
LIST_QUERY_BUDGET = 3


@pytest.fixture
def warm_client(owner_client, tasks_url):
    # The first request may load the caller into the bridge's cache; measure the steady state.
    owner_client.get(tasks_url)
    return owner_client


def test_listing_50_tasks_costs_the_same_queries_as_listing_1(
    warm_client, owner, tasks_url, django_assert_max_num_queries, django_assert_num_queries
):
    TaskFactory(owner=owner)
    with django_assert_max_num_queries(LIST_QUERY_BUDGET) as one_task:
        assert warm_client.get(tasks_url).json()["count"] == 1

    TaskFactory.create_batch(49, owner=owner)
    with django_assert_num_queries(len(one_task)):
        response = warm_client.get(tasks_url, {"page_size": 100})

    assert len(response.json()["results"]) == 50


def test_getting_and_toggling_a_task_cost_a_fixed_few_queries(
    warm_client, owner, tasks_url, django_assert_max_num_queries
):
    task = TaskFactory(owner=owner)

    with django_assert_max_num_queries(2):
        assert warm_client.get(f"{tasks_url}{task.pk}/").status_code == 200
    with django_assert_max_num_queries(3):
        assert warm_client.post(f"{tasks_url}{task.pk}/toggle/").status_code == 200


def test_a_list_that_fits_on_its_first_page_is_not_counted(warm_client, owner, tasks_url, django_assert_num_queries):
    TaskFactory.create_batch(20, owner=owner)

    with django_assert_num_queries(2) as queries:
        body = warm_client.get(tasks_url).json()

    assert (body["count"], len(body["results"]), body["next"]) == (20, 20, None)
    assert not any("COUNT(" in query["sql"] for query in queries.captured_queries)


def test_a_list_longer_than_its_first_page_is_counted(warm_client, owner, tasks_url, django_assert_num_queries):
    TaskFactory.create_batch(21, owner=owner)

    with django_assert_num_queries(3) as queries:
        body = warm_client.get(tasks_url).json()

    assert (body["count"], len(body["results"])) == (21, 20)
    assert body["next"] is not None
    assert sum("COUNT(" in query["sql"] for query in queries.captured_queries) == 1
