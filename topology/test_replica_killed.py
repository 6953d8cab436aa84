"""A replica killed (SIGKILL, every process) under load: the proxy routes around it, and takes it back.

The writers are careful clients: each task is created with an Idempotency-Key
of its own, and sent again with it while the answer leaves its fate open (no
answer, 502, 409 while the first attempt runs). Every task is then stored
exactly once, whether the killed replica had applied it or not.
"""

import secrets
import time

from topology.checks import served_by, writes_are_exactly_once
from topology.conftest import wait_until
from topology.load import Load, p99_ms


def test_a_replica_killed_under_load_is_routed_around_and_rejoins_when_restarted(topology, person, figures):
    prefix = f"killed-{secrets.token_hex(4)}-"

    def request(n):
        if n % 3 == 0:
            return {
                "method": "POST",
                "path": "/api/tasks/",
                "body": {"title": f"{prefix}{n}"},
                "token": person,
                "kind": "write",
                "key": f"{prefix}{n}",
                "idempotency_key": f"{prefix}{n}",
                "retry": True,
            }
        return {"method": "GET", "path": "/api/tasks/?page_size=5", "token": person, "kind": "read"}

    with Load(topology.url, request, threads=6) as load:
        time.sleep(2)
        killed = time.monotonic()
        topology.kill("api-1")
        died = time.monotonic()
        time.sleep(4)
        after_kill = topology.log("proxy").stat().st_size
        topology.start("api-1")
        restarted = time.monotonic()
        rejoined = wait_until(lambda: served_by(topology, "api-1", after_kill) > 0, timeout=15)
        rejoin_s = time.monotonic() - restarted
        time.sleep(1)
    outcomes = load.outcomes
    reads = [o for o in outcomes if o.kind == "read"]
    writes = [o for o in outcomes if o.kind == "write"]
    failed_writes = [o for o in writes if o.status != 201 and o.attempt == 1]
    retries = [o for o in writes if o.attempt > 1]
    lost, duplicated = writes_are_exactly_once(writes, topology.database_url, prefix)
    # Every task a writer sent was, in the end, acknowledged (the load stops only between tasks).
    unacknowledged = {o.key for o in writes} - {o.key for o in writes if o.status == 201}

    figures.update(
        requests=len(outcomes),
        read_errors=sum(o.status != 200 for o in reads),
        write_errors=len(failed_writes),
        retries=len(retries),
        replayed=sum(o.headers.get("idempotent-replayed") == "true" for o in retries),
        retry_statuses=sorted({o.status for o in retries}, key=str),
        unacknowledged=len(unacknowledged),
        lost=len(lost),
        duplicated=len(duplicated),
        p99_ms=p99_ms(outcomes),
        p99_after_kill_ms=p99_ms([o for o in outcomes if killed <= o.started < restarted]),
        rejoin_s=round(rejoin_s, 2),
    )
    # A read that a dying replica dropped is sent to the other one.
    assert [o for o in reads if o.status != 200] == []
    # A write it dropped is not (it may have been applied): the client gets
    # the proxy's 502, and only for a write that was in flight at the kill.
    assert all(o.status == 502 and o.json()["code"] == "bad_gateway" for o in failed_writes)
    assert all(o.started <= died and o.started + o.elapsed >= killed for o in failed_writes), [
        (round(o.started - killed, 3), round(o.elapsed, 3), round(died - killed, 3), round(restarted - killed, 3))
        for o in failed_writes
    ]
    # Its retry, with the same key, lands exactly once: replayed if the dead replica had
    # committed it, run afresh if its transaction died with it.
    assert len(retries) >= len(failed_writes)
    assert unacknowledged == set()
    assert lost == set() and duplicated == set()
    assert rejoined
