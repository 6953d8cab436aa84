"""Who may call: only signed-in people, and only as themselves."""


def test_an_anonymous_caller_is_refused_with_401(api_client, task, tasks_url):
    responses = [
        api_client.get(tasks_url),
        api_client.post(tasks_url, {"title": "x"}, format="json"),
        api_client.get(f"{tasks_url}{task.pk}/"),
    ]

    assert [r.status_code for r in responses] == [401, 401, 401]
    assert {r.json()["code"] for r in responses} == {"not_authenticated"}


def test_a_bad_token_is_refused_with_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = api_client.get("/api/tasks/")

    assert response.status_code == 401
    assert "code" in response.json()


def test_an_unknown_user_id_in_the_path_is_forbidden(owner_client):
    response = owner_client.get("/api/nobody-by-this-id/tasks/")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden_user"
