"""A forgotten password: request a link by address, post it back with a new password. End to end through the API."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.links import password_reset_tokens, uid_of
from accounts.models import User

from .claims import ME_URL
from .factories import UserFactory
from .mailed_links import aged_token, link_in

pytestmark = pytest.mark.django_db

OLD_PASSWORD = "the forgotten passphrase 41"
NEW_PASSWORD = "a brand new passphrase 43"
REQUEST_URL = "/api/auth/password-reset/"
CONFIRM_URL = "/api/auth/password-reset/confirm/"


@pytest.fixture
def person():
    """A local account whose holder proved the address: a reset gives it a new password (see test_pre_hijacking for the
    others).
    """
    return UserFactory(email="ada@example.com", password=OLD_PASSWORD, email_verified=True)


def request_reset(api_client, email="ada@example.com"):
    return api_client.post(REQUEST_URL, {"email": email}, format="json")


def confirm(api_client, link, password=NEW_PASSWORD):
    return api_client.post(CONFIRM_URL, link.body(new_password=password), format="json")


def sign_in(api_client, password):
    return api_client.post("/api/token/", {"email": "ada@example.com", "password": password}, format="json")


def test_reset_mails_a_link_confirm_sets_the_password_and_every_earlier_token_fails(api_client, person, settings):
    earlier = sign_in(api_client, OLD_PASSWORD).json()

    assert request_reset(api_client, " ADA@example.com").status_code == 202
    [message] = mail.outbox
    assert (message.to, message.subject) == (["ada@example.com"], "Reset your password")
    link = link_in(message)
    assert link.url.startswith(f"{settings.FRONTEND_URL}/reset-password?uid=")
    response = confirm(api_client, link)

    assert response.status_code == 200
    assert response.json() == {"detail": "Your password has been reset. Sign in with the new one."}
    for old_token in (earlier["access"],):
        refused = api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {old_token}")
        assert refused.status_code == 401
        assert refused.json()["detail"] == "Token has been revoked"
    assert sign_in(api_client, OLD_PASSWORD).status_code == 401
    signed_in = sign_in(api_client, NEW_PASSWORD)
    assert signed_in.status_code == 200
    assert api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {signed_in.json()['access']}").status_code == 200


def test_the_new_password_is_stored_with_bcrypt_and_the_address_counts_as_proven_by_the_reset(api_client, person):
    request_reset(api_client)

    confirm(api_client, link_in(mail.outbox[0]))

    person.refresh_from_db()
    assert person.password.startswith("bcrypt_sha256$")
    assert (person.email_verified, person.email_proof) == (True, "password_reset")


def test_a_refresh_token_from_before_the_reset_no_longer_refreshes(api_client, person):
    refresh = sign_in(api_client, OLD_PASSWORD).json()["refresh"]
    request_reset(api_client)
    confirm(api_client, link_in(mail.outbox[0]))

    response = api_client.post("/api/token/refresh/", {"refresh": refresh}, format="json")

    assert response.status_code == 401


def test_the_link_works_once(api_client, person):
    request_reset(api_client)
    link = link_in(mail.outbox[0])
    confirm(api_client, link)

    response = confirm(api_client, link, password="yet another passphrase 44")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_link"
    assert sign_in(api_client, NEW_PASSWORD).status_code == 200


def test_an_earlier_link_dies_once_a_later_one_is_used(api_client, person):
    request_reset(api_client)
    request_reset(api_client)
    first, second = (link_in(message) for message in mail.outbox)
    confirm(api_client, second)

    assert confirm(api_client, first, password="yet another passphrase 44").json()["code"] == "invalid_link"


def test_an_expired_link_fails_and_keeps_the_old_password(api_client, person, settings):
    token = aged_token(password_reset_tokens, person, settings.PASSWORD_RESET_TIMEOUT + 1)

    response = api_client.post(
        CONFIRM_URL, {"uid": uid_of(person), "token": token, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_link"
    assert sign_in(api_client, OLD_PASSWORD).status_code == 200


def test_a_tampered_token_fails(api_client, person):
    request_reset(api_client)
    link = link_in(mail.outbox[0])
    tampered = link.body(token=link.token[:-1] + ("0" if link.token[-1] != "0" else "1"), new_password=NEW_PASSWORD)

    response = api_client.post(CONFIRM_URL, tampered, format="json")

    assert response.json()["code"] == "invalid_link"
    assert sign_in(api_client, OLD_PASSWORD).status_code == 200


def test_a_link_names_only_its_own_user(api_client, person):
    other = UserFactory(email="grace@example.com", password=OLD_PASSWORD)
    request_reset(api_client)
    link = link_in(mail.outbox[0])

    response = api_client.post(
        CONFIRM_URL, {"uid": uid_of(other), "token": link.token, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.json()["code"] == "invalid_link"


def test_a_password_the_validators_refuse_is_a_field_error_and_the_link_stays_usable(api_client, person):
    request_reset(api_client)
    link = link_in(mail.outbox[0])

    refused = confirm(api_client, link, password="ada@example.com")

    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid"
    assert refused.json()["errors"]["new_password"] == ["The password is too similar to the email address."]
    assert confirm(api_client, link).status_code == 200


def test_known_unknown_and_inactive_addresses_get_the_same_answer_the_same_queries_and_one_email_each(
    api_client, person
):
    UserFactory(email="gone@example.com", is_active=False)
    answers, query_counts = [], []
    for email in ["ada@example.com", "nobody@example.com", "gone@example.com"]:
        with CaptureQueriesContext(connection) as queries:
            response = request_reset(api_client, email)
        answers.append((response.status_code, response.json()))
        query_counts.append(len(queries))

    assert answers == [(202, {"detail": "If the address can receive it, an email with a link is on its way."})] * 3
    assert len(set(query_counts)) == 1
    assert [message.to for message in mail.outbox] == [
        ["ada@example.com"],
        ["nobody@example.com"],
        ["gone@example.com"],
    ]
    assert [message.subject for message in mail.outbox] == [
        "Reset your password",
        "Password reset request",
        "Password reset request",
    ]
    for note in mail.outbox[1:]:
        assert "no active account uses this address" in note.body
        assert "token=" not in note.body


def test_a_user_without_a_local_password_can_set_one(api_client):
    UserFactory(email="ada@example.com")
    request_reset(api_client)

    confirm(api_client, link_in(mail.outbox[0]))

    assert sign_in(api_client, NEW_PASSWORD).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"uid": "x", "token": "y"},
        {"uid": ["x"], "token": "y", "new_password": NEW_PASSWORD},
        {"uid": "x" * 200, "token": "y", "new_password": NEW_PASSWORD},
    ],
)
def test_confirm_refuses_malformed_bodies_with_a_json_error(api_client, body):
    response = api_client.post(CONFIRM_URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_link_posted_twice_at_once_sets_the_password_once(person):
    from django.test import Client

    Client().post(REQUEST_URL, {"email": "ada@example.com"}, content_type="application/json")
    link = link_in(mail.outbox[0])
    passwords = ["first racing passphrase 45", "second racing passphrase 46"]
    barrier = threading.Barrier(len(passwords))
    statuses = {}

    def post(password):
        try:
            barrier.wait()
            response = Client().post(CONFIRM_URL, link.body(new_password=password), content_type="application/json")
            statuses[password] = response.status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(password,)) for password in passwords]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses.values()) == [200, 400]
    [winner] = [password for password, status in statuses.items() if status == 200]
    assert User.objects.get(pk=person.pk).check_password(winner)
