import json
import urllib.error
import urllib.request

import pytest

from testing.http import free_port


def test_health_answers_200_without_touching_the_database(client):
    # No django_db mark: pytest-django fails any database access here.
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_answers_200_when_the_database_is_reachable(client):
    response = client.get("/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_and_ready_refuse_other_methods(client):
    assert client.post("/health").status_code == 405


def test_ready_answers_503_with_json_when_the_database_is_unreachable(start_server):
    closed_port = free_port()
    _, base_url = start_server(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 50,
        BETTER_AUTH_SECRET="y" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"postgres://nobody:nothing@127.0.0.1:{closed_port}/absent",
    )

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{base_url}/ready", timeout=10)

    assert refused.value.code == 503
    assert refused.value.headers["Content-Type"] == "application/json"
    body = json.loads(refused.value.read())
    assert body["status"] == "unavailable"
    assert body["code"] == "database_unavailable"
    with urllib.request.urlopen(f"{base_url}/health", timeout=10) as alive:
        assert alive.status == 200
