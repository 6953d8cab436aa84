import pytest


@pytest.mark.django_db
def test_an_unknown_api_url_answers_404_with_a_json_body(client, settings):
    settings.DEBUG = False

    response = client.get("/api/does-not-exist/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.django_db
def test_an_unknown_url_outside_the_api_keeps_django_html(client, settings):
    settings.DEBUG = False

    response = client.get("/nowhere")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_disallowed_host_under_the_api_answers_400_with_json(client, settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["api.example.com"]

    response = client.get("/api/tasks/", HTTP_HOST="evil.example.net")

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_every_response_carries_a_request_id(client):
    response = client.get("/health", HTTP_X_REQUEST_ID="req-123")

    assert response["X-Request-ID"] == "req-123"
