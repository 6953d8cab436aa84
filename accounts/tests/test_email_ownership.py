"""The ownership rule: an address nobody proved they own never blocks the person who proves it.

A verified Better Auth identity whose email an unverified local account
holds gets the address; the local account keeps its id, password and tasks
and can verify another address. Two verified holders are never merged.
"""

import threading

import pytest
from django.core import mail
from django.db import connection

from accounts.models import User
from accounts.services import RELEASED_EMAIL_DOMAIN
from tasks.tests.factories import TaskFactory

from .claims import ME_URL, better_auth_claims
from .factories import BetterAuthUserFactory, UserFactory
from .mailed_links import link_in

pytestmark = pytest.mark.django_db

USER_ID = "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe"
SQUATTER_PASSWORD = "a squatters passphrase 42"


@pytest.fixture
def squatter(api_client):
    """Someone who signed up with Ada's address and never proved it."""
    response = api_client.post(
        "/api/auth/signup/", {"email": "ada@example.com", "password": SQUATTER_PASSWORD}, format="json"
    )
    squatter = User.objects.get(pk=response.json()["user"]["id"])
    TaskFactory.create_batch(2, owner=squatter)
    mail.outbox.clear()
    return squatter


def released_events(caplog):
    return [record for record in caplog.records if getattr(record, "event", None) == "email_released"]


