"""The admin's sign-in locks out after too many failures, with a page that says so, until the cool-off ends."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F

from .factories import UserFactory

LOGIN_URL = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple 42"

pytestmark = pytest.mark.usefixtures("static_files_without_manifest")


@pytest.fixture
def limit(settings):
    return settings.AXES_FAILURE_LIMIT


@pytest.fixture
def staff(db):
    return UserFactory(email="support@example.com", password=PASSWORD, is_staff=True)


def sign_in(client, email, password=PASSWORD):
    return client.post(LOGIN_URL, {"username": email, "password": password})


def test_after_the_limit_the_admin_answers_429_and_refuses_the_right_password(client, staff, limit, settings):
    before = [sign_in(client, "support@example.com", "a wrong guess").status_code for _ in range(limit - 1)]
    locked = sign_in(client, "support@example.com", "a wrong guess")

    response = sign_in(client, "support@example.com")

    assert before == [200] * (limit - 1)
    for answer in (locked, response):
        assert answer.status_code == 429
        assert answer["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
        assert answer["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<title>Too many failed sign-in attempts | Todo API</title>" in page
    assert "Too many failed sign-in attempts from this address. Try again in 15 minutes." in page
    assert "_auth_user_id" not in client.session


def test_the_admin_signs_in_again_after_the_cool_off(client, staff, limit, settings):
    for _ in range(limit):
        sign_in(client, "support@example.com", "a wrong guess")
    assert sign_in(client, "support@example.com").status_code == 429

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))

    response = sign_in(client, "support@example.com")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == staff.pk


def test_admin_and_api_failures_from_one_ip_count_together_whatever_the_case(client, api_client, staff, limit):
    half = limit // 2
    for _ in range(half):
        sign_in(client, "Support@Example.COM", "a wrong guess")
    for _ in range(limit - half):
        api_client.post(
            "/api/token/",
            {"email": "support@example.com", "password": "a wrong guess"},
            format="json",
            REMOTE_ADDR="127.0.0.1",
        )

    assert sign_in(client, "support@example.com").status_code == 429
    api = api_client.post(
        "/api/token/", {"email": "SUPPORT@example.com", "password": PASSWORD}, format="json", REMOTE_ADDR="127.0.0.1"
    )
    assert api.status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"support@example.com"}


def test_neither_the_password_nor_the_csrf_token_is_stored_with_the_attempt(client, staff):
    client.post(
        LOGIN_URL,
        {"username": "support@example.com", "password": "a wrong guess", "csrfmiddlewaretoken": "a-csrf-token"},
    )

    [attempt] = AccessAttempt.objects.all()
    assert attempt.username == "support@example.com"
    assert "a wrong guess" not in attempt.post_data
    assert "a-csrf-token" not in attempt.post_data
