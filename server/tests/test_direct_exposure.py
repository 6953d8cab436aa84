"""A replica facing clients directly stays up: slow bodies hold no worker, h2c is not spoken, loopback by default."""

import json
import socket
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

from server.config import EXPOSED_BODY_THREADS, Config
from testing.http import http
from testing.servers import PRODUCTION_ENV

# Timed: /health's answer while slow bodies hold threads (scripts/run-tests runs these alone).
pytestmark = pytest.mark.timing

# As in the issue: more than the threads that run Django in `make serve`'s
# server (SERVER_WORKERS=2, one each), few enough that its body threads take
# them all however the kernel spreads the connections over the workers.
SLOW_BODIES = 6
SLOW_BODY_HEAD = (
    b"POST /api/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
)
TIMED_OUT = {"detail": "The request body did not arrive in time.", "code": "request_timeout"}
# The client connection preface of HTTP/2 (RFC 9113, 3.4), then an empty SETTINGS frame.
HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


def address_of(base_url):
    return "127.0.0.1", urlsplit(base_url).port


def slow_bodies(base_url, count):
    """`count` connections, each with a request's headers and one byte of its 100-byte body."""
    connections = [socket.create_connection(address_of(base_url), timeout=30) for _ in range(count)]
    for connection in connections:
        connection.sendall(SLOW_BODY_HEAD)
    return connections


def seconds_to_health(base_url):
    started = time.monotonic()
    with urllib.request.urlopen(f"{base_url}/health", timeout=5) as response:
        assert response.status == 200
    return time.monotonic() - started


def read_response(connection):
    return b"".join(iter(lambda: connection.recv(65536), b""))


def test_the_server_listens_on_loopback_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("SERVER_BIND", raising=False)
    monkeypatch.delenv("PORT", raising=False)

    assert (Config.from_env().host, Config.from_env().port) == ("127.0.0.1", 8000)


def test_slow_body_threads_are_on_by_default_only_beyond_loopback(monkeypatch):
    monkeypatch.delenv("SERVER_BODY_THREADS", raising=False)
    threads = {}
    for bind in ("127.0.0.1:8000", "[::1]:8000", "localhost:8000", "0.0.0.0:8000", "[::]:8000", "api.internal:8000"):
        monkeypatch.setenv("SERVER_BIND", bind)
        threads[bind] = Config.from_env().body_threads

    assert threads == {
        "127.0.0.1:8000": 0,
        "[::1]:8000": 0,
        "localhost:8000": 0,
        "0.0.0.0:8000": EXPOSED_BODY_THREADS,
        "[::]:8000": EXPOSED_BODY_THREADS,
        "api.internal:8000": EXPOSED_BODY_THREADS,
    }


def test_slow_bodies_past_the_django_threads_leave_health_answering_promptly(serve):
    assert SLOW_BODIES > int(PRODUCTION_ENV["SERVER_WORKERS"]) * Config.from_env().blocking_threads
    # The server's own defaults, listening where clients can reach it without a proxy.
    _, base_url = serve(SERVER_BIND="0.0.0.0:{port}")
    held = slow_bodies(base_url, SLOW_BODIES)
    try:
        time.sleep(0.5)  # every slow request has reached a worker
        waits = [seconds_to_health(base_url) for _ in range(5)]
        for connection in held:
            connection.setblocking(False)
            # Still waiting for its body: nothing was answered, nothing closed.
            with pytest.raises(BlockingIOError):
                connection.recv(1)
    finally:
        for connection in held:
            connection.close()

    assert max(waits) < 1


def test_a_body_that_does_not_arrive_in_time_is_answered_408_in_json_and_frees_its_thread(serve):
    _, base_url = serve(SERVER_BODY_TIMEOUT="1", SERVER_WORKERS="1", SERVER_BODY_THREADS="0")
    (connection,) = slow_bodies(base_url, 1)
    started = time.monotonic()

    head, _, body = read_response(connection).partition(b"\r\n\r\n")
    waited = time.monotonic() - started
    connection.close()

    assert head.split(b"\r\n", 1)[0] == b"HTTP/1.1 408 Request Timeout"
    assert b"content-type: application/json" in head.lower()
    assert json.loads(body) == TIMED_OUT
    assert 1 <= waited < 3
    # The worker's one thread is free again.
    assert seconds_to_health(base_url) < 1


def test_a_body_read_first_reaches_django_whole(serve, run_manage, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    assert run_manage("migrate", "--noinput", DATABASE_URL=database_url, DJANGO_DEBUG="true").returncode == 0
    _, base_url = serve(DATABASE_URL=database_url)
    credentials = {"email": "nobody@example.com", "password": "not a password of anyone's"}

    status, body = http("POST", f"{base_url}/api/token/", body=credentials)

    assert (status, body["code"]) == (401, "no_active_account")


def test_http2_with_prior_knowledge_is_not_served_as_http2(serve):
    _, base_url = serve()

    with socket.create_connection(address_of(base_url), timeout=10) as connection:
        connection.sendall(HTTP2_PREFACE)
        answer = read_response(connection)

    # An HTTP/2 server answers the preface with its own SETTINGS frame (type 4).
    assert not (len(answer) >= 9 and answer[3] == 0x04)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 400")
