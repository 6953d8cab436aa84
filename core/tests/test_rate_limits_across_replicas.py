"""The auth endpoints' limit is one count for every worker of every replica, even under parallel requests."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from testing.http import http

pytestmark = pytest.mark.postgres_only

LIMIT = 10
ATTEMPTS = 30


def test_parallel_attempts_spread_over_two_replicas_get_exactly_the_limit_through(replicas):
    urls = replicas.start(2, THROTTLE_RATE_AUTH=f"{LIMIT}/min")

    def attempt(index):
        return http("POST", f"{urls[index % 2]}/api/token/refresh/", body={"refresh": "not-a-token"})[0]

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        statuses = list(pool.map(attempt, range(ATTEMPTS)))

    assert statuses.count(401) == LIMIT
    assert statuses.count(429) == ATTEMPTS - LIMIT
