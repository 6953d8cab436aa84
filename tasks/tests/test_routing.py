"""The task routes live beside the other /api/ routes without taking them over."""

from django.urls import resolve


def test_the_token_endpoints_are_not_routed_to_tasks():
    for path in ["/api/token/", "/api/token/refresh/", "/api/auth/me/", "/api/schema/", "/api/docs/"]:
        assert not resolve(path).func.__module__.startswith("tasks"), path


def test_both_shapes_resolve_to_the_task_views():
    plain = resolve("/api/tasks")
    user = resolve("/api/Some_user-1/tasks")

    assert plain.func.cls.__name__ == "TaskViewSet"
    assert (user.func.cls.__name__, user.kwargs) == ("UserTaskViewSet", {"user_id": "Some_user-1"})


def test_a_post_without_the_trailing_slash_is_served_not_redirected(owner_client):
    response = owner_client.post("/api/tasks", {"title": "No slash"}, format="json")

    assert response.status_code == 201
    assert response.json()["title"] == "No slash"


def test_a_user_id_longer_than_64_characters_is_not_a_task_route(owner_client):
    response = owner_client.get(f"/api/{'a' * 65}/tasks/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
