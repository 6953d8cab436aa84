"""A minute of mixed reads and writes through the proxy: no error, and the replicas' memory stays flat."""

import os
import secrets
import time

from deploy.topology import API_REPLICAS
from topology.checks import writes_are_exactly_once
from topology.load import Load, p99_ms

SOAK_SECONDS = int(os.environ.get("TOPOLOGY_SOAK_SECONDS", "60"))


def resident_mib(topology):
    """Resident memory of every process of every replica (masters and workers), in MiB."""
    masters = {topology.pid(replica) for replica in API_REPLICAS}
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            if int(entry) in masters or int(fields[1]) in masters:  # fields[1]: parent pid
                total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")  # fields[21]: rss in pages
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return round(total / 1024 / 1024, 1)


def test_a_soak_of_mixed_requests_answers_every_one(topology, person, figures):
    prefix = f"soak-{secrets.token_hex(4)}-"

    def request(n):
        if n % 4 == 0:
            return {
                "method": "POST",
                "path": "/api/tasks/",
                "body": {"title": f"{prefix}{n}"},
                "token": person,
                "kind": "write",
                "key": f"{prefix}{n}",
            }
        if n % 4 == 1:
            return {"method": "GET", "path": "/api/auth/me/", "token": person, "kind": "read"}
        return {"method": "GET", "path": "/api/tasks/?page_size=10", "token": person, "kind": "read"}

    with Load(topology.url, request, threads=4) as load:
        time.sleep(min(10, SOAK_SECONDS / 6))
        memory_at_start = resident_mib(topology)
        time.sleep(SOAK_SECONDS - min(10, SOAK_SECONDS / 6))
        memory_at_end = resident_mib(topology)
    outcomes = load.outcomes
    failed = [o for o in outcomes if o.status not in (200, 201)]
    lost, duplicated = writes_are_exactly_once(outcomes, topology.database_url, prefix)

    figures.update(
        seconds=SOAK_SECONDS,
        requests=len(outcomes),
        requests_per_s=round(len(outcomes) / SOAK_SECONDS),
        errors=len(failed),
        lost=len(lost),
        duplicated=len(duplicated),
        p99_ms=p99_ms(outcomes),
        replicas_rss_mib_start=memory_at_start,
        replicas_rss_mib_end=memory_at_end,
    )
    assert failed == [], failed[:3]
    assert lost == set() and duplicated == set()
    # Workers recycle (max_requests), so the figure moves; a leak would grow it steadily.
    assert memory_at_end < memory_at_start * 1.25
