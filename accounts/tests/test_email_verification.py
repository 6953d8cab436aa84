"""Signing up mails a one-time link; posting it back verifies the address. Driven end to end through the API."""

import pytest
from django.conf import settings
from django.core import mail

from accounts.links import email_verification_tokens, uid_of
from accounts.models import User

from .claims import ME_URL
from .factories import UserFactory
from .mailed_links import aged_token, link_in

pytestmark = pytest.mark.django_db

PASSWORD = "a sturdy passphrase 42"
VERIFY_URL = "/api/auth/verify-email/"
RESEND_URL = "/api/auth/verify-email/resend/"


def sign_up(api_client, email="New.Person@Example.com"):
    response = api_client.post("/api/auth/signup/", {"email": email, "password": PASSWORD}, format="json")
    assert response.status_code == 201
    return response.json()


def verify(api_client, body):
    return api_client.post(VERIFY_URL, body, format="json")


def test_signup_stores_the_account_unverified_and_mails_a_verification_link(api_client, settings):
    body = sign_up(api_client)

    assert body["user"]["email_verified"] is False
    assert User.objects.get(pk=body["user"]["id"]).email_verified is False
    [message] = mail.outbox
    assert message.to == ["new.person@example.com"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == "Confirm your email address"
    link = link_in(message)
    assert link.url.startswith(f"{settings.FRONTEND_URL}/verify-email?uid=")
    assert link.uid == uid_of(User.objects.get(pk=body["user"]["id"]))


def test_posting_the_mailed_link_verifies_the_address_and_me_shows_it(api_client):
    body = sign_up(api_client)
    link = link_in(mail.outbox[0])

    response = verify(api_client, link.body())

    assert response.status_code == 200
    assert response.json()["id"] == body["user"]["id"]
    assert response.json()["email_verified"] is True
    me = api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert me.json()["email_verified"] is True


def test_a_used_link_fails_the_second_time(api_client):
    sign_up(api_client)
    link = link_in(mail.outbox[0])
    verify(api_client, link.body())

    response = verify(api_client, link.body())

    assert response.status_code == 400
    assert response.json() == {
        "detail": "This link is invalid, already used or expired. Ask for a new one.",
        "code": "invalid_link",
    }


def test_an_expired_link_fails_and_leaves_the_address_unverified(api_client, settings):
    user = UserFactory(email="late@example.com")
    token = aged_token(email_verification_tokens, user, settings.PASSWORD_RESET_TIMEOUT + 1)

    response = verify(api_client, {"uid": uid_of(user), "token": token})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_link"
    user.refresh_from_db()
    assert user.email_verified is False


def test_a_link_just_inside_its_lifetime_still_works(api_client, settings):
    user = UserFactory(email="prompt@example.com")
    token = aged_token(email_verification_tokens, user, settings.PASSWORD_RESET_TIMEOUT - 60)

    assert verify(api_client, {"uid": uid_of(user), "token": token}).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(
            lambda link, other: link.body(token=link.token[:-1] + ("0" if link.token[-1] != "0" else "1")), id="token"
        ),
        pytest.param(lambda link, other: link.body(uid=uid_of(other)), id="uid-of-another-user"),
        pytest.param(lambda link, other: link.body(uid="not base64 at all!"), id="garbage-uid"),
        pytest.param(lambda link, other: link.body(uid="QUJDAA"), id="uid-with-a-nul"),
        pytest.param(lambda link, other: link.body(token="x" * 128), id="garbage-token"),
    ],
)
def test_a_tampered_link_fails_with_the_same_clear_error(api_client, tamper):
    other = UserFactory(email="other@example.com")
    sign_up(api_client)
    link = link_in(mail.outbox[0])

    response = verify(api_client, tamper(link, other))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_link"
    assert not User.objects.filter(email_verified=True).exists()


def test_a_link_for_an_address_that_changed_since_fails(api_client):
    body = sign_up(api_client)
    link = link_in(mail.outbox[0])
    User.objects.filter(pk=body["user"]["id"]).update(email="changed@example.com")

    assert verify(api_client, link.body()).json()["code"] == "invalid_link"


def test_a_deactivated_users_link_fails(api_client):
    body = sign_up(api_client)
    link = link_in(mail.outbox[0])
    User.objects.filter(pk=body["user"]["id"]).update(is_active=False)

    assert verify(api_client, link.body()).json()["code"] == "invalid_link"


def test_resend_mails_a_fresh_link_that_verifies(api_client):
    sign_up(api_client)

    response = api_client.post(RESEND_URL, {"email": " NEW.person@example.com "}, format="json")

    assert response.status_code == 202
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["new.person@example.com"]
    assert verify(api_client, link_in(mail.outbox[1]).body()).status_code == 200


@pytest.mark.parametrize("email", ["verified@example.com", "nobody@example.com", "inactive@example.com"])
def test_resend_answers_the_same_and_mails_a_note_without_a_link_when_there_is_nothing_to_verify(api_client, email):
    UserFactory(email="verified@example.com", email_verified=True)
    UserFactory(email="inactive@example.com", is_active=False)
    UserFactory(email="pending@example.com")
    pending = api_client.post(RESEND_URL, {"email": "pending@example.com"}, format="json")

    response = api_client.post(RESEND_URL, {"email": email}, format="json")

    assert (response.status_code, response.json()) == (pending.status_code, pending.json())
    assert [message.to for message in mail.outbox] == [["pending@example.com"], [email]]
    assert settings.FRONTEND_URL not in mail.outbox[1].body


@pytest.mark.parametrize(
    "body", [{}, {"email": "not-an-address"}, {"email": ["a@example.com"]}, {"email": "a@" + "b" * 260 + ".com"}]
)
def test_resend_refuses_anything_but_an_address_with_a_json_error(api_client, body):
    response = api_client.post(RESEND_URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "email" in response.json()["errors"]


@pytest.mark.parametrize("email", ["verified@example.com", "nobody@example.com"])
def test_resend_does_the_same_work_for_any_address(api_client, email):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    UserFactory(email="verified@example.com", email_verified=True)
    UserFactory(email="pending@example.com")
    work = {}
    for address in ("pending@example.com", email):
        mail.outbox.clear()
        with CaptureQueriesContext(connection) as queries:
            api_client.post(RESEND_URL, {"email": address}, format="json")
        work[address] = (len(queries), len(mail.outbox))

    assert work[email] == work["pending@example.com"] == (work["pending@example.com"][0], 1)
