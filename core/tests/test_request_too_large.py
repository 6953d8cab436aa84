"""A body over DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 with the JSON error body, and the client can read it."""

import http.client
import json
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from core.middleware import DISCARD_LIMIT

TOO_LARGE = {"detail": "The request body is larger than the server accepts.", "code": "request_too_large"}


def oversized_body(size):
    return json.dumps({"email": "a@example.com", "password": "x" * size})


@pytest.mark.django_db
def test_a_body_over_the_limit_answers_413_with_a_json_body(api_client):
    body = oversized_body(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)

    response = api_client.post("/api/token/", body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == TOO_LARGE


@pytest.mark.django_db
def test_a_body_at_the_limit_is_read(api_client):
    body = oversized_body(settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 100)

    response = api_client.post("/api/token/", body, content_type="application/json")

    assert response.status_code == 401


def test_a_client_that_sends_its_whole_oversized_body_first_still_reads_the_413(serve, run_manage, tmp_path):
    # http.client, like requests and most clients, writes the whole body
    # before reading: closing with unread data would reset the connection.
    database_url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    assert run_manage("migrate", "--noinput", DATABASE_URL=database_url, DJANGO_DEBUG="true").returncode == 0
    _, base_url = serve(DATABASE_URL=database_url)
    body = oversized_body(DISCARD_LIMIT - 1000).encode()
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    connection = http.client.HTTPConnection("127.0.0.1", urlsplit(base_url).port, timeout=10)

    connection.request("POST", "/api/token/", body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()

    assert response.status == 413
    assert json.loads(response.read()) == TOO_LARGE
