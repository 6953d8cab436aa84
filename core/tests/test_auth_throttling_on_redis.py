"""With REDIS_URL set, throttle counters live in a real Redis, shared by every process."""

import os
import shutil
import subprocess
import time

import pytest
import redis

from accounts.throttling import AuthEndpointThrottle
from conftest import PROJECT_ROOT, free_port

ENSURE_REDIS = PROJECT_ROOT / "scripts" / "ensure-redis"
LIMIT = 2


def redis_binary():
    binary = shutil.which("redis-server")
    if binary is None and os.geteuid() == 0:
        subprocess.run([str(ENSURE_REDIS)], check=True, timeout=900)
        binary = shutil.which("redis-server")
    return binary


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A throwaway redis-server on a free loopback port, with nothing written to disk."""
    binary = redis_binary()
    if binary is None:
        pytest.skip("redis-server is missing and only root can install it (scripts/ensure-redis)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path_factory.mktemp("redis"))],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.05)
    yield url
    client.close()
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def redis_cache(settings, redis_url, monkeypatch):
    # Changing CACHES makes Django drop its per-thread cache connections, so the
    # throttle's `cache` proxy reaches Redis from here on (and locmem again after).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    monkeypatch.setattr(AuthEndpointThrottle, "THROTTLE_RATES", {"auth": f"{LIMIT}/min"})
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def test_the_limit_is_counted_in_redis_and_the_next_request_gets_429(api_client, db, redis_cache):
    def refresh():
        return api_client.post("/api/token/refresh/", {"refresh": "not-a-token"}, format="json")

    allowed = [refresh().status_code for _ in range(LIMIT)]
    response = refresh()

    assert allowed == [401] * LIMIT
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert [key for key in redis_cache.keys() if b"throttle_auth_127.0.0.1" in key]
