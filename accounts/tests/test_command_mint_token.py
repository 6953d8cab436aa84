"""`manage.py mint_token`: an access token for a user, for calling the API by hand."""

from io import StringIO

import jwt
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def mint_token(*args):
    stdout = StringIO()
    call_command("mint_token", *args, stdout=stdout)
    return stdout.getvalue().strip()


def test_the_printed_token_calls_the_api_as_the_user_named_by_email(api_client):
    person = UserFactory(email="ada@example.com")

    token = mint_token("Ada@Example.com")

    response = api_client.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["id"] == person.pk


def test_a_user_can_be_named_by_id():
    person = UserFactory()

    token = mint_token(person.pk)

    claims = jwt.decode(token, settings.BETTER_AUTH_SECRET, algorithms=["HS256"])
    assert claims["sub"] == claims["user_id"] == person.pk
    assert claims["token_type"] == "access"


def test_lifetime_minutes_sets_how_long_the_token_lasts():
    person = UserFactory()

    token = mint_token(person.pk, "--lifetime-minutes", "90")

    claims = jwt.decode(token, settings.BETTER_AUTH_SECRET, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == pytest.approx(90 * 60, abs=1)


def test_a_lifetime_below_one_minute_is_refused():
    person = UserFactory()

    with pytest.raises(CommandError, match="lifetime-minutes"):
        mint_token(person.pk, "--lifetime-minutes", "0")


def test_an_unknown_email_is_a_clear_error():
    with pytest.raises(CommandError, match="No user has the email address 'nobody@example.com'"):
        mint_token("nobody@example.com")


def test_an_unknown_id_is_a_clear_error():
    with pytest.raises(CommandError, match="No user has the id 'NoSuchUser'"):
        mint_token("NoSuchUser")


def test_an_inactive_user_gets_no_token():
    UserFactory(email="gone@example.com", is_active=False)

    with pytest.raises(CommandError, match="gone@example.com is inactive"):
        mint_token("gone@example.com")
