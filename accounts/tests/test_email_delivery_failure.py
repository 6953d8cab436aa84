"""A mail server that is down does not fail the request that wanted to send: it is logged, and the person can ask
again.
"""

import pytest

from testing.http import free_port

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def unreachable_mail_server(settings):
    # A real SMTP connection to a loopback port nobody listens on: refused at once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()


def failures(caplog):
    return [record for record in caplog.records if getattr(record, "event", None) == "email_failed"]


def test_signup_still_creates_the_account_and_logs_the_failed_email(api_client, caplog):
    response = api_client.post(
        "/api/auth/signup/", {"email": "ada@example.com", "password": "a sturdy passphrase 42"}, format="json"
    )

    assert response.status_code == 201
    [failure] = failures(caplog)
    assert (failure.template, failure.reason, failure.levelname) == ("verify_email", "ConnectionRefusedError", "ERROR")
    assert "token" not in caplog.text


@pytest.mark.parametrize("email", ["ada@example.com", "nobody@example.com"])
def test_a_reset_request_answers_as_always(api_client, caplog, email):
    UserFactory(email="ada@example.com")

    response = api_client.post("/api/auth/password-reset/", {"email": email}, format="json")

    assert response.status_code == 202
    assert len(failures(caplog)) == 1
