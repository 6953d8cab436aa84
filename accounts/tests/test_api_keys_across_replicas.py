"""An API key is one key on every worker of every replica: its uses counted together, its revocation at once.

Two server instances of two workers each share the test's PostgreSQL
database, as replicas do in production; every request opens a new
connection, so the requests spread over the four workers.
"""

import pytest
from drf_better_auth.tokens import AccessToken

from accounts import services
from accounts.tests.factories import UserFactory
from testing.http import http

pytestmark = pytest.mark.postgres_only

TASKS = "/api/tasks/"
RATE = 12


def test_a_key_is_throttled_across_replicas_and_its_revocation_reaches_every_worker(replicas):
    urls = replicas.start(2, THROTTLE_RATE_API_KEY=f"{RATE}/min")
    person = UserFactory()
    token = str(AccessToken.for_user(person))
    status, created = http(
        "POST", f"{urls[0]}/api/auth/api-keys/", token=token, body={"name": "cron", "scopes": ["tasks:read"]}
    )
    assert status == 201
    key = created["key"]

    statuses = [http("GET", f"{urls[i % 2]}{TASKS}", token=key)[0] for i in range(RATE + 2)]
    assert statuses == [200] * RATE + [429, 429]
    # The person's own token is not counted against the key.
    assert http("GET", f"{urls[1]}{TASKS}", token=token)[0] == 200

    status, _body = http("DELETE", f"{urls[1]}/api/auth/api-keys/{created['id']}/", token=token)
    assert status == 204
    answers = [http("GET", f"{urls[i % 2]}{TASKS}", token=key) for i in range(8)]
    assert {(status, body["code"]) for status, body in answers} == {(401, "api_key_not_valid")}
    assert services.api_keys_of(user=person).count() == 0
