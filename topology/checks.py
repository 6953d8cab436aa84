"""What the fault tests check in PostgreSQL and in the replicas' logs."""

import json
from collections import Counter

import psycopg


def stored_titles(database_url, prefix):
    """Each stored task title starting with `prefix`, with how many rows carry it."""
    with psycopg.connect(database_url) as connection:
        rows = connection.execute("SELECT title FROM tasks_task WHERE title LIKE %s", [prefix + "%"]).fetchall()
    return Counter(title for (title,) in rows)


def writes_are_exactly_once(outcomes, database_url, prefix):
    """Every acknowledged write (201) is stored once; no write, acknowledged or not, is stored twice."""
    stored = stored_titles(database_url, prefix)
    acknowledged = {outcome.key for outcome in outcomes if outcome.status == 201}
    lost = acknowledged - set(stored)
    duplicated = {title for title, count in stored.items() if count > 1}
    return lost, duplicated


def log_offsets(topology, services):
    return {service: topology.log(service).stat().st_size for service in services}


def log_since(topology, offsets):
    text = ""
    for service, offset in offsets.items():
        with open(topology.log(service), "rb") as log:
            log.seek(offset)
            text += log.read().decode(errors="replace")
    return text


def served_by(topology, replica, offset):
    """How many proxied requests `replica` alone answered (2xx) since byte `offset` of the proxy's log."""
    address = f"127.0.0.1:{topology.state['ports'][replica]}"
    served = 0
    with open(topology.log("proxy"), "rb") as log:
        log.seek(offset)
        for line in log.read().decode(errors="replace").splitlines():
            # The access log's JSON lines; nginx's own error lines share the file.
            if not line.startswith("{"):
                continue
            entry = json.loads(line)
            served += entry["upstream"] == address and entry["upstream_status"].startswith("2")
    return served
