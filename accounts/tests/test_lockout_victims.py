"""Strangers' failed sign-ins cannot lock an account's owner out: lockouts are per client IP, never per account.

The strangers and the owner come from different loopback addresses, through
the test client and through a live server reached from several source
addresses.
"""

import http.client
import json

import pytest
from axes.models import AccessAttempt

from .factories import UserFactory

PASSWORD = "correct horse battery staple 42"
ADMIN_LOGIN_URL = "/admin/login/?next=/admin/"


@pytest.fixture
def limit(settings):
    return settings.AXES_FAILURE_LIMIT


@pytest.fixture
def superuser(db):
    return UserFactory(email="ops@example.com", password=PASSWORD, is_staff=True, is_superuser=True)


def api_sign_in(api_client, email, password=PASSWORD, ip="127.0.0.1"):
    return api_client.post("/api/token/", {"email": email, "password": password}, format="json", REMOTE_ADDR=ip)


def admin_sign_in(client, email, password=PASSWORD, ip="127.0.0.1"):
    return client.post(ADMIN_LOGIN_URL, {"username": email, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.usefixtures("static_files_without_manifest")
def test_a_guess_from_each_of_five_ips_leaves_the_superuser_signing_in_to_the_api_and_the_admin(
    client, api_client, superuser, limit
):
    for n in range(limit):
        stranger = f"127.0.0.{n + 2}"
        if n % 2:
            assert admin_sign_in(client, "ops@example.com", "a wrong guess", ip=stranger).status_code == 200
        else:
            assert api_sign_in(api_client, "ops@example.com", "a wrong guess", ip=stranger).status_code == 401
    owner = f"127.0.0.{limit + 2}"

    api = api_sign_in(api_client, "ops@example.com", ip=owner)
    admin = admin_sign_in(client, "ops@example.com", ip=owner)

    assert api.status_code == 200
    assert set(api.json()) == {"access", "refresh"}
    assert admin.status_code == 302
    assert client.session["_auth_user_id"] == superuser.pk


def test_an_ip_that_keeps_guessing_at_an_account_locks_only_itself(api_client, superuser, limit):
    statuses = [
        api_sign_in(api_client, "ops@example.com", "a wrong guess", ip="127.0.0.2").status_code
        for _ in range(3 * limit)
    ]

    assert statuses == [401] * (limit - 1) + [429] * (2 * limit + 1)
    assert api_sign_in(api_client, "ops@example.com", ip="127.0.0.2").status_code == 429
    assert api_sign_in(api_client, "ops@example.com", ip="127.0.0.3").status_code == 200


def test_a_locked_ip_adds_no_failures_to_the_accounts_it_names(api_client, superuser, limit):
    for n in range(limit):
        api_sign_in(api_client, f"guess{n}@example.com", "a wrong guess", ip="127.0.0.2")

    refused = [
        api_sign_in(api_client, email, "a wrong guess", ip="127.0.0.2").status_code
        for email in ["ops@example.com"] * limit + [f"other{n}@example.com" for n in range(limit)]
    ]

    assert refused == [429] * (2 * limit)
    assert not AccessAttempt.objects.filter(username__in=["ops@example.com", "other0@example.com"]).exists()
    assert AccessAttempt.objects.count() == limit
    assert api_sign_in(api_client, "ops@example.com", ip="127.0.0.3").status_code == 200


def post_over_tcp(server_url, source_ip, path, body):
    """A POST from `source_ip`, a loopback address of its own, to the live server."""
    host, port = server_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source_ip, 0))
    try:
        connection.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_strangers_reaching_a_live_server_from_other_addresses_do_not_lock_the_owner_out(plain_http_live_server, limit):
    UserFactory(email="ops@example.com", password=PASSWORD, is_staff=True, is_superuser=True)
    guess = {"email": "ops@example.com", "password": "a wrong guess"}

    strangers = [
        post_over_tcp(plain_http_live_server.url, f"127.0.0.{n + 2}", "/api/token/", guess)[0] for n in range(limit)
    ]
    owner_status, owner_body = post_over_tcp(
        plain_http_live_server.url, "127.0.0.100", "/api/token/", {"email": "ops@example.com", "password": PASSWORD}
    )

    assert strangers == [401] * limit
    assert owner_status == 200
    assert set(owner_body) == {"access", "refresh"}
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {f"127.0.0.{n + 2}" for n in range(limit)}
