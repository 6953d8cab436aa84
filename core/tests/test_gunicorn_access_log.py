"""Gunicorn's access log is JSON lines carrying the request id, and never a query string."""

import json
import signal
import urllib.request

import pytest

pytestmark = pytest.mark.server

QUERY_TOKEN = "eyJhbGciOiJIUzI1NiJ9.a-token-a-client-wrongly-put-in-the-url.c2lnbmF0dXJl"


def test_an_access_line_is_json_with_the_request_id_and_no_query_string(serve):
    process, base_url = serve()
    request = urllib.request.Request(
        f"{base_url}/health?access_token={QUERY_TOKEN}", headers={"X-Request-ID": "access-log-check"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200

    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    output = process.stdout.read()

    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    [access] = [line for line in lines if line["logger"] == "gunicorn.access" and line["request_id"] == "access-log-check"]
    assert (access["method"], access["path"], access["status"]) == ("GET", "/health", 200)
    assert access["message"] == "GET /health 200"
    assert access["duration_ms"] >= 0
    assert QUERY_TOKEN not in output
