"""Moving a local account to a new address: asked while signed in, with the password; done when the new address
confirms.
"""

import pytest
from django.core import mail
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from accounts.models import User

from .factories import BetterAuthUserFactory, UserFactory
from .mailed_links import link_in

pytestmark = pytest.mark.django_db

PASSWORD = "ada's own passphrase 19"
CHANGE_URL = "/api/auth/email/change/"
CONFIRM_URL = "/api/auth/email/change/confirm/"


@pytest.fixture
def ada():
    return UserFactory(email="ada@example.com", password=PASSWORD, email_verified=True)


def ask(client, new_email="ada@new.example", password=PASSWORD):
    return client.post(CHANGE_URL, {"new_email": new_email, "current_password": password}, format="json")


def confirmation_to(address):
    [message] = [message for message in mail.outbox if message.to == [address]]
    return link_in(message)


def confirm(api_client, link):
    return api_client.post(CONFIRM_URL, link.body(), format="json")


def test_nothing_changes_until_the_new_address_confirms_then_every_earlier_token_fails(ada, client_for, api_client):
    signed_in = client_for(ada)

    asked = ask(signed_in, " Ada@New.Example ")

    assert asked.status_code == 202
    assert User.objects.get(pk=ada.pk).email == "ada@example.com"
    assert signed_in.get("/api/auth/me/").status_code == 200
    confirmed = confirm(api_client, confirmation_to("ada@new.example"))
    assert confirmed.status_code == 200
    assert (confirmed.json()["email"], confirmed.json()["email_verified"]) == ("ada@new.example", True)
    assert User.objects.get(pk=ada.pk).email_proof == "email_change"
    assert signed_in.get("/api/auth/me/").status_code == 401


def test_the_old_address_is_told_without_being_told_the_new_one(ada, client_for):
    ask(client_for(ada))

    [notice] = [message for message in mail.outbox if message.to == ["ada@example.com"]]
    assert "another address" in notice.body
    assert "ada@new.example" not in notice.body


def test_the_answer_is_the_same_whether_or_not_the_new_address_is_taken(ada, client_for):
    UserFactory(email="taken@example.com")

    free = ask(client_for(ada), "free@example.com")
    taken = ask(client_for(ada), "taken@example.com")

    assert (free.status_code, free.json()) == (taken.status_code, taken.json())
    [note] = [message for message in mail.outbox if message.to == ["taken@example.com"]]
    assert "Another account already uses this address" in note.body
    assert "http" not in note.body


def test_the_link_works_once(ada, client_for, api_client):
    ask(client_for(ada))
    link = confirmation_to("ada@new.example")
    confirm(api_client, link)

    again = confirm(api_client, link)

    assert (again.status_code, again.json()["code"]) == (400, "invalid_link")


@pytest.mark.parametrize("cancel", ["password reset", "sign out everywhere"])
def test_a_password_reset_or_signing_out_everywhere_cancels_a_pending_change(ada, client_for, api_client, cancel):
    ask(client_for(ada))
    link = confirmation_to("ada@new.example")
    if cancel == "password reset":
        api_client.post("/api/auth/password-reset/", {"email": "ada@example.com"}, format="json")
        reset = link_in([message for message in mail.outbox if message.subject == "Reset your password"][0])
        api_client.post(
            "/api/auth/password-reset/confirm/", reset.body(new_password="another passphrase 77"), format="json"
        )
    else:
        client_for(ada).post("/api/auth/logout-all/")

    response = confirm(api_client, link)

    assert response.json()["code"] == "invalid_link"
    assert User.objects.get(pk=ada.pk).email == "ada@example.com"


def test_a_link_for_another_account_or_altered_fails(ada, client_for, api_client):
    other = UserFactory(email="grace@example.com", password=PASSWORD)
    ask(client_for(ada))
    link = confirmation_to("ada@new.example")
    from accounts.links import uid_of

    for body in ({"uid": uid_of(other), "token": link.token}, {"uid": link.uid, "token": link.token[:-2] + "xx"}):
        response = api_client.post(CONFIRM_URL, body, format="json")
        assert (response.status_code, response.json()["code"]) == (400, "invalid_link")


def test_a_wrong_password_or_the_same_address_is_a_clear_400_and_mails_nothing(ada, client_for):
    wrong = ask(client_for(ada), password="a wrong guess 0")
    same = ask(client_for(ada), "ADA@example.com")

    assert (wrong.status_code, wrong.json()["code"]) == (400, "password_incorrect")
    assert (same.status_code, "new_email" in same.json()["errors"]) == (400, True)
    assert mail.outbox == []


def test_a_better_auth_identity_changes_its_address_in_better_auth(client_for):
    identity = BetterAuthUserFactory(email="ada@example.com")

    response = ask(client_for(identity))

    assert (response.status_code, response.json()["code"]) == (409, "email_managed_by_better_auth")
    assert mail.outbox == []


def test_asking_needs_a_signed_in_account(api_client):
    response = ask(api_client)

    assert response.status_code == 401


class TestConfirmingAnythingAnswersAClear4xx(HypothesisTestCase):
    @hypothesis_settings(max_examples=60, deadline=None)
    @given(
        body=st.dictionaries(
            st.sampled_from(["uid", "token", "extra"]), st.one_of(st.text(max_size=1200), st.integers(), st.none())
        )
    )
    def test_whatever_body_arrives_the_answer_is_a_4xx(self, body):
        from rest_framework.test import APIClient

        response = APIClient().post(CONFIRM_URL, body, format="json")

        assert 400 <= response.status_code < 500, response.content


def test_wrong_passwords_lock_the_ip_out_as_sign_in_does(ada, client_for, settings):
    signed_in = client_for(ada)
    answers = [ask(signed_in, password=f"guess number {n}").status_code for n in range(settings.AXES_FAILURE_LIMIT)]

    # The right password, from the locked IP.
    locked = ask(signed_in)

    assert answers == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert (locked.status_code, locked.json()["code"]) == (429, "sign_in_locked")
    assert [message for message in mail.outbox if message.to == ["ada@new.example"]] == []
