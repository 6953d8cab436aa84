"""Failed sign-ins are counted in PostgreSQL: spread over two server instances, they lock the client IP on both."""

import json
import urllib.error
import urllib.request

import pytest

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.postgres_only

PASSWORD = "correct horse battery staple 42"
LIMIT = 4
COOL_OFF_SECONDS = 600


def sign_in(base_url, email, password, client_ip):
    request = urllib.request.Request(
        f"{base_url}/api/token/",
        data=json.dumps({"email": email, "password": password}).encode(),
        # Each request "comes from" its own client through the one proxy the servers trust.
        headers={"Content-Type": "application/json", "X-Forwarded-For": client_ip},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def test_failures_spread_over_two_servers_lock_the_client_ip_on_both(replicas):
    UserFactory(email="ada@example.com", password=PASSWORD)
    env = {
        "NUM_PROXIES": "1",
        # The per-IP throttle stays out of the way: this is about the lockout alone.
        "THROTTLE_RATE_AUTH": "1000/min",
        "LOCKOUT_FAILURE_LIMIT": str(LIMIT),
        "LOCKOUT_COOL_OFF_SECONDS": str(COOL_OFF_SECONDS),
    }
    servers = replicas.start(2, **env)

    failures = [
        sign_in(servers[n % 2], f"guess{n}@example.com", "a wrong guess", "198.51.100.1")[0] for n in range(LIMIT)
    ]

    assert failures == [401] * (LIMIT - 1) + [429]
    for n, base_url in enumerate(servers):
        status, headers, body = sign_in(base_url, "ada@example.com", PASSWORD, "198.51.100.1")
        assert (status, body["code"]) == (429, "sign_in_locked")
        assert headers["Retry-After"] == str(COOL_OFF_SECONDS)
        # Only that address is locked, not the servers nor the account.
        status, _, body = sign_in(base_url, "ada@example.com", PASSWORD, f"203.0.113.{n + 1}")
        assert status == 200 and set(body) == {"access", "refresh"}
