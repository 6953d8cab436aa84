"""A revocation reaches every worker of every replica on the very next request.

Two server instances of two workers each share the test's PostgreSQL
database, as replicas do in production. Every request opens a new connection,
so the requests spread over all four workers.
"""

import pytest
from drf_better_auth.tokens import AccessToken, RefreshToken

from accounts import services
from accounts.tests.factories import UserFactory
from testing.http import http

pytestmark = pytest.mark.postgres_only

ME = "/api/auth/me/"
REQUESTS = 24


@pytest.fixture
def two_replicas(replicas):
    return replicas.start(2)


@pytest.fixture
def person():
    return UserFactory(email="ada@example.com")


def statuses_of_me(urls, token):
    return {http("GET", f"{urls[i % len(urls)]}{ME}", token=token)[0] for i in range(REQUESTS)}


def test_logout_everywhere_on_one_replica_refuses_the_old_token_on_every_worker_of_both(two_replicas, person):
    token = str(AccessToken.for_user(person))
    # Every worker has seen the user: a per-process cache would now hold them.
    assert statuses_of_me(two_replicas, token) == {200}

    assert http("POST", f"{two_replicas[0]}/api/auth/logout-all/", token=token)[0] == 204

    assert statuses_of_me(two_replicas, token) == {401}


def test_deactivation_from_the_command_line_reaches_every_running_worker(replicas, two_replicas, person, run_manage):
    token = str(AccessToken.for_user(person))
    assert statuses_of_me(two_replicas, token) == {200}

    command = run_manage("revoke_tokens", person.email, "--deactivate", **replicas.environment)
    assert command.returncode == 0, command.stderr

    assert statuses_of_me(two_replicas, token) == {401}


def test_a_refresh_token_issued_before_a_revocation_never_rotates_on_any_replica(two_replicas, person):
    access, refresh = str(AccessToken.for_user(person)), str(RefreshToken.for_user(person))
    assert statuses_of_me(two_replicas, access) == {200}
    assert http("POST", f"{two_replicas[0]}/api/auth/logout-all/", token=access)[0] == 204

    answers = [http("POST", f"{two_replicas[i % 2]}/api/token/refresh/", body={"refresh": refresh}) for i in range(8)]

    assert {(status, body["detail"]) for status, body in answers} == {(401, "Token has been revoked")}


def test_verify_on_any_replica_refuses_the_tokens_of_a_deactivated_user(two_replicas, person):
    access, refresh = str(AccessToken.for_user(person)), str(RefreshToken.for_user(person))
    assert {http("POST", f"{url}/api/token/verify/", body={"token": access})[0] for url in two_replicas} == {200}

    services.user_deactivate(user=person)

    for url in two_replicas:
        for token in (access, refresh):
            status, body = http("POST", f"{url}/api/token/verify/", body={"token": token})
            assert (status, body["code"]) == (401, "user_inactive")
