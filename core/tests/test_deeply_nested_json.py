"""A JSON body nested deeper than Python can parse answers 400 with the JSON error body, not 500."""

import pytest

NESTED = "[" * 2048


@pytest.mark.django_db
def test_a_body_of_2_kb_of_brackets_answers_400_parse_error(api_client):
    response = api_client.post("/api/token/", NESTED, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "JSON parse error - the document is nested too deeply.",
        "code": "parse_error",
    }


@pytest.mark.django_db
def test_deeply_nested_objects_in_a_task_answer_400_too(client_for, user):
    body = '{"title": ' * 5000 + '"x"' + "}" * 5000

    response = client_for(user).post("/api/tasks/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.django_db
def test_ordinary_nesting_still_parses(client_for, user):
    response = client_for(user).post("/api/tasks/", {"title": "Shallow"}, format="json")

    assert response.status_code == 201
