"""The admin's sign-in takes the `auth` rate per client IP, counted with /api/token/'s, then answers a 429 page."""

import pytest

from .factories import UserFactory

LOGIN_URL = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple 42"
LIMIT = 3

pytestmark = pytest.mark.usefixtures("static_files_without_manifest")


@pytest.fixture(autouse=True)
def small_auth_rate(settings):
    # Below the lockout's failure limit, so what refuses here is the rate.
    assert settings.AXES_FAILURE_LIMIT > LIMIT
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": f"{LIMIT}/min"},
    }


@pytest.fixture
def staff(db):
    return UserFactory(email="support@example.com", password=PASSWORD, is_staff=True)


def sign_in(client, password=PASSWORD, ip="127.0.0.2"):
    return client.post(LOGIN_URL, {"username": "support@example.com", "password": password}, REMOTE_ADDR=ip)


def test_past_the_rate_the_admin_answers_429_with_retry_after_even_to_the_right_password(client, staff):
    before = [sign_in(client, "a wrong guess").status_code for _ in range(LIMIT)]

    response = sign_in(client)

    assert before == [200] * LIMIT
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<title>Too many sign-in attempts | Todo API</title>" in page
    assert "Too many sign-in attempts from this address. Try again in 1 minute." in page
    assert "_auth_user_id" not in client.session


def test_another_ip_signs_in_while_one_is_refused(client, staff):
    for _ in range(LIMIT + 1):
        sign_in(client, "a wrong guess", ip="127.0.0.2")

    response = sign_in(client, ip="127.0.0.3")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == staff.pk


def test_the_admin_and_the_token_endpoint_share_one_count_per_ip(client, api_client, staff):
    for _ in range(LIMIT - 1):
        sign_in(client, "a wrong guess")
    api = api_client.post(
        "/api/token/", {"email": "support@example.com", "password": PASSWORD}, format="json", REMOTE_ADDR="127.0.0.2"
    )

    assert api.status_code == 200
    assert sign_in(client).status_code == 429
    refused = api_client.post(
        "/api/token/", {"email": "support@example.com", "password": PASSWORD}, format="json", REMOTE_ADDR="127.0.0.2"
    )
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"


def test_showing_the_sign_in_page_is_not_counted(client, staff):
    pages = [client.get(LOGIN_URL, REMOTE_ADDR="127.0.0.2").status_code for _ in range(LIMIT + 2)]

    assert pages == [200] * (LIMIT + 2)
    assert sign_in(client).status_code == 302
