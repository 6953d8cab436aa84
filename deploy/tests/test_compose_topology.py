"""docker-compose.yml run with podman (nginx, two replicas, PostgreSQL, Redis): sign-in, CRUD, a killed replica.

testing/containers.py says why the services are started by a driver of
ours from podman-compose's reading of the file, rather than by
`podman-compose up`. The figures are in docs/reliability.md.
"""

import os
import secrets
import signal
import time

import pytest

from testing.better_auth import better_auth_token
from testing.containers import podman
from testing.http import http
from testing.logs import json_lines

# Timed: a killed replica routed around and back (scripts/run-tests runs these alone).
pytestmark = pytest.mark.timing


def test_the_topology_serves_through_the_proxy_alone(compose_topology):
    status, body = http("GET", f"{compose_topology.url}/ready")

    assert (status, body) == (200, {"status": "ok", "database": "ok", "cache": "ok"})
    published = {
        service: podman("port", compose_topology.container(service)).stdout.split()
        for service in compose_topology.services
        if service != "migrate"
    }
    assert {service: ports for service, ports in published.items() if ports} == {
        "proxy": ["8080/tcp", "->", compose_topology.url.removeprefix("http://")]
    }


def test_sign_in_and_crud_through_the_proxy(compose_topology):
    url = compose_topology.url
    token = better_auth_token(compose_topology.secret)
    stranger = better_auth_token(compose_topology.secret)

    status, me = http("GET", f"{url}/api/auth/me/", token=token)
    assert status == 200, me
    assert http("GET", f"{url}/api/auth/me/", token=better_auth_token("not-the-secret-" * 3))[0] == 401
    status, task = http("POST", f"{url}/api/tasks/", token=token, body={"title": "through nginx"})
    assert status == 201, task
    task_url = f"{url}/api/tasks/{task['id']}/"
    assert [t["id"] for t in http("GET", f"{url}/api/tasks/", token=token)[1]["results"]] == [task["id"]]
    assert http("PATCH", task_url, token=token, body={"completed": True})[1]["completed"] is True
    assert http("GET", task_url, token=stranger)[0] == 404
    assert http("DELETE", task_url, token=stranger)[0] == 404
    assert http("DELETE", task_url, token=token)[0] == 204
    assert http("GET", task_url, token=token)[0] == 404


def served_by(compose_topology, service, marker):
    path = f"/api/tasks/{marker}/"
    return any(line.get("path") == path for line in json_lines(compose_topology.logs(service, tail=None)))


def test_a_killed_replica_is_routed_around_restarted_and_rejoins(compose_topology):
    url = compose_topology.url
    token = better_auth_token(compose_topology.secret)
    assert http("GET", f"{url}/api/auth/me/", token=token)[0] == 200
    container = compose_topology.container("api-1")
    restarts = int(podman("inspect", "--format", "{{.RestartCount}}", container).stdout)
    pid = int(podman("inspect", "--format", "{{.State.Pid}}", container).stdout)

    killed = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    statuses = []
    # Reads through the proxy until api-1 is back (restart: unless-stopped) and healthy.
    while not compose_topology.healthy("api-1"):
        statuses += [http("GET", f"{url}/api/tasks/", token=token)[0] for _ in range(10)]
        assert time.monotonic() - killed < 60, "api-1 did not come back healthy"
    healthy_s = time.monotonic() - killed
    assert int(podman("inspect", "--format", "{{.RestartCount}}", container).stdout) == restarts + 1
    # Served by the restarted replica again, once nginx tries it (fail_timeout 5 s).
    marker = secrets.randbelow(10**9) + 10**9
    while not served_by(compose_topology, "api-1", marker):
        statuses.append(http("GET", f"{url}/api/tasks/{marker}/", token=token)[0])
        assert time.monotonic() - killed < 90, "the proxy never sent api-1 a request again"
    compose_topology.figures.update(
        kill_requests=len(statuses), kill_errors=sum(s not in (200, 404) for s in statuses),
        restart_healthy_s=round(healthy_s, 1), rejoined_s=round(time.monotonic() - killed, 1),
    )  # fmt: skip
    print(f"compose figures: {compose_topology.figures}")

    # Every read meanwhile was answered by the other replica.
    assert set(statuses) <= {200, 404}
    assert statuses.count(200) > 0
