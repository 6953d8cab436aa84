"""`/metrics` under the real server with two workers: every worker's counts, exactly, for its token only."""

import os
import re
import signal
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import jwt
import pytest
from prometheus_client.mmap_dict import MmapedDict

from testing.http import http
from testing.servers import PRODUCTION_ENV

# Timed: a worker killed and respawned (scripts/run-tests runs these alone).
pytestmark = [pytest.mark.server, pytest.mark.timing]

METRICS_TOKEN = "metrics-token-of-its-own-0123456789abcdefghij"


def expired_token() -> str:
    claims = {"sub": "someone", "token_type": "access", "iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}
    return jwt.encode(claims, PRODUCTION_ENV["BETTER_AUTH_SECRET"], algorithm="HS256")


def scrape(base_url: str, authorization: str | None = f"Bearer {METRICS_TOKEN}") -> tuple[int, str]:
    request = urllib.request.Request(f"{base_url}/metrics", headers={"Authorization": authorization or ""})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def samples(text: str, name: str) -> dict[str, float]:
    """`name`'s samples in an exposition: their labels as written -> value."""
    return {
        labels: float(value)
        for labels, value in re.findall(rf"^{name}\{{(.*?)\}} (\S+)$", text, re.MULTILINE)
        if float(value)
    }


def workers_of(process) -> set[int]:
    """The PIDs of the server's worker processes: its children."""
    children = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue  # gone meanwhile
        if int(fields.get("PPid", "0").strip()) == process.pid:
            children.add(int(status.parent.name))
    return children


def workers_counting(metrics_dir: Path) -> list[str]:
    """The files of the workers that have counted a request."""
    return [
        path.name
        for path in metrics_dir.glob("histogram_*.db")
        if any(
            entry[0].startswith('["http_request_duration_seconds"')
            for entry in MmapedDict.read_all_values_from_file(path)
        )
    ]


def test_metrics_count_exactly_the_requests_every_worker_served(serve, tmp_path):
    metrics_dir = tmp_path / "metrics"
    server, base_url = serve(METRICS_TOKEN=METRICS_TOKEN, SERVER_WORKERS="2", SERVER_METRICS_DIR=metrics_dir)
    expired = expired_token()
    # /ready answers once one worker listens; until the other does, the kernel sends it every connection.
    deadline = time.monotonic() + 30
    while len(workers_counting(metrics_dir)) < 2 and time.monotonic() < deadline:
        assert http("GET", f"{base_url}/health")[0] == 200

    # Each on a new connection: the kernel spreads connections over both workers' sockets.
    for _ in range(9):
        assert http("GET", f"{base_url}/api/tasks/")[0] == 401
    for _ in range(5):
        assert http("GET", f"{base_url}/api/tasks/{uuid.uuid4()}/", token=expired)[0] == 401
    for _ in range(4):
        assert http("DELETE", f"{base_url}/api/tasks/{uuid.uuid4()}/", token="not-a-jwt")[0] == 401
    for _ in range(3):
        assert http("GET", f"{base_url}/api/nowhere/{uuid.uuid4()}")[0] == 404
    for authorization in (None, "Bearer wrong", f"Basic {METRICS_TOKEN}"):
        assert scrape(base_url, authorization)[0] == 404

    status, text = scrape(base_url)

    assert status == 200
    requests = samples(text, "http_requests_total")
    assert {labels: value for labels, value in requests.items() if "health" not in labels} == {
        'method="GET",route="api/tasks/",status="401"': 9,
        'method="GET",route="api/tasks/<pk>/",status="401"': 5,
        'method="DELETE",route="api/tasks/<pk>/",status="401"': 4,
        'method="GET",route="<unmatched>",status="404"': 3,
        'method="GET",route="metrics",status="404"': 3,
    }
    durations = samples(text, "http_request_duration_seconds_count")
    assert durations['method="GET",route="api/tasks/<pk>/",status="401"'] == 5
    assert samples(text, "auth_token_refusals_total") == {
        'code="token_not_valid",reason="Token is expired"': 5,
        'code="token_not_valid",reason="Token is malformed"': 4,
    }
    # Both workers counted, each in files of its own.
    assert len(workers_counting(metrics_dir)) == 2

    # A worker killed outright is respawned; what it counted stays counted, and its successor counts on.
    workers = workers_of(server)
    assert len(workers) == 2
    os.kill(min(workers), signal.SIGKILL)
    deadline = time.monotonic() + 30
    while len(workers_of(server) - workers) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(workers_of(server) - {min(workers)}) == 2
    for _ in range(6):
        assert http("GET", f"{base_url}/api/tasks/")[0] == 401

    after = samples(scrape(base_url)[1], "http_requests_total")
    assert after['method="GET",route="api/tasks/",status="401"'] == 9 + 6
    assert after['method="GET",route="metrics",status="200"'] == 1


def test_metrics_are_off_and_not_there_without_a_token(serve):
    _, base_url = serve()

    assert scrape(base_url)[0] == 404
