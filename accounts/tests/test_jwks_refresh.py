"""A JWKS fetch never holds requests: it has a total deadline, and known kids never wait for it."""

import json
import socket
import threading
import time
from datetime import timedelta

import pytest
from drf_better_auth.jwks import JWKSClient

from .claims import better_auth_claims
from .jwks_server import JWKSServer

# Timed: the JWKS fetch's deadline (scripts/run-tests runs these alone).
pytestmark = [pytest.mark.django_db, pytest.mark.timing]

DEADLINE = 1.0
# Room for a loaded machine; a fetch that ignored the deadline would take TRICKLE_SECONDS.
MARGIN = 3.0
TRICKLE_SECONDS = 20.0


class TricklingServer:
    """Answers with a JWKS one byte at a time: every read is quick, the whole response is not."""

    def __init__(self, body, *, headers_too):
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        self.prompt, self.trickled = (b"", head + body) if headers_too else (head, body)
        self.interval = TRICKLE_SECONDS / len(self.trickled)
        self.stopped = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/api/auth/jwks"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection):
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(self.prompt)
                for byte in self.trickled:
                    if self.stopped.wait(self.interval):
                        return
                    connection.sendall(bytes([byte]))
            except OSError:
                return

    def close(self):
        self.stopped.set()
        self.listener.close()


class HeldJWKSServer(JWKSServer):
    """A JWKS endpoint that, once `hold()` is called, keeps each fetch waiting until `release()`."""

    def __init__(self):
        self.holding = False
        self.arrived = threading.Event()
        self.released = threading.Event()
        super().__init__()

    def hold(self):
        self.holding = True

    def release(self):
        self.released.set()

    def _handler(self):
        base = super()._handler()
        server = self

        class Handler(base):
            def do_GET(self):
                if server.holding:
                    server.arrived.set()
                    server.released.wait(timeout=60)
                super().do_GET()

        return Handler


def configure(settings, url, **keys):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "JWKS_URL": url, **keys}


@pytest.fixture
def held_jwks_server():
    server = HeldJWKSServer()
    yield server
    server.release()
    server.close()


@pytest.mark.parametrize("headers_too", [False, True], ids=["body-trickled", "headers-trickled"])
def test_a_fetch_from_a_trickling_server_gives_up_at_its_deadline(jwks_server, settings, call_me, headers_too):
    trickling = TricklingServer(json.dumps(jwks_server.jwks()).encode(), headers_too=headers_too)
    configure(settings, trickling.url, JWKS_TIMEOUT=timedelta(seconds=DEADLINE))
    try:
        started = time.monotonic()
        response = call_me(jwks_server.sign(better_auth_claims()))
        elapsed = time.monotonic() - started
    finally:
        trickling.close()

    assert response.status_code == 401
    assert response.json()["detail"] == "Token is signed with an unknown key"
    assert elapsed < DEADLINE + MARGIN


def test_a_known_kid_is_served_while_another_request_refreshes_the_keys(held_jwks_server):
    client = JWKSClient(held_jwks_server.url, algorithms=["EdDSA"], cache_lifetime=0, refetch_interval=0, timeout=60)
    client.key_for("key-1")
    held_jwks_server.hold()
    found = {}

    def look_up(name):
        found[name] = client.key_for("key-1")

    refresher = threading.Thread(target=look_up, args=("refresher",), daemon=True)
    refresher.start()
    assert held_jwks_server.arrived.wait(timeout=10), "the stale key set was never refreshed"
    other = threading.Thread(target=look_up, args=("other",), daemon=True)
    other.start()
    other.join(timeout=10)

    # The other request finished while the server still held the refresh open.
    assert not other.is_alive()
    assert refresher.is_alive()
    assert found["other"].key_id == "key-1"
    held_jwks_server.release()
    refresher.join(timeout=10)
    assert found["refresher"].key_id == "key-1"
    assert held_jwks_server.fetches == 2
