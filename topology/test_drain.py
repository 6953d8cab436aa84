"""SIGTERM to one replica under load: /ready turns 503, every request is served, the replica exits 0."""

import secrets
import signal
import time

from topology.checks import served_by, writes_are_exactly_once
from topology.conftest import ready_status, wait_until
from topology.load import Load, p99_ms

# server/config.py's defaults (SERVER_DRAIN_SECONDS, SERVER_GRACEFUL_TIMEOUT)
DRAIN_SECONDS = 5
GRACEFUL_TIMEOUT = 30


def test_sigterm_drains_a_replica_under_load_without_a_failed_request_and_it_exits_0(topology, person, figures):
    prefix = f"drain-{secrets.token_hex(4)}-"

    def request(n):
        if n % 3 == 0:
            return {
                "method": "POST",
                "path": "/api/tasks/",
                "body": {"title": f"{prefix}{n}"},
                "token": person,
                "kind": "write",
                "key": f"{prefix}{n}",
            }
        return {"method": "GET", "path": "/api/tasks/?page_size=5", "token": person, "kind": "read"}

    with Load(topology.url, request, threads=6) as load:
        time.sleep(2)
        before = topology.log("proxy").stat().st_size
        terminated = time.monotonic()
        topology.signal("api-1", signal.SIGTERM)
        time.sleep(0.5)
        ready_while_draining = ready_status(topology.replica_url("api-1"))
        served_while_draining = lambda: served_by(topology, "api-1", before)  # noqa: E731
        exit_code = topology.wait_until_stopped("api-1", timeout=60)
        exited_after = time.monotonic() - terminated
        time.sleep(1)
    outcomes = load.outcomes
    failed = [o for o in outcomes if o.status not in (200, 201)]
    lost, duplicated = writes_are_exactly_once(outcomes, topology.database_url, prefix)

    figures.update(
        requests=len(outcomes),
        errors=len(failed),
        lost=len(lost),
        duplicated=len(duplicated),
        served_by_draining_replica=served_while_draining(),
        exited_after_s=round(exited_after, 2),
        p99_ms=p99_ms(outcomes),
    )
    try:
        assert ready_while_draining[0] == 503 and ready_while_draining[1]["status"] == "draining"
        assert failed == [], failed[:3]
        assert lost == set() and duplicated == set()
        # It went on serving during the drain, as a load balancer still sends it traffic.
        assert figures["served_by_draining_replica"] > 0
        assert exit_code == 0
        assert DRAIN_SECONDS <= exited_after < DRAIN_SECONDS + GRACEFUL_TIMEOUT
    finally:
        topology.start("api-1")
    assert wait_until(lambda: ready_status(topology.replica_url("api-1"))[0] == 200, timeout=30)
