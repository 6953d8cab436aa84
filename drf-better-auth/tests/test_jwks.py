"""Better Auth's public keys: fetched by kid, refetched rarely, kept when a fetch fails, cut at a deadline."""

import json
import socket
import threading
import time

import pytest
from drf_better_auth.jwks import MAX_JWKS_BYTES, JWKSClient, UnknownSigningKey
from drf_better_auth.signals import jwks_fetched


def client(url, **overrides):
    options = {"algorithms": ["EdDSA"], "cache_lifetime": 600, "refetch_interval": 30, "timeout": 1.0}
    return JWKSClient(url, **{**options, **overrides})


def test_a_key_is_fetched_once_and_then_served_from_the_cache(jwks_server):
    keys = client(jwks_server.url)

    first = keys.key_for("key-1")
    again = keys.key_for("key-1")

    assert first is again
    assert first.algorithm_name == "EdDSA"
    assert jwks_server.fetches == 1


@pytest.mark.parametrize("interval, fetches", [(30, 1), (0, 4)])
def test_an_unknown_kid_refetches_no_sooner_than_the_interval_after_the_last_fetch(jwks_server, interval, fetches):
    keys = client(jwks_server.url, refetch_interval=interval)
    keys.key_for("key-1")

    for _ in range(3):
        with pytest.raises(UnknownSigningKey):
            keys.key_for("forged-kid")

    assert jwks_server.fetches == fetches


def test_a_key_added_later_is_found_after_the_interval(jwks_server):
    keys = client(jwks_server.url, refetch_interval=0)
    keys.key_for("key-1")
    jwks_server.add_key("key-2")

    assert keys.key_for("key-2").algorithm_name == "EdDSA"


def test_a_stale_set_is_refreshed_and_a_failed_refresh_keeps_the_last_good_keys(jwks_server, caplog):
    keys = client(jwks_server.url, cache_lifetime=0, refetch_interval=0)
    keys.key_for("key-1")
    jwks_server.failing = True

    assert keys.key_for("key-1").algorithm_name == "EdDSA"
    assert jwks_server.fetches == 2
    assert [record.event for record in caplog.records] == ["jwks_fetch_failed"]


def test_each_fetch_sends_jwks_fetched_with_its_error_or_none(jwks_server):
    fetched = []

    def receiver(sender, **kwargs):
        fetched.append((sender, kwargs["url"], kwargs["error"]))

    keys = client(jwks_server.url, cache_lifetime=0, refetch_interval=0)
    jwks_fetched.connect(receiver)
    try:
        keys.key_for("key-1")
        jwks_server.failing = True
        keys.key_for("key-1")
    finally:
        jwks_fetched.disconnect(receiver)

    assert fetched == [(JWKSClient, jwks_server.url, None), (JWKSClient, jwks_server.url, "HTTPError")]


def test_keys_for_other_algorithms_other_uses_or_without_a_kid_are_left_out(jwks_server):
    [key] = jwks_server.jwks()["keys"]
    rsa_shaped = {**key, "kid": "wrong-alg"}
    encryption = {**key, "kid": "for-encryption", "use": "enc"}
    nameless = {k: v for k, v in key.items() if k != "kid"}
    broken = {"kty": "OKP", "kid": "broken", "crv": "Ed25519"}
    jwks_server.body = json.dumps({"keys": [key, rsa_shaped, encryption, nameless, broken]}).encode()
    keys = client(jwks_server.url, algorithms=["ES256"], refetch_interval=0)

    with pytest.raises(UnknownSigningKey):
        keys.key_for("key-1")
    keys = client(jwks_server.url, refetch_interval=0)
    assert keys.key_for("key-1") is not None
    for kid in ("for-encryption", "broken"):
        with pytest.raises(UnknownSigningKey):
            keys.key_for(kid)


@pytest.mark.parametrize("body", [b"not json", b"x" * (MAX_JWKS_BYTES + 1)], ids=["not-json", "too-large"])
def test_a_broken_document_is_a_failed_fetch(jwks_server, body):
    jwks_server.body = body

    with pytest.raises(UnknownSigningKey):
        client(jwks_server.url).key_for("key-1")
    assert jwks_server.fetches == 1


def test_an_endpoint_nobody_answers_is_a_failed_fetch():
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()

    with pytest.raises(UnknownSigningKey):
        client(f"http://127.0.0.1:{port}/jwks").key_for("key-1")


def test_a_fetch_trickling_bytes_ends_at_its_deadline():
    """Each read is quick, the whole answer is not: the deadline cuts the fetch, not a socket timeout."""
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def trickle():
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            while not stop.wait(0.05):
                try:
                    connection.sendall(b" ")
                except OSError:
                    return

    threading.Thread(target=trickle, daemon=True).start()
    started = time.monotonic()
    try:
        with pytest.raises(UnknownSigningKey):
            client(f"http://127.0.0.1:{listener.getsockname()[1]}/jwks", timeout=0.5).key_for("key-1")
    finally:
        stop.set()
        listener.close()

    assert time.monotonic() - started < 3


def test_a_request_waits_for_a_fetch_under_way_no_longer_than_its_own_deadline(jwks_server):
    keys = client(jwks_server.url, timeout=0.3)
    keys._lock.acquire()
    try:
        started = time.monotonic()
        with pytest.raises(UnknownSigningKey):
            keys.key_for("key-1")
    finally:
        keys._lock.release()

    assert 0.25 < time.monotonic() - started < 2
    assert jwks_server.fetches == 0
