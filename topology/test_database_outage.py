"""PostgreSQL stopped and started under writes: 503 while it is down, nothing acknowledged lost, back within 5 s."""

import json
import secrets
import time

from deploy.topology import API_REPLICAS
from testing.logs import json_lines
from topology.checks import log_offsets, log_since, writes_are_exactly_once
from topology.conftest import ready_status, wait_until
from topology.load import Load, p99_ms

OUTAGE_SECONDS = 4
RECOVERY_BUDGET = 5.0


def test_a_database_outage_answers_503_loses_no_acknowledged_write_and_recovers_within_5_seconds(
    topology, person, figures
):
    prefix = f"db-outage-{secrets.token_hex(4)}-"
    offsets = log_offsets(topology, API_REPLICAS)

    def write(n):
        return {
            "method": "POST",
            "path": "/api/tasks/",
            "body": {"title": f"{prefix}{n}"},
            "token": person,
            "kind": "write",
            "key": f"{prefix}{n}",
        }

    with Load(topology.url, write, threads=4) as load:
        time.sleep(2)
        stopping = time.monotonic()
        topology.stop("db")
        time.sleep(OUTAGE_SECONDS)
        ready_during = [ready_status(topology.replica_url(replica)) for replica in API_REPLICAS]
        topology.start("db")  # returns once PostgreSQL accepts connections
        back = time.monotonic()
        assert wait_until(
            lambda: any(o.status == 201 and o.started > back for o in load.snapshot()), timeout=RECOVERY_BUDGET + 5
        )
        time.sleep(2)
    outcomes = load.outcomes
    during = [o for o in outcomes if o.status == 503]
    first_write_after = min(o.started + o.elapsed for o in outcomes if o.status == 201 and o.started > back)
    last_503 = max(o.started for o in during)
    lost, duplicated = writes_are_exactly_once(outcomes, topology.database_url, prefix)
    logged = log_since(topology, offsets)

    figures.update(
        requests=len(outcomes),
        acknowledged=sum(o.status == 201 for o in outcomes),
        answered_503=len(during),
        errors=sum(o.status not in (201, 503) for o in outcomes),
        lost=len(lost),
        duplicated=len(duplicated),
        recovery_s=round(first_write_after - back, 2),
        p99_ms=p99_ms(outcomes),
        database_unavailable_log_lines=sum(line.get("event") == "database_unavailable" for line in json_lines(logged)),
    )
    assert {o.status for o in outcomes} <= {201, 503}, [o for o in outcomes if o.status not in (201, 503)][:3]
    assert during, "no request saw the outage"
    assert all(o.json()["code"] == "database_unavailable" and o.headers["retry-after"] == "5" for o in during)
    # A 503 answers a request that was still in flight when the database stopped, or came after.
    assert min(o.started + o.elapsed for o in during) >= stopping
    assert lost == set() and duplicated == set()
    assert first_write_after - back <= RECOVERY_BUDGET
    assert last_503 - back <= RECOVERY_BUDGET
    assert all(status == 503 and body["code"] == "database_unavailable" for status, body in ready_during)
    # Concise: no traceback, and far fewer outage lines than failed requests.
    assert "Traceback" not in logged
    assert 0 < figures["database_unavailable_log_lines"] < len(during)
    assert (
        json.loads(next(line for line in logged.splitlines() if '"database_unavailable"' in line))["level"] == "WARNING"
    )
