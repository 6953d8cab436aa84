"""With REDIS_URL set and Redis down, the cache misses instead of failing, and the API answers as usual."""

import socket

import pytest

from core.cache import FailSoftRedisCache
from server.listeners import queued_connections
from testing.http import free_port


@pytest.fixture
def redis_down_url():
    # A port nothing listens on: every connection is refused, as with Redis stopped.
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def silent_redis():
    """A listening socket that never accepts and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener


@pytest.fixture
def unreachable_cache(redis_down_url):
    return FailSoftRedisCache(redis_down_url, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})


@pytest.fixture
def settings_with_redis_down(settings, redis_down_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": redis_down_url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    return settings


def test_reads_miss_and_writes_are_dropped_without_raising(unreachable_cache):
    assert unreachable_cache.get("key", "default") == "default"
    assert unreachable_cache.get_many(["a", "b"]) == {}
    assert unreachable_cache.has_key("key") is False
    assert unreachable_cache.add("key", 1) is False
    assert unreachable_cache.set("key", 1) is None
    assert unreachable_cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert unreachable_cache.delete("key") is False
    assert unreachable_cache.touch("key") is False
    assert unreachable_cache.get_or_set("key", 7) == 7


def test_incr_finds_no_key_as_after_an_eviction(unreachable_cache):
    with pytest.raises(ValueError):
        unreachable_cache.incr("counter")


def test_it_says_redis_is_unavailable(unreachable_cache):
    assert unreachable_cache.is_available() is False


def test_after_a_failure_redis_is_left_alone_for_the_retry_interval(silent_redis):
    # A host that accepts connections and never answers (hung, or behind a
    # black hole) would cost a timeout on every call.
    cache = FailSoftRedisCache(
        f"redis://127.0.0.1:{silent_redis.getsockname()[1]}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )

    assert cache.get("key", "default") == "default"
    attempts = queued_connections(silent_redis)
    for _ in range(100):
        assert cache.get("key", "default") == "default"

    assert attempts == 1
    assert queued_connections(silent_redis) == 1


@pytest.mark.django_db
def test_authenticated_requests_and_auth_endpoints_answer_as_usual(
    settings_with_redis_down, client_for, user, api_client
):
    me = client_for(user).get("/api/auth/me/")
    tasks = client_for(user).get("/api/tasks/")
    sign_in = api_client.post("/api/token/", {"email": user.email, "password": "wrong"}, format="json")

    assert me.status_code == 200 and me.json()["email"] == user.email
    assert tasks.status_code == 200
    assert sign_in.status_code == 401


@pytest.mark.django_db
def test_a_revoked_token_stays_refused(settings_with_redis_down, client_for, user):
    client = client_for(user)
    assert client.post("/api/auth/logout-all/").status_code == 204

    assert client.get("/api/auth/me/").status_code == 401


@pytest.mark.django_db
def test_ready_reports_the_cache_unavailable_but_stays_200(settings_with_redis_down, client):
    response = client.get("/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}
