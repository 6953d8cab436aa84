"""Redis stopped and started under reads: every answer stays right, /ready says "degraded", no revoked token gets in."""

import time

from deploy.topology import API_REPLICAS
from topology.conftest import ready_status, wait_until
from topology.load import Load, call, p99_ms

OUTAGE_SECONDS = 5
RECOVERY_BUDGET = 5.0


def test_a_redis_outage_keeps_every_answer_right_reports_degraded_and_recovers_by_itself(
    topology, person, token_for, figures
):
    revoked = token_for()
    assert call(topology.url, "GET", "/api/auth/me/", token=revoked).status == 200

    def read(n):
        path = "/api/auth/me/" if n % 2 else "/api/tasks/"
        return {"method": "GET", "path": path, "token": person, "kind": "read"}

    with Load(topology.url, read, threads=4) as load:
        time.sleep(2)
        topology.stop("redis")
        stopped = time.monotonic()
        time.sleep(1)
        ready_during = [ready_status(topology.replica_url(replica)) for replica in API_REPLICAS]
        # Revocation and the auth endpoints, while the cache is gone.
        logout = call(topology.url, "POST", "/api/auth/logout-all/", token=revoked)
        after_logout = [
            call(url, "GET", "/api/auth/me/", token=revoked)
            for url in (topology.url, *(topology.replica_url(r) for r in API_REPLICAS))
        ]
        sign_in = call(topology.url, "POST", "/api/token/", body={"email": "nobody@example.com", "password": "wrong"})
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
        topology.start("redis")
        back = time.monotonic()
        recovered = wait_until(
            lambda: all(
                ready_status(topology.replica_url(r))[0:1] == (200,)
                and ready_status(topology.replica_url(r))[1]["cache"] == "ok"
                for r in API_REPLICAS
            ),
            timeout=RECOVERY_BUDGET + 5,
        )
        recovery = time.monotonic() - back
        time.sleep(1)
    outcomes = load.outcomes
    during = [o for o in outcomes if stopped <= o.started <= back]

    figures.update(
        requests=len(outcomes),
        during_outage=len(during),
        errors=sum(o.status != 200 for o in outcomes),
        ready_recovery_s=round(recovery, 2),
        p99_ms=p99_ms(outcomes),
        p99_during_outage_ms=p99_ms(during),
    )
    assert during, "no request ran during the outage"
    assert [o for o in outcomes if o.status != 200] == []
    assert all(
        status == 200 and body["status"] == "degraded" and body["cache"] == "unavailable" and body["database"] == "ok"
        for status, body in ready_during
    ), ready_during
    assert logout.status == 204
    # Refused through the proxy and by each replica asked directly.
    assert [o.status for o in after_logout] == [401] * 3
    assert sign_in.status == 401 and sign_in.json()["code"] == "no_active_account"
    assert recovered and recovery <= RECOVERY_BUDGET
