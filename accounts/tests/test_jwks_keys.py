"""Better Auth's JWKS: keys cached, refetched on an unknown kid at most once per interval, last good keys kept."""

from datetime import timedelta

import pytest
from prometheus_client import REGISTRY

from .claims import better_auth_claims

pytestmark = pytest.mark.django_db


def configure(settings, **keys):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, **keys}


def test_keys_are_fetched_once_and_reused(jwks_server, call_me):
    token = jwks_server.sign(better_auth_claims())

    for _ in range(5):
        assert call_me(token).status_code == 200

    assert jwks_server.fetches == 1


def test_a_new_kid_is_found_by_one_refetch(jwks_server, call_me, settings):
    configure(settings, JWKS_URL=jwks_server.url, JWKS_REFETCH_INTERVAL=timedelta(0))
    assert call_me(jwks_server.sign(better_auth_claims())).status_code == 200

    jwks_server.add_key("key-2")
    response = call_me(jwks_server.sign(better_auth_claims(), kid="key-2"))

    assert response.status_code == 200
    assert jwks_server.fetches == 2


def test_a_stream_of_unknown_kids_refetches_at_most_once_per_interval(jwks_server, call_me):
    from .test_hostile_tokens import reheader

    genuine = jwks_server.sign(better_auth_claims())
    assert call_me(genuine).status_code == 200

    for attempt in range(20):
        forged = reheader(genuine, {"alg": "EdDSA", "kid": f"forged-{attempt}"})
        assert call_me(forged).status_code == 401

    # The genuine token's fetch opened the interval; no forged kid may fetch again inside it.
    assert jwks_server.fetches == 1


def test_the_last_good_keys_keep_serving_when_a_refetch_fails(jwks_server, call_me, settings):
    configure(
        settings,
        JWKS_URL=jwks_server.url,
        JWKS_CACHE_LIFETIME=timedelta(0),
        JWKS_REFETCH_INTERVAL=timedelta(0),
    )
    token = jwks_server.sign(better_auth_claims())
    assert call_me(token).status_code == 200

    jwks_server.failing = True
    response = call_me(token)

    assert response.status_code == 200
    assert jwks_server.fetches == 2


def test_an_unreachable_jwks_refuses_asymmetric_tokens_with_401(jwks_server, call_me, settings):
    jwks_server.failing = True

    response = call_me(jwks_server.sign(better_auth_claims()))

    assert response.status_code == 401
    assert response.json()["detail"] == "Token is signed with an unknown key"


def test_hs256_tokens_never_wait_for_the_jwks(jwks_server, call_me, sign_hs256):
    assert call_me(sign_hs256(better_auth_claims())).status_code == 200

    assert jwks_server.fetches == 0


def test_fetches_and_their_failures_are_counted(jwks_server, call_me, settings, metrics_counting):
    configure(settings, JWKS_URL=jwks_server.url, JWKS_CACHE_LIFETIME=timedelta(0), JWKS_REFETCH_INTERVAL=timedelta(0))
    before = metric("jwks_fetches_total", result="ok"), metric("jwks_fetches_total", result="HTTPError")
    token = jwks_server.sign(better_auth_claims())
    assert call_me(token).status_code == 200

    jwks_server.failing = True
    assert call_me(token).status_code == 200

    assert metric("jwks_fetches_total", result="ok") == before[0] + 1
    assert metric("jwks_fetches_total", result="HTTPError") == before[1] + 1


def metric(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0
