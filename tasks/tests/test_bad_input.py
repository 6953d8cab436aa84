"""Bad input answers 400 (or 404 for a bad path) with a JSON error body, never 500."""

import json
import uuid

import pytest

from tasks.models import Task


@pytest.mark.parametrize(
    "raw",
    ['{"title": ', "not json", '{"title": NaN}', '{"title": "x"} trailing'],
    ids=["truncated", "not-json", "nan", "trailing-garbage"],
)
def test_malformed_json_is_a_400_parse_error(owner_client, tasks_url, raw):
    response = owner_client.generic("POST", tasks_url, raw, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_json_body_that_is_not_an_object_is_a_400(owner_client, tasks_url):
    response = owner_client.post(tasks_url, ["a", "list"], format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ["a", "list"]}, "title"),
        ({"title": {"an": "object"}}, "title"),
        ({"title": "x", "completed": "maybe"}, "completed"),
        ({"title": "x", "due_date": "tomorrow"}, "due_date"),
        ({"title": "x", "due_date": 20300101}, "due_date"),
        ({"title": "x", "description": ["a"]}, "description"),
        ({"title": "x", "priority": 3}, "priority"),
        ({"title": "x", "priority": "urgent"}, "priority"),
        ({"title": "x", "priority": "HIGH"}, "priority"),
        ({"title": "x", "priority": None}, "priority"),
        ({"title": "nul\x00byte"}, "title"),
    ],
    ids=[
        "title-list",
        "title-object",
        "completed-word",
        "due-date-word",
        "due-date-number",
        "description-list",
        "priority-number",
        "priority-unknown",
        "priority-wrong-case",
        "priority-null",
        "title-with-nul",
    ],
)
def test_a_wrong_type_or_unknown_value_is_a_400_naming_the_field(owner_client, tasks_url, body, field):
    response = owner_client.post(tasks_url, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("title", "description"),
    [("", ""), ("   \t\n ", ""), ("x" * 201, ""), ("ok", "d" * 2001)],
    ids=["empty-title", "whitespace-title", "title-201-chars", "description-2001-chars"],
)
def test_an_empty_or_too_long_text_is_refused(owner_client, tasks_url, title, description):
    response = owner_client.post(tasks_url, {"title": title, "description": description}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) <= {"title", "description"}
    assert not Task.objects.exists()


def test_the_longest_allowed_texts_are_accepted(owner_client, tasks_url):
    response = owner_client.post(tasks_url, {"title": "x" * 200, "description": "d" * 2000}, format="json")

    assert response.status_code == 201


def test_the_title_is_stored_trimmed(owner_client, tasks_url):
    response = owner_client.post(tasks_url, {"title": "  Water the plants \n"}, format="json")

    assert response.status_code == 201
    assert Task.objects.get().title == "Water the plants"


def test_a_body_over_the_upload_limit_is_a_json_413_not_a_500(owner_client, tasks_url, settings):
    # Django raises RequestDataTooBig when DRF reads the body; core.middleware answers 413.
    body = json.dumps({"title": "big", "description": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})

    response = owner_client.generic("POST", tasks_url, body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than the server accepts.",
        "code": "request_too_large",
    }
    assert not Task.objects.exists()


def test_a_body_that_is_not_json_is_a_415(owner_client, tasks_url):
    response = owner_client.post(tasks_url, {"title": "form"})  # multipart

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "path",
    [
        "/api/tasks/not-a-uuid/",
        "/api/tasks/1234/",
        "/api/tasks/not-a-uuid/toggle/",
        "/api/{user_id}/tasks/not-a-uuid/",
        "/api/{user_id}/tasks/not-a-uuid/complete/",
        # A UUID with one character too many; fixed, so every xdist worker collects the same test.
        "/api/tasks/0f8fad5b-d9cb-469f-a165-70867728950ex/",
    ],
)
def test_a_malformed_task_id_is_a_json_404(owner_client, owner, path, django_assert_max_num_queries):
    # The URL resolver refuses it before any view, or the database, is reached.
    with django_assert_max_num_queries(0):
        response = owner_client.get(path.format(user_id=owner.pk))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_an_unknown_but_well_formed_task_id_is_a_json_404(owner_client, tasks_url):
    response = owner_client.get(f"{tasks_url}{uuid.uuid4()}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
