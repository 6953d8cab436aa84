"""/api/token/ locks a client IP out after too many failed sign-ins, whichever accounts they name."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from prometheus_client import REGISTRY

from .factories import UserFactory

URL = "/api/token/"
PASSWORD = "correct horse battery staple 42"
LOCKED_BODY = {"detail": "Too many failed sign-in attempts; try again later.", "code": "sign_in_locked"}


@pytest.fixture
def limit(settings):
    return settings.AXES_FAILURE_LIMIT


@pytest.fixture
def ada(db):
    return UserFactory(email="ada@example.com", password=PASSWORD)


def sign_in(api_client, email, password=PASSWORD, ip="192.0.2.1", **extra):
    return api_client.post(URL, {"email": email, "password": password}, format="json", REMOTE_ADDR=ip, **extra)


def fail(api_client, email, ip="192.0.2.1", **extra):
    return sign_in(api_client, email, password="a wrong guess", ip=ip, **extra)


def assert_locked(response, cool_off):
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json() == LOCKED_BODY
    assert int(response["Retry-After"]) == int(cool_off.total_seconds())


def test_the_failure_that_reaches_the_limit_answers_429_and_those_before_it_401(api_client, ada, limit, settings):
    before = [fail(api_client, "ada@example.com").status_code for _ in range(limit - 1)]

    response = fail(api_client, "ada@example.com")

    assert before == [401] * (limit - 1)
    assert_locked(response, settings.AXES_COOLOFF_TIME)


def test_failures_on_many_accounts_lock_the_ip_even_for_the_right_password(api_client, ada, limit, settings):
    for n in range(limit):
        fail(api_client, f"guess{n}@example.com", ip="192.0.2.66")

    response = sign_in(api_client, "ada@example.com", ip="192.0.2.66")

    assert_locked(response, settings.AXES_COOLOFF_TIME)
    # Only that address: the same account signs in from another one.
    assert sign_in(api_client, "ada@example.com", ip="192.0.2.67").status_code == 200


def test_the_lockout_ends_after_the_cool_off(api_client, ada, limit, settings):
    for _ in range(limit):
        fail(api_client, "ada@example.com")
    assert sign_in(api_client, "ada@example.com").status_code == 429

    # As if the cool-off had passed since the last attempt.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))

    response = sign_in(api_client, "ada@example.com")
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}


def test_a_refused_attempt_while_locked_out_restarts_the_cool_off(api_client, ada, limit, settings):
    for _ in range(limit):
        fail(api_client, "ada@example.com")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME + timedelta(seconds=30))

    assert sign_in(api_client, "ada@example.com").status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=60))

    assert sign_in(api_client, "ada@example.com").status_code == 429


def test_a_success_below_the_limit_does_not_reset_the_count(api_client, ada, limit):
    for _ in range(limit - 1):
        fail(api_client, "ada@example.com")
    assert sign_in(api_client, "ada@example.com").status_code == 200

    assert fail(api_client, "ada@example.com").status_code == 429


def test_a_client_sent_x_forwarded_for_is_ignored_without_proxies(api_client, ada, limit, settings):
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    for n in range(limit):
        fail(api_client, f"guess{n}@example.com", ip="192.0.2.66", HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}")

    response = sign_in(api_client, "ada@example.com", ip="192.0.2.66", HTTP_X_FORWARDED_FOR="203.0.113.99")

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.66"}


def test_behind_a_proxy_the_client_ip_comes_from_x_forwarded_for(api_client, ada, limit, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "10.0.0.2"
    for n in range(limit):
        fail(api_client, f"guess{n}@example.com", ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.66")

    # The proxy appends the address it saw; what the client claimed before it is ignored.
    locked = sign_in(api_client, "ada@example.com", ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5, 192.0.2.66")
    other_client = sign_in(api_client, "ada@example.com", ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.67")

    assert locked.status_code == 429
    assert other_client.status_code == 200
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.66"}


def test_an_overlong_email_is_refused_with_401_not_a_server_error(api_client, db):
    response = fail(api_client, "a" * 300 + "@example.com")

    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"
    [attempt] = AccessAttempt.objects.all()
    assert attempt.username == ("a" * 300)[:255]


def test_the_lockout_and_each_sign_in_refused_during_it_are_counted(api_client, ada, limit, metrics_counting):
    before = REGISTRY.get_sample_value("auth_lockouts_total")
    for _ in range(limit):
        fail(api_client, "ada@example.com", ip="192.0.2.88")

    sign_in(api_client, "ada@example.com", ip="192.0.2.88")

    assert REGISTRY.get_sample_value("auth_lockouts_total") == before + 2
