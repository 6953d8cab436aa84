"""Served by the production server (granian), the API answers /ready and stops cleanly on SIGTERM, finishing what it
started.
"""

import signal
import socket
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

# Timed: how long a shutdown takes (scripts/run-tests runs these alone).
pytestmark = pytest.mark.timing

GRACEFUL_TIMEOUT = 5


def test_sigterm_lets_the_request_in_flight_finish_and_the_server_exit_with_0(serve):
    # No drain delay: this test is about the request in flight (test_server_drain.py drains).
    process, base_url = serve(SERVER_GRACEFUL_TIMEOUT=str(GRACEFUL_TIMEOUT), SERVER_DRAIN_SECONDS="0")
    with urllib.request.urlopen(f"{base_url}/ready", timeout=5) as ready:
        assert ready.status == 200

    with socket.create_connection(("127.0.0.1", urlsplit(base_url).port), timeout=10) as connection:
        # Half a request: a worker takes the connection and waits for the rest of it.
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(0.5)
        stopping = time.monotonic()
        process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        connection.sendall(b"Connection: close\r\n\r\n")
        response = b"".join(iter(lambda: connection.recv(65536), b""))
    exit_code = process.wait(timeout=GRACEFUL_TIMEOUT + 10)
    stopped_after = time.monotonic() - stopping

    assert response.startswith(b"HTTP/1.1 200 ")
    assert response.endswith(b'{"status": "ok"}')
    assert exit_code == 0
    assert stopped_after < GRACEFUL_TIMEOUT
    assert "Granian shutdown completed" in process.stdout.read()