def test_a_verified_better_auth_user_gets_the_address_a_squatter_signed_up_with(
    call_me, sign_hs256, squatter, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = call_me(sign_hs256(better_auth_claims(email="Ada@Example.com", emailVerified=True)))

    assert response.status_code == 200
    assert response.json()["email"] == "ada@example.com"
    assert response.json()["email_verified"] is True
    ada = User.objects.get(pk=USER_ID)
    assert (ada.email, ada.email_verified) == ("ada@example.com", True)
    [event] = released_events(caplog)
    assert (event.user_id, event.to_user_id, event.levelname) == (squatter.pk, USER_ID, "WARNING")
    assert "ada@example.com" not in event.getMessage()


def test_the_released_account_keeps_its_id_password_and_tasks_under_an_undeliverable_address(
    call_me, sign_hs256, squatter
):
    call_me(sign_hs256(better_auth_claims(emailVerified=True)))

    released = User.objects.get(pk=squatter.pk)
    assert released.email.endswith(f"@{RELEASED_EMAIL_DOMAIN}")
    assert released.email_verified is False
    assert released.check_password(SQUATTER_PASSWORD)
    assert released.tasks.count() == 2
    assert User.objects.get(pk=USER_ID).tasks.count() == 0


def test_every_later_request_of_the_better_auth_user_is_served(call_me, sign_hs256, squatter):
    token = sign_hs256(better_auth_claims(emailVerified=True))

    assert [call_me(token).status_code for _ in range(3)] == [200, 200, 200]
    assert User.objects.filter(email="ada@example.com").get().pk == USER_ID


def test_the_squatters_old_verification_link_dies_with_the_address(api_client, call_me, sign_hs256, squatter):
    api_client.post("/api/auth/verify-email/resend/", {"email": "ada@example.com"}, format="json")
    link = link_in(mail.outbox[0])
    call_me(sign_hs256(better_auth_claims(emailVerified=True)))

    response = api_client.post("/api/auth/verify-email/", link.body(), format="json")

    assert response.json()["code"] == "invalid_link"


@pytest.mark.parametrize("proof", ["password_reset", "email_change", "better_auth"])
def test_a_holder_that_proved_the_address_with_more_than_a_click_keeps_it(
    call_me, sign_hs256, caplog, django_capture_on_commit_callbacks, proof
):
    holder = UserFactory(email="ada@example.com", email_verified=True, email_proof=proof)

    with django_capture_on_commit_callbacks(execute=True):
        response = call_me(sign_hs256(better_auth_claims(emailVerified=True)))

    assert response.status_code == 401
    assert response.json()["code"] == "user_conflict"
    assert User.objects.get(pk=holder.pk).email == "ada@example.com"
    assert not User.objects.filter(pk=USER_ID).exists()
    assert released_events(caplog) == []


@pytest.mark.parametrize("claim", [False, "true", 1, None, ...], ids=["false", "string", "one", "null", "absent"])
def test_only_a_json_true_email_verified_claim_takes_the_address(call_me, sign_hs256, squatter, claim):
    response = call_me(sign_hs256(better_auth_claims(emailVerified=claim)))

    assert response.status_code == 401
    assert response.json()["code"] == "user_conflict"
    assert User.objects.get(pk=squatter.pk).email == "ada@example.com"


def test_a_newer_verified_email_claim_never_moves_an_address_away_from_another_account(call_me, sign_hs256):
    call_me(sign_hs256(better_auth_claims(email="ada@old.example", emailVerified=True)))
    holder = UserFactory(email="ada@new.example")

    response = call_me(
        sign_hs256(
            better_auth_claims(email="ada@new.example", emailVerified=True, updatedAt="2026-11-10T00:00:00.000Z")
        )
    )

    assert response.status_code == 200
    assert (response.json()["email"], response.json()["email_verified"]) == ("ada@old.example", True)
    assert User.objects.get(pk=holder.pk).email == "ada@new.example"


def test_a_newer_unverified_email_claim_starts_unverified_and_takes_nothing(call_me, sign_hs256):
    call_me(sign_hs256(better_auth_claims(emailVerified=True)))
    UserFactory(email="taken@example.com")

    unverified = call_me(
        sign_hs256(
            better_auth_claims(email="ada@new.example", emailVerified=False, updatedAt="2026-11-10T00:00:00.000Z")
        )
    )
    blocked = call_me(
        sign_hs256(
            better_auth_claims(email="taken@example.com", emailVerified=False, updatedAt="2026-11-11T00:00:00.000Z")
        )
    )

    assert (unverified.json()["email"], unverified.json()["email_verified"]) == ("ada@new.example", False)
    assert (blocked.json()["email"], blocked.json()["email_verified"]) == ("ada@new.example", False)
    assert User.objects.filter(email="taken@example.com").exists()


def test_a_token_proving_the_address_a_user_holds_marks_it_verified_without_a_newer_profile(call_me, sign_hs256):
    BetterAuthUserFactory(id=USER_ID, email="ada@example.com", name="Ada Lovelace")
    token = sign_hs256(better_auth_claims(emailVerified=True))

    assert call_me(token).json()["email_verified"] is True
    assert User.objects.get(pk=USER_ID).email_verified is True


def test_a_proven_address_stays_proven_when_a_newer_profile_keeps_it(call_me, sign_hs256):
    call_me(sign_hs256(better_auth_claims(emailVerified=True)))

    response = call_me(
        sign_hs256(better_auth_claims(name="Ada K.", emailVerified=False, updatedAt="2026-11-10T00:00:00.000Z"))
    )

    assert (response.json()["name"], response.json()["email_verified"]) == ("Ada K.", True)


def test_the_released_account_moves_to_another_address_that_its_holder_confirms(
    api_client, call_me, sign_hs256, squatter, client_for
):
    call_me(sign_hs256(better_auth_claims(emailVerified=True)))
    released = client_for(User.objects.get(pk=squatter.pk))

    asked = released.post(
        "/api/auth/email/change/",
        {"new_email": "squatter@example.com", "current_password": SQUATTER_PASSWORD},
        format="json",
    )
    [confirmation] = [message for message in mail.outbox if message.to == ["squatter@example.com"]]
    confirmed = api_client.post("/api/auth/email/change/confirm/", link_in(confirmation).body(), format="json")

    assert asked.status_code == 202
    assert confirmed.status_code == 200
    assert (confirmed.json()["id"], confirmed.json()["email"]) == (squatter.pk, "squatter@example.com")
    assert confirmed.json()["email_verified"] is True


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_requests_release_the_address_once_and_all_get_in(sign_hs256, caplog):
    from django.test import Client

    squatter = UserFactory(email="ada@example.com")
    token = sign_hs256(better_auth_claims(emailVerified=True))
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    statuses = []

    def first_request():
        try:
            barrier.wait()
            statuses.append(Client().get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_request) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * threads_count
    assert User.objects.get(email="ada@example.com").pk == USER_ID
    assert User.objects.get(pk=squatter.pk).email.endswith(f"@{RELEASED_EMAIL_DOMAIN}")
    assert len(released_events(caplog)) == 1
