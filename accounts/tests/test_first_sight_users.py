"""A Better Auth user seen for the first time is created from the token's claims."""

import threading

import pytest
from django.db import connection

from accounts.models import User

from .claims import ME_URL, better_auth_claims
from .factories import BetterAuthUserFactory, UserFactory

USER_ID = "Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe"


@pytest.mark.django_db
def test_a_new_better_auth_user_is_created_with_the_tokens_id_email_and_name(call_me, sign_hs256):
    response = call_me(sign_hs256(better_auth_claims(email="Ada@Example.com", name="Ada")))

    assert response.status_code == 200
    user = User.objects.get(pk=USER_ID)
    assert (user.email, user.name, user.has_usable_password()) == ("ada@example.com", "Ada", False)


@pytest.mark.django_db
def test_a_uuid_user_id_is_accepted(call_me, sign_hs256):
    uuid_id = "0b7f6a9e-3c1d-4e5f-8a2b-9c0d1e2f3a4b"

    response = call_me(sign_hs256(better_auth_claims(user_id=uuid_id, email="u@example.com")))

    assert response.status_code == 200
    assert User.objects.filter(pk=uuid_id).exists()


@pytest.mark.django_db
def test_newer_email_and_name_claims_update_the_local_user(call_me, sign_hs256):
    call_me(sign_hs256(better_auth_claims()))

    response = call_me(
        sign_hs256(better_auth_claims(email="ada@new.example", name="Ada K.", updatedAt="2026-11-10T00:00:00.000Z"))
    )

    assert response.json()["email"] == "ada@new.example"
    assert User.objects.get(pk=USER_ID).name == "Ada K."


@pytest.mark.django_db
def test_an_older_token_does_not_roll_the_profile_back(call_me, sign_hs256):
    call_me(sign_hs256(better_auth_claims(email="ada@new.example", updatedAt="2026-11-10T00:00:00.000Z")))

    call_me(sign_hs256(better_auth_claims(email="ada@old.example", updatedAt="2026-11-01T00:00:00.000Z")))

    assert User.objects.get(pk=USER_ID).email == "ada@new.example"


@pytest.mark.django_db
def test_an_email_another_account_proved_with_more_than_a_click_is_not_taken_over(call_me, sign_hs256):
    UserFactory(email="ada@example.com", email_verified=True, email_proof="password_reset")

    response = call_me(sign_hs256(better_auth_claims(email="ada@example.com")))

    assert response.status_code == 401
    assert response.json()["code"] == "user_conflict"
    assert "A new token will not help" in response.json()["detail"]
    assert not User.objects.filter(pk=USER_ID).exists()


@pytest.mark.django_db
def test_a_newer_email_another_account_verified_keeps_ours(call_me, sign_hs256):
    call_me(sign_hs256(better_auth_claims()))
    UserFactory(email="taken@example.com", email_verified=True)

    response = call_me(sign_hs256(better_auth_claims(email="taken@example.com", updatedAt="2026-11-10T00:00:00.000Z")))

    assert response.status_code == 200
    assert User.objects.get(pk=USER_ID).email == "ada@example.com"


@pytest.mark.django_db
def test_a_known_user_costs_one_query_every_time(call_me, sign_hs256, django_assert_num_queries):
    # Read from the database on every request, so a revocation anywhere is seen at once.
    BetterAuthUserFactory(id=USER_ID, email="ada@example.com", name="Ada Lovelace", email_verified=True)
    token = sign_hs256(better_auth_claims())

    for _ in range(2):
        with django_assert_num_queries(1):
            assert call_me(token).status_code == 200


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_requests_create_exactly_one_user(sign_hs256):
    from django.test import Client

    token = sign_hs256(better_auth_claims())
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
    assert User.objects.filter(pk=USER_ID).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, stored", [("Ada\x00 Lovelace", "Ada Lovelace"), ("Ada \ud800", "Ada ?"), ("A" * 300, "A" * 255)]
)
def test_a_name_the_database_cannot_hold_is_stored_cleaned(call_me, sign_hs256, name, stored):
    response = call_me(sign_hs256(better_auth_claims(name=name)))

    assert response.status_code == 200
    assert User.objects.get(pk=USER_ID).name == stored
