"""Emails carry no stranger's words, and "this wasn't me" frees an address someone else signed up with.

A squatter signs up with Ada's address. The verification email Ada gets says
only that someone signed up with her address, offers the confirmation and a
link that releases the address, and never shows what the squatter typed.
"""

import pytest
from django.core import mail

from accounts.links import DECLINE_EMAIL_PATH, VERIFY_EMAIL_PATH
from accounts.models import User
from accounts.services import RELEASED_EMAIL_DOMAIN
from tasks.tests.factories import TaskFactory

from .claims import better_auth_claims
from .mailed_links import link_in

pytestmark = pytest.mark.django_db

USER_ID = "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe"
SQUATTER_PASSWORD = "a squatters passphrase 42"
SQUATTER_NAME = "URGENT: your account is locked\nCall +1 555 0100 or visit https://evil.example/unlock"


@pytest.fixture
def squatter(api_client):
    response = api_client.post(
        "/api/auth/signup/",
        {"email": "ada@example.com", "password": SQUATTER_PASSWORD, "name": SQUATTER_NAME},
        format="json",
    )
    squatter = User.objects.get(pk=response.json()["user"]["id"])
    TaskFactory(owner=squatter, title="the squatter's own task")
    return squatter


def decline(api_client, link):
    return api_client.post("/api/auth/verify-email/decline/", link.body(), format="json")


def test_no_word_the_squatter_typed_reaches_the_inbox(api_client, squatter):
    api_client.post("/api/auth/verify-email/resend/", {"email": "ada@example.com"}, format="json")
    api_client.post("/api/auth/password-reset/", {"email": "ada@example.com"}, format="json")

    assert len(mail.outbox) == 3
    for message in mail.outbox:
        for line in SQUATTER_NAME.splitlines():
            assert line not in message.body and line not in message.subject
        assert "evil.example" not in message.body


def test_the_verification_email_says_someone_signed_up_and_offers_both_links(squatter):
    [message] = mail.outbox

    assert "Someone signed up for an account with this address" in message.body
    assert link_in(message, VERIFY_EMAIL_PATH).uid == link_in(message, DECLINE_EMAIL_PATH).uid


def test_this_wasnt_me_releases_the_address_and_the_owner_can_sign_up_with_it(
    api_client, squatter, caplog, django_capture_on_commit_callbacks
):
    link = link_in(mail.outbox[0], DECLINE_EMAIL_PATH)

    with django_capture_on_commit_callbacks(execute=True):
        response = decline(api_client, link)
    signed_up = api_client.post(
        "/api/auth/signup/", {"email": "ada@example.com", "password": "ada's own passphrase 7"}, format="json"
    )

    assert response.status_code == 200
    released = User.objects.get(pk=squatter.pk)
    assert released.email.endswith(f"@{RELEASED_EMAIL_DOMAIN}")
    assert released.tasks.count() == 1
    assert signed_up.status_code == 201
    assert signed_up.json()["user"]["id"] != squatter.pk
    [event] = [record for record in caplog.records if getattr(record, "event", None) == "email_released"]
    assert (event.user_id, event.reason) == (squatter.pk, "declined_by_address_owner")


def test_the_decline_link_works_once_and_not_after_the_address_was_confirmed(api_client, squatter):
    decline_link = link_in(mail.outbox[0], DECLINE_EMAIL_PATH)
    verify_link = link_in(mail.outbox[0], VERIFY_EMAIL_PATH)
    api_client.post("/api/auth/verify-email/", verify_link.body(), format="json")

    response = decline(api_client, decline_link)

    assert (response.status_code, response.json()["code"]) == (400, "invalid_link")
    assert User.objects.get(pk=squatter.pk).email == "ada@example.com"


def test_a_verification_token_is_no_decline_token(api_client, squatter):
    verify_link = link_in(mail.outbox[0], VERIFY_EMAIL_PATH)

    response = decline(api_client, verify_link)

    assert response.json()["code"] == "invalid_link"
    assert User.objects.get(pk=squatter.pk).email == "ada@example.com"


def test_a_click_on_the_squatters_link_never_shuts_out_adas_verified_better_auth_identity(
    api_client, call_me, sign_hs256, squatter
):
    # Ada clicks "confirm" in the email the squatter's sign-up sent her.
    api_client.post("/api/auth/verify-email/", link_in(mail.outbox[0], VERIFY_EMAIL_PATH).body(), format="json")
    assert User.objects.get(pk=squatter.pk).email_proof == "verification_link"

    arrived = call_me(sign_hs256(better_auth_claims(user_id=USER_ID, emailVerified=True)))

    assert arrived.status_code == 200
    assert (arrived.json()["id"], arrived.json()["email"]) == (USER_ID, "ada@example.com")
    released = User.objects.get(pk=squatter.pk)
    assert released.email.endswith(f"@{RELEASED_EMAIL_DOMAIN}")
    assert released.tasks.get().title == "the squatter's own task"
    assert User.objects.get(pk=USER_ID).tasks.count() == 0
    signed_in = api_client.post(
        "/api/token/", {"email": "ada@example.com", "password": SQUATTER_PASSWORD}, format="json"
    )
    assert signed_in.status_code == 401


def test_a_better_auth_token_never_reaches_an_account_a_local_password_made(call_me, sign_hs256, squatter):
    response = call_me(sign_hs256(better_auth_claims(user_id=squatter.pk, email="ada@example.com", emailVerified=True)))

    assert (response.status_code, response.json()["code"]) == (401, "user_conflict")
    assert User.objects.get(pk=squatter.pk).email_proof == ""
