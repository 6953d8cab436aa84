"""The verification and password reset endpoints are limited per client IP and, across every IP, per address."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail

from accounts.links import uid_of
from accounts.tests.factories import UserFactory
from core.models import RateCounter
from testing.http import http

LIMIT = 3


@pytest.fixture(autouse=True)
def small_rates(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "account_email": "100/hour", "account_email_address": f"{LIMIT}/hour"},
    }


def post(api_client, url, body, ip):
    return api_client.post(url, body, format="json", REMOTE_ADDR=ip)


@pytest.mark.parametrize("url", ["/api/auth/password-reset/", "/api/auth/verify-email/resend/"])
def test_one_address_gets_the_limit_whichever_ips_ask(api_client, db, url):
    statuses = [post(api_client, url, {"email": "ada@example.com"}, f"192.0.2.{n}").status_code for n in range(LIMIT)]

    response = post(api_client, url, {"email": " ADA@Example.com"}, "198.51.100.7")

    assert 429 not in statuses
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert post(api_client, url, {"email": "grace@example.com"}, "198.51.100.7").status_code == 202


def test_the_limit_bounds_the_emails_one_mailbox_gets_whatever_else_the_body_holds(api_client, db):
    for n in range(LIMIT + 3):
        body = {"email": "victim@example.com", "uid": f"dW5yZWxhdGVk{n}", "extra": n}
        post(api_client, "/api/auth/password-reset/", body, f"192.0.2.{n}")

    assert len(mail.outbox) == LIMIT


@pytest.mark.parametrize("url", ["/api/auth/verify-email/", "/api/auth/password-reset/confirm/"])
def test_one_account_gets_the_limit_of_link_attempts_whichever_ips_try(api_client, db, url):
    uid = uid_of(UserFactory())
    body = {"uid": uid, "token": "a-guess", "new_password": "a sturdy passphrase 42"}
    statuses = [post(api_client, url, body, f"192.0.2.{n}").status_code for n in range(LIMIT)]

    response = post(api_client, url, body, "198.51.100.7")

    assert statuses == [400] * LIMIT
    assert response.status_code == 429


def test_one_ip_gets_its_own_limit_over_every_address(api_client, db, settings):
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["account_email"] = f"{LIMIT}/hour"
    for n in range(LIMIT):
        post(api_client, "/api/auth/password-reset/", {"email": f"person{n}@example.com"}, "192.0.2.10")

    response = post(api_client, "/api/auth/password-reset/", {"email": "someone.else@example.com"}, "192.0.2.10")

    assert response.status_code == 429
    other_ip = post(api_client, "/api/auth/password-reset/", {"email": "someone.else@example.com"}, "192.0.2.11")
    assert other_ip.status_code == 202


def test_the_counters_hold_no_address(api_client, db):
    post(api_client, "/api/auth/password-reset/", {"email": "ada@example.com"}, "192.0.2.10")

    keys = list(RateCounter.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert not any("ada" in key for key in keys)


@pytest.mark.parametrize(
    "body", [[{"email": "ada@example.com"}], "ada@example.com", {"email": 5}, {"uid": {"a": 1}}, {"uid": None}]
)
@pytest.mark.parametrize("url", ["/api/auth/password-reset/", "/api/auth/password-reset/confirm/"])
def test_bodies_of_any_json_shape_are_answered_400_never_500(api_client, db, url, body):
    response = post(api_client, url, body, "192.0.2.10")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.postgres_only
def test_parallel_requests_for_one_address_over_two_replicas_get_exactly_the_limit_through(replicas):
    urls = replicas.start(
        2,
        THROTTLE_RATE_ACCOUNT_EMAIL="1000/hour",
        THROTTLE_RATE_ACCOUNT_EMAIL_ADDRESS="5/hour",
        EMAIL_URL="dummymail://",
    )
    attempts = 20

    def attempt(index):
        return http("POST", f"{urls[index % 2]}/api/auth/password-reset/", body={"email": "ada@example.com"})[0]

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        statuses = list(pool.map(attempt, range(attempts)))

    assert statuses.count(202) == 5
    assert statuses.count(429) == attempts - 5
