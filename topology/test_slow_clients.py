"""Ten clients or more sending their headers a byte a second cannot take the service down, through the proxy or not."""

import os
import socket
import threading
import time
from urllib.parse import urlsplit

from topology.load import call, p99_ms

# Ten, as in the issue, or more than a replica's workers on a bigger machine
# (server/config.py's default: one per core).
SLOW_CLIENTS = max(10, 2 * len(os.sched_getaffinity(0)) + 3)
SECONDS = 8


def trickle(base_url, stop):
    """SLOW_CLIENTS connections, each sending a request's headers one byte a second until `stop`."""
    address = urlsplit(base_url)
    request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"x" * 100 + b"\r\n\r\n"
    connections = [socket.create_connection((address.hostname, address.port), timeout=5) for _ in range(SLOW_CLIENTS)]
    try:
        for byte in request:
            if stop.wait(1):
                break
            for connection in connections:
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    pass
    finally:
        for connection in connections:
            connection.close()


def normal_client(base_url, token, seconds):
    outcomes = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        outcomes.append(call(base_url, "GET", "/health", timeout=3))
        outcomes.append(call(base_url, "GET", "/api/tasks/", token=token, timeout=3))
        time.sleep(0.1)
    return outcomes


def under_slow_clients(base_url, token):
    stop = threading.Event()
    slow = threading.Thread(target=trickle, args=(base_url, stop))
    slow.start()
    try:
        time.sleep(1.5)  # every slow client connected and mid-headers
        return normal_client(base_url, token, SECONDS)
    finally:
        stop.set()
        slow.join(timeout=10)


def test_slow_clients_facing_a_replica_directly_hold_none_of_its_workers(topology, person, figures):
    # Granian reads requests in Rust and hands a worker only whole ones: the
    # same clients that held every gunicorn sync worker (and stopped the
    # replica answering) hold no Python thread now. The proxy stays in front
    # for its deadlines and limits (the test below).
    outcomes = under_slow_clients(topology.replica_url("api-2"), person)

    figures.update(requests=len(outcomes), errors=sum(o.status != 200 for o in outcomes), p99_ms=p99_ms(outcomes))
    assert [o for o in outcomes if o.status != 200] == []
    assert p99_ms(outcomes) < 1000


def test_slow_clients_through_the_proxy_leave_a_normal_client_served(topology, person, figures):
    outcomes = under_slow_clients(topology.url, person)

    figures.update(requests=len(outcomes), errors=sum(o.status != 200 for o in outcomes), p99_ms=p99_ms(outcomes))
    assert [o for o in outcomes if o.status != 200] == []
    assert p99_ms(outcomes) < 1000
