"""The token, refresh and signup endpoints take a few requests per client IP, then answer 429."""

import pytest
from prometheus_client import REGISTRY

LIMIT = 2
# One body per throttled endpoint. Each is refused quickly, and refused
# requests count too: they are the guesses the limit is there to slow down.
ENDPOINTS = {
    "sign-in": ("/api/token/", {"email": "nobody@example.com", "password": "a wrong guess"}),
    "refresh": ("/api/token/refresh/", {"refresh": "not-a-token"}),
    "signup": ("/api/auth/signup/", {"email": "not-an-email"}),
}


@pytest.fixture(autouse=True)
def small_auth_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": f"{LIMIT}/min"},
    }


def call(api_client, endpoint, **extra):
    url, body = ENDPOINTS[endpoint]
    return api_client.post(url, body, format="json", **extra)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_request_after_the_limit_gets_429_with_retry_after_and_a_json_body(api_client, db, endpoint):
    allowed = [call(api_client, endpoint).status_code for _ in range(LIMIT)]

    response = call(api_client, endpoint)

    assert 429 not in allowed
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "throttled"
    assert response.json()["detail"].startswith("Request was throttled.")


def test_each_client_ip_has_its_own_count(api_client, db):
    for _ in range(LIMIT):
        call(api_client, "refresh", REMOTE_ADDR="192.0.2.10")
    assert call(api_client, "refresh", REMOTE_ADDR="192.0.2.10").status_code == 429

    assert call(api_client, "refresh", REMOTE_ADDR="198.51.100.20").status_code == 401


def test_a_client_cannot_escape_the_limit_by_claiming_another_ip_in_x_forwarded_for(api_client, db):
    for _ in range(LIMIT):
        call(api_client, "refresh", REMOTE_ADDR="192.0.2.10")

    response = call(api_client, "refresh", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.99")

    assert response.status_code == 429


def test_refusals_are_counted_by_scope(api_client, db):
    before = REGISTRY.get_sample_value("throttle_refusals_total", {"scope": "auth"}) or 0

    for _ in range(LIMIT + 2):
        call(api_client, "sign-in")

    assert REGISTRY.get_sample_value("throttle_refusals_total", {"scope": "auth"}) == before + 2
