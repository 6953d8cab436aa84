"""`manage.py revoke_tokens`: log a user out everywhere, optionally deactivating them."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from drf_better_auth.tokens import AccessToken

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def revoke_tokens(*args):
    stdout = StringIO()
    call_command("revoke_tokens", *args, stdout=stdout)
    return stdout.getvalue()


def call_me(api_client, token):
    return api_client.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_token_issued_before_revocation_is_refused_but_the_user_stays_active(api_client):
    person = UserFactory(email="ada@example.com")
    token = AccessToken.for_user(person)
    assert call_me(api_client, token).status_code == 200

    output = revoke_tokens("ada@example.com")

    assert output == "Revoked all tokens of ada@example.com.\n"
    response = call_me(api_client, token)
    assert response.status_code == 401
    assert response.json()["detail"] == "Token has been revoked"
    person.refresh_from_db()
    assert person.is_active


def test_a_token_minted_after_revocation_works(api_client):
    person = UserFactory()
    revoke_tokens(person.pk)

    assert call_me(api_client, AccessToken.for_user(person)).status_code == 200


def test_deactivate_also_refuses_the_user_from_now_on(api_client):
    person = UserFactory(email="ada@example.com")
    token = AccessToken.for_user(person)

    output = revoke_tokens(person.pk, "--deactivate")

    assert output == "Deactivated ada@example.com and revoked all their tokens.\n"
    person.refresh_from_db()
    assert not person.is_active
    assert call_me(api_client, token).status_code == 401
    assert call_me(api_client, AccessToken.for_user(person)).status_code == 401


def test_an_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="No user has the email address 'nobody@example.com'"):
        revoke_tokens("nobody@example.com")
