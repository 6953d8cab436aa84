"""The client IP is the connection's address, or a valid one our proxies forwarded; never the header's text.

With NUM_PROXIES=N the Nth X-Forwarded-For entry from the right is trusted.
What is not a valid address there falls back to REMOTE_ADDR, for the per-IP
throttle and for the lockouts alike.
"""

import pytest
from axes.models import AccessAttempt

LIMIT = 2
PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def one_proxy_and_a_small_auth_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "NUM_PROXIES": 1,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": f"{LIMIT}/min"},
    }


def sign_in(api_client, forwarded_for, remote_addr=PROXY):
    return api_client.post(
        "/api/token/",
        {"email": "nobody@example.com", "password": "a wrong guess"},
        format="json",
        REMOTE_ADDR=remote_addr,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.parametrize("forwarded_for", ["a" * 300, "192.0.2.1" + "9" * 300, "203.0.113.5, " + "x" * 1000])
def test_a_forwarded_for_longer_than_any_column_is_answered_401_not_500(api_client, db, forwarded_for):
    response = sign_in(api_client, forwarded_for)

    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]


def test_rotating_invalid_forwarded_entries_all_count_against_the_connections_address(api_client, db):
    allowed = [sign_in(api_client, f"not-an-address-{n}").status_code for n in range(LIMIT)]

    response = sign_in(api_client, "yet-another-string")

    assert allowed == [401] * LIMIT
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


@pytest.mark.parametrize(
    "forwarded_for", ["unknown", "192.0.2.1:8080", "[2001:db8::1]", "fe80::1%eth0", "192.0.2.256", "", " , "]
)
def test_a_lockout_records_the_connections_address_for_an_invalid_forwarded_entry(api_client, db, forwarded_for):
    sign_in(api_client, forwarded_for)

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]


def test_fewer_entries_than_proxies_count_against_the_connections_address(api_client, db, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 2}
    for n in range(LIMIT):
        sign_in(api_client, f"203.0.113.{n + 1}")

    response = sign_in(api_client, "203.0.113.99")

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}


def test_an_ipv4_address_written_as_ipv6_is_the_same_client(api_client, db):
    sign_in(api_client, "192.0.2.1")
    sign_in(api_client, "::ffff:192.0.2.1")

    assert sign_in(api_client, "192.0.2.1").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.1"}


def test_the_entry_our_proxy_wrote_is_trusted_and_what_the_client_wrote_before_it_is_not(api_client, db):
    for n in range(LIMIT):
        sign_in(api_client, f"198.51.100.{n + 1}, 192.0.2.66")

    assert sign_in(api_client, "198.51.100.99, 192.0.2.66").status_code == 429
    assert sign_in(api_client, "192.0.2.66, 192.0.2.67").status_code == 401
