"""With the database unreachable, the API answers 503 database_unavailable with Retry-After, and logs one short line."""

import json
import time
import urllib.error
import urllib.request

import jwt
import pytest

from testing.http import free_port
from testing.logs import json_lines
from testing.servers import PRODUCTION_ENV


def request(base_url, path, *, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urllib.request.urlopen(
            urllib.request.Request(f"{base_url}{path}", data=data, headers=headers), timeout=10
        ) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


@pytest.fixture
def server_without_database(serve):
    # PostgreSQL's port with nothing listening: every connection is refused.
    return serve(DATABASE_URL=f"postgres://todo:secret@127.0.0.1:{free_port()}/todo", SERVER_WORKERS="1")


def test_every_kind_of_request_answers_503_database_unavailable_with_retry_after(server_without_database):
    _, base_url = server_without_database
    now = int(time.time())
    token = jwt.encode(
        {"id": "someone", "sub": "someone", "email": "someone@example.com", "iat": now, "exp": now + 600},
        PRODUCTION_ENV["BETTER_AUTH_SECRET"],
        algorithm="HS256",
    )

    answers = [
        request(base_url, "/api/tasks/", token=token),
        request(base_url, "/api/tasks/", token=token, body={"title": "Lost?"}),
        request(base_url, "/api/token/", body={"email": "a@example.com", "password": "secret"}),
        request(base_url, "/api/auth/signup/", body={"email": "b@example.com", "password": "long enough pass 42"}),
    ]

    for status, headers, body in answers:
        assert status == 503
        assert headers["Retry-After"] == "5"
        assert body == {"detail": "The database is unavailable; try again shortly.", "code": "database_unavailable"}


def test_an_outage_is_logged_in_one_short_line_not_a_traceback_per_request(server_without_database):
    process, base_url = server_without_database

    for _ in range(20):
        request(base_url, "/api/token/", body={"email": "a@example.com", "password": "secret"})
    process.terminate()
    output = process.communicate(timeout=30)[0]

    outage_lines = [line for line in json_lines(output) if line.get("event") == "database_unavailable"]
    assert "Traceback" not in output
    assert len(outage_lines) == 1
    assert outage_lines[0]["level"] == "WARNING"
    assert outage_lines[0]["error"] == "OperationalError"
    assert "secret" not in output
