"""POST /api/auth/password/change/: a local account's new password after its current one; every earlier token fails."""

import pytest
from drf_better_auth.serializers import token_pair_for
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from accounts.models import User

from .factories import BetterAuthUserFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/auth/password/change/"
PASSWORD = "ada's own passphrase 19"
NEW_PASSWORD = "a brand new passphrase 84"


@pytest.fixture
def ada():
    return UserFactory(email="ada@example.com", password=PASSWORD, email_verified=True)


def change(client, current=PASSWORD, new=NEW_PASSWORD, **extra):
    return client.post(URL, {"current_password": current, "new_password": new}, format="json", **extra)


def sign_in(api_client, password):
    return api_client.post("/api/token/", {"email": "ada@example.com", "password": password}, format="json")


def test_the_new_password_signs_in_the_old_one_no_longer_and_a_fresh_pair_comes_back(ada, client_for, api_client):
    response = change(client_for(ada))

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    assert sign_in(api_client, NEW_PASSWORD).status_code == 200
    assert sign_in(api_client, PASSWORD).status_code == 401


def test_every_earlier_token_fails_and_the_fresh_pair_works(ada, client_for, api_client):
    earlier = client_for(ada)
    earlier_refresh = token_pair_for(ada)["refresh"]

    fresh = change(earlier).json()

    assert earlier.get("/api/auth/me/").status_code == 401
    assert api_client.post("/api/token/refresh/", {"refresh": earlier_refresh}, format="json").status_code == 401
    assert api_client.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Bearer {fresh['access']}").status_code == 200
    assert api_client.post("/api/token/refresh/", {"refresh": fresh["refresh"]}, format="json").status_code == 200


def test_no_log_line_holds_the_address_or_a_password(ada, client_for, caplog):
    import logging

    with caplog.at_level(logging.DEBUG):
        change(client_for(ada), current="a wrong guess 0")
        change(client_for(ada))

    lines = [str(vars(record)) for record in caplog.records]
    assert any("password_changed" in line for line in lines)
    assert not [
        line
        for line in lines
        if any(text in line for text in ("ada@example.com", PASSWORD, NEW_PASSWORD, "a wrong guess"))
    ]


def test_a_wrong_current_password_changes_nothing(ada, client_for, api_client):
    response = change(client_for(ada), current="a wrong guess 0")

    assert (response.status_code, response.json()["code"]) == (400, "password_incorrect")
    assert User.objects.get(pk=ada.pk).check_password(PASSWORD)
    assert client_for(ada).get("/api/auth/me/").status_code == 200


def test_a_new_password_the_validators_refuse_is_a_400_naming_it(ada, client_for):
    response = change(client_for(ada), new="123")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["new_password"]
    assert User.objects.get(pk=ada.pk).check_password(PASSWORD)


def test_wrong_current_passwords_lock_the_ip_out_as_at_sign_in(ada, client_for, settings):
    signed_in = client_for(ada)
    answers = [
        change(signed_in, current=f"guess {n}", REMOTE_ADDR="192.0.2.9").status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]

    locked = change(signed_in, REMOTE_ADDR="192.0.2.9")

    assert answers == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert (locked.status_code, locked.json()["code"]) == (429, "sign_in_locked")
    assert User.objects.get(pk=ada.pk).check_password(PASSWORD)


def test_changes_are_throttled_at_the_sign_in_rate(ada, client_for, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "2/min"},
    }
    signed_in = client_for(ada)

    answers = [change(signed_in, current="a wrong guess", REMOTE_ADDR=f"192.0.2.{n}").status_code for n in range(3)]

    assert answers == [400, 400, 429]


def test_a_better_auth_identity_changes_its_password_in_better_auth(client_for):
    identity = BetterAuthUserFactory(email="ada@example.com")

    response = change(client_for(identity))

    assert (response.status_code, response.json()["code"]) == (409, "password_managed_by_better_auth")
    assert not User.objects.get(pk=identity.pk).has_usable_password()


def test_a_stranger_changes_only_their_own_password(ada, client_for, api_client):
    mallory = UserFactory(email="mallory@example.com", password="mallory's passphrase 7")

    with_victims_password = change(client_for(mallory), current=PASSWORD)

    assert (with_victims_password.status_code, with_victims_password.json()["code"]) == (400, "password_incorrect")
    assert User.objects.get(pk=ada.pk).check_password(PASSWORD)
    assert client_for(ada).get("/api/auth/me/").status_code == 200


def test_changing_needs_a_signed_in_account(api_client, ada):
    assert change(api_client).status_code == 401


class TestAnyPasswordChangeBodyAnswersA2xxOr4xx(HypothesisTestCase):
    @hypothesis_settings(max_examples=40, deadline=None)
    @given(
        body=st.one_of(
            st.dictionaries(
                st.sampled_from(["current_password", "new_password", "extra"]),
                st.one_of(st.text(max_size=1200), st.integers(), st.none(), st.booleans(), st.lists(st.integers())),
            ),
            st.lists(st.integers(), max_size=3),
            st.text(max_size=20),
        )
    )
    def test_whatever_body_arrives_the_answer_is_never_a_5xx(self, body):
        from drf_better_auth.tokens import AccessToken
        from rest_framework.test import APIClient

        user = UserFactory()  # no usable password: every current password is wrong
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")

        response = client.post(URL, body, format="json")

        assert 400 <= response.status_code < 500, response.content
        assert "code" in response.json()
