"""On SIGTERM gunicorn drains: /ready turns 503 first, requests go on being served, queued connections are not reset, exit 0."""

import signal
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.server

DRAIN_SECONDS = 2
WORKERS = 2


def ready(base_url):
    try:
        with urllib.request.urlopen(f"{base_url}/ready", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def read_response(connection):
    return b"".join(iter(lambda: connection.recv(65536), b""))


def test_sigterm_turns_ready_503_while_everything_else_is_served_then_exits_0(serve):
    process, base_url = serve(GUNICORN_DRAIN_SECONDS=str(DRAIN_SECONDS), GUNICORN_WORKERS=str(WORKERS))
    assert ready(base_url) == 200

    process.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    ready_while_draining = ready(base_url)
    with urllib.request.urlopen(f"{base_url}/health", timeout=5) as health:
        health_while_draining = health.status

    assert ready_while_draining == 503
    assert health_while_draining == 200
    assert process.wait(timeout=DRAIN_SECONDS + 15) == 0


def test_connections_queued_behind_busy_workers_are_served_not_reset(serve):
    process, base_url = serve(GUNICORN_DRAIN_SECONDS=str(DRAIN_SECONDS), GUNICORN_WORKERS=str(WORKERS))
    address = ("127.0.0.1", urlsplit(base_url).port)
    # Each worker takes one of these and waits for the rest of its request.
    busy = [socket.create_connection(address, timeout=20) for _ in range(WORKERS)]
    for connection in busy:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    time.sleep(0.5)
    # No worker is free: these wait in the listening socket's queue.
    queued = [socket.create_connection(address, timeout=20) for _ in range(3)]
    for connection in queued:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")

    process.send_signal(signal.SIGTERM)
    time.sleep(DRAIN_SECONDS + 1)  # past the drain: the sockets take no new connection now
    for connection in busy:
        connection.sendall(b"Connection: close\r\n\r\n")
    responses = [read_response(connection) for connection in busy + queued]

    assert [response.split(b"\r\n", 1)[0] for response in responses] == [b"HTTP/1.1 200 OK"] * (WORKERS + 3)
    assert process.wait(timeout=15) == 0
