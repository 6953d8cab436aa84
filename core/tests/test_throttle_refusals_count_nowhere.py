"""A request one throttle refuses is counted by no other: an IP cannot spend an address's allowance, nor fill the
table.
"""

import pytest

from accounts.links import email_verification_tokens, uid_of
from accounts.tests.factories import UserFactory
from core.models import RateCounter

IP_LIMIT = 3
ADDRESS_LIMIT = 2
ATTACKER = "192.0.2.66"
OWNER = "198.51.100.7"


@pytest.fixture(autouse=True)
def small_rates(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **rates,
            "account_email": f"{IP_LIMIT}/hour",
            "account_email_address": f"{ADDRESS_LIMIT}/hour",
        },
    }


def post(api_client, url, body, ip):
    return api_client.post(url, body, format="json", REMOTE_ADDR=ip)


def use_up_the_ip(api_client, ip):
    for n in range(IP_LIMIT):
        assert post(api_client, "/api/auth/password-reset/", {"email": f"decoy{n}@example.com"}, ip).status_code == 202


@pytest.mark.parametrize("url", ["/api/auth/password-reset/", "/api/auth/verify-email/resend/"])
def test_requests_refused_for_their_ip_leave_the_address_its_whole_allowance(api_client, db, url):
    use_up_the_ip(api_client, ATTACKER)

    refused = [post(api_client, url, {"email": "victim@example.com"}, ATTACKER).status_code for _ in range(10)]
    owner = [post(api_client, url, {"email": "victim@example.com"}, OWNER).status_code for _ in range(ADDRESS_LIMIT)]

    assert refused == [429] * 10
    assert owner == [202] * ADDRESS_LIMIT


def test_requests_refused_for_their_ip_leave_a_link_its_whole_allowance(api_client, db):
    owner = UserFactory(email="victim@example.com", email_verified=False)
    use_up_the_ip(api_client, ATTACKER)
    guess = {"uid": uid_of(owner), "token": "a-guess"}

    refused = [post(api_client, "/api/auth/verify-email/", guess, ATTACKER).status_code for _ in range(10)]
    link = {"uid": uid_of(owner), "token": email_verification_tokens.make_token(owner)}
    response = post(api_client, "/api/auth/verify-email/", link, OWNER)

    assert refused == [429] * 10
    assert response.status_code == 200
    assert response.json()["email_verified"] is True


def test_requests_refused_for_their_address_use_up_none_of_the_ips_allowance(api_client, db):
    url = "/api/auth/password-reset/"
    for _ in range(ADDRESS_LIMIT):
        post(api_client, url, {"email": "victim@example.com"}, ATTACKER)
    refused = [post(api_client, url, {"email": "victim@example.com"}, ATTACKER).status_code for _ in range(5)]

    # The IP has sent ADDRESS_LIMIT counted requests; what is left of its allowance is still there.
    left = [post(api_client, url, {"email": f"other{n}@example.com"}, ATTACKER).status_code for n in range(IP_LIMIT)]

    assert refused == [429] * 5
    assert left == [202] * (IP_LIMIT - ADDRESS_LIMIT) + [429] * ADDRESS_LIMIT


def test_a_flood_from_one_ip_adds_no_rows_past_its_limit(api_client, db):
    statuses = [
        post(api_client, "/api/auth/password-reset/", {"email": f"person{n}@example.com"}, ATTACKER).status_code
        for n in range(60)
    ]

    assert statuses == [202] * IP_LIMIT + [429] * (60 - IP_LIMIT)
    # One counter for the IP, one for each address it was allowed to ask about.
    assert RateCounter.objects.count() == 1 + IP_LIMIT
