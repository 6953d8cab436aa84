"""A filter, ordering or page size the list cannot honour is a 400 naming the parameter, never a silent 200.

Both roads of the list refuse alike: the compiled one (a query string naming
only the page) and the one through the filter backends (here reached by
adding an empty `search`, which changes nothing else).
"""

import pytest

from .factories import TaskFactory

THROUGH_THE_FILTERS = {"search": ""}

BAD_VALUES = [
    ({"completed": "maybe"}, "completed"),
    ({"completed": "yes"}, "completed"),
    ({"completed": "TRUE "}, "completed"),
    ({"priority": "urgent"}, "priority"),
    ({"priority": "HIGH"}, "priority"),
    ({"due_before": "next tuesday"}, "due_before"),
    ({"due_before": "2030-02-30"}, "due_before"),
    ({"due_after": "01/02/2030"}, "due_after"),
    ({"ordering": "bogus"}, "ordering"),
    ({"ordering": "description"}, "ordering"),
    ({"ordering": "title,bogus"}, "ordering"),
    ({"ordering": "owner__email"}, "ordering"),
    ({"ordering": "title,"}, "ordering"),
    ({"ordering": "--title"}, "ordering"),
    ({"ordering": "title\x00"}, "ordering"),
]


@pytest.mark.parametrize(("params", "parameter"), BAD_VALUES, ids=[repr(p) for p, _ in BAD_VALUES])
def test_a_bad_filter_or_ordering_value_is_a_400_naming_the_parameter(owner_client, tasks_url, task, params, parameter):
    response = owner_client.get(tasks_url, params)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "code": "invalid",
        "errors": {parameter: response.json()["errors"][parameter]},
    }
    assert response.json()["errors"][parameter]


BAD_PAGE_SIZES = ["abc", "0", "000", "-5", "2.5", "1e2", " 5", "5 ", "1_0", "٥", "0x10", "+5"]


@pytest.mark.parametrize("page_size", BAD_PAGE_SIZES)
@pytest.mark.parametrize("road", [{}, THROUGH_THE_FILTERS], ids=["compiled", "filtered"])
def test_a_page_size_that_is_not_a_positive_whole_number_is_a_400_on_both_roads(
    owner_client, tasks_url, task, page_size, road
):
    response = owner_client.get(tasks_url, {"page_size": page_size, **road})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["page_size"]


@pytest.mark.parametrize(
    ("page_size", "shown"), [("", 20), ("7", 7), ("007", 7), ("100", 100), ("101", 100), ("9" * 5000, 100)]
)
@pytest.mark.parametrize("road", [{}, THROUGH_THE_FILTERS], ids=["compiled", "filtered"])
def test_a_whole_page_size_is_honoured_up_to_100_and_an_empty_one_is_the_default(
    owner_client, owner, tasks_url, page_size, shown, road
):
    TaskFactory.create_batch(101, owner=owner)

    response = owner_client.get(tasks_url, {"page_size": page_size, **road})

    assert response.status_code == 200
    assert len(response.json()["results"]) == shown


@pytest.mark.parametrize(
    "params",
    [
        {"completed": "true"},
        {"completed": "False"},
        {"completed": "1"},
        {"completed": "0"},
        {"completed": ""},
        {"priority": "low"},
        {"priority": ""},
        {"due_before": "2030-01-01"},
        {"due_after": ""},
        {"ordering": "-due_date"},
        {"ordering": ""},
        {"ordering": "priority,-title"},
        {"unknown": "anything"},
    ],
    ids=repr,
)
def test_good_and_empty_values_are_accepted(owner_client, tasks_url, task, params):
    assert owner_client.get(tasks_url, params).status_code == 200


def test_completed_reads_one_and_zero_as_true_and_false(owner_client, owner, tasks_url):
    TaskFactory(owner=owner, title="done", completed=True)
    TaskFactory(owner=owner, title="open")

    done = owner_client.get(tasks_url, {"completed": "1"}).json()["results"]
    still_open = owner_client.get(tasks_url, {"completed": "0"}).json()["results"]

    assert [task["title"] for task in done] == ["done"]
    assert [task["title"] for task in still_open] == ["open"]


def test_a_bad_ordering_is_refused_on_a_single_task_too(owner_client, tasks_url, task):
    # A single task read with a query string goes through the same filters as the list.
    response = owner_client.get(f"{tasks_url}{task.pk}/", {"ordering": "bogus"})

    assert response.status_code == 400
    assert "ordering" in response.json()["errors"]


def test_a_refused_list_costs_no_task_query(owner_client, tasks_url, task, django_assert_max_num_queries):
    owner_client.get(tasks_url)  # the caller, read once

    for params in [{"page_size": "x"}, {"ordering": "bogus"}, {"completed": "maybe"}]:
        with django_assert_max_num_queries(1) as queries:
            assert owner_client.get(tasks_url, params).status_code == 400
        assert not any("tasks_task" in query["sql"] for query in queries.captured_queries), params
