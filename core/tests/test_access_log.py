"""Every request writes one access line: JSON, with the request id, and never a query string."""

import signal
import urllib.request

from testing.logs import json_lines

QUERY_TOKEN = "eyJhbGciOiJIUzI1NiJ9.a-token-a-client-wrongly-put-in-the-url.c2lnbmF0dXJl"


def access_lines(lines):
    return [line for line in lines if line["logger"] == "core.access"]


def test_a_request_writes_one_access_line_with_its_status_and_id(api_client, db, log_lines):
    response = api_client.get(
        f"/api/tasks/?access_token={QUERY_TOKEN}",
        HTTP_AUTHORIZATION="Bearer not-a-token",
        HTTP_USER_AGENT="access-log-test",
        HTTP_X_REQUEST_ID="access-line",
    )

    assert response.status_code == 401
    [access] = access_lines(log_lines())
    assert access["message"] == "GET /api/tasks/ 401"
    assert (access["event"], access["method"], access["path"], access["status"]) == (
        "http_request",
        "GET",
        "/api/tasks/",
        401,
    )
    assert access["request_id"] == "access-line"
    assert access["response_bytes"] == len(response.content)
    assert access["user_agent"] == "access-log-test"
    assert access["remote_addr"] == "127.0.0.1"
    assert access["duration_ms"] >= 0
    assert QUERY_TOKEN not in log_lines.raw()


def test_pages_outside_the_api_are_logged_too(client, db, log_lines, static_files_without_manifest):
    client.get("/admin/login/")

    [access] = access_lines(log_lines())
    assert (access["path"], access["status"]) == ("/admin/login/", 200)


def test_a_served_request_writes_its_access_line_on_stdout(serve):
    process, base_url = serve()
    request = urllib.request.Request(
        f"{base_url}/health?access_token={QUERY_TOKEN}", headers={"X-Request-ID": "access-log-check"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200

    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    output = process.stdout.read()

    [access] = [line for line in access_lines(json_lines(output)) if line["request_id"] == "access-log-check"]
    assert (access["method"], access["path"], access["status"]) == ("GET", "/health", 200)
    assert access["message"] == "GET /health 200"
    assert QUERY_TOKEN not in output
