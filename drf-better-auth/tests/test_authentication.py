"""The authentication class: the header, the user through the rules, SimpleJWT's 401 bodies, one log line."""

import logging

import pytest
from django.contrib.auth.models import User
from drf_better_auth.authentication import BetterAuthJWTAuthentication
from drf_better_auth.signals import token_refused
from drf_better_auth.tokens import AccessToken

from .conftest import USER_ID, better_auth_claims, sign

pytestmark = pytest.mark.django_db


def plain_me(api_client, authorization):
    return api_client.get("/plain-me/", HTTP_AUTHORIZATION=authorization)


def test_a_better_auth_token_creates_its_user_on_first_sight(api_client):
    response = plain_me(api_client, f"Bearer {sign(better_auth_claims())}")

    assert response.status_code == 200
    user = User.objects.get(username=USER_ID)
    assert (user.email, user.has_usable_password()) == ("ada@example.com", False)


def test_a_token_we_issued_names_an_existing_user_only(api_client):
    ada = User.objects.create(username=USER_ID)
    token = AccessToken.for_user(ada)
    ada.delete()

    response = plain_me(api_client, f"Bearer {token}")

    assert response.status_code == 401
    assert response.json() == {"detail": "User not found", "code": "user_not_found"}


def test_an_inactive_user_is_refused(api_client):
    User.objects.create(username=USER_ID, is_active=False)

    response = plain_me(api_client, f"Bearer {sign(better_auth_claims())}")

    assert (response.status_code, response.json()["code"]) == (401, "user_inactive")


def test_a_user_id_the_user_field_cannot_hold_is_refused(api_client, settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "USER_ID_FIELD": "id"}

    response = plain_me(api_client, f"Bearer {sign(better_auth_claims())}")

    assert response.status_code == 401
    assert response.json()["detail"] == "Token contained no recognizable user identification"


def test_a_refused_token_answers_simplejwt_s_body_and_challenge(api_client):
    response = plain_me(api_client, f"Bearer {sign(better_auth_claims(), key='x' * 40)}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {
        "detail": "Token signature is invalid",
        "code": "token_not_valid",
        "messages": [{"token_class": "AccessToken", "token_type": "access", "message": "Token signature is invalid"}],
    }


@pytest.mark.parametrize(
    "authorization, status, code",
    [
        ("", 401, None),
        ("Basic dXNlcjpwYXNz", 401, None),
        ("bearer abc", 401, "bad_authorization_header"),
        ("Bearer", 401, "bad_authorization_header"),
        ("Bearer a b", 401, "bad_authorization_header"),
        ("Token", 401, "bad_authorization_header"),
    ],
    ids=["none", "other-scheme", "lower-case", "no-token", "three-parts", "lone-word"],
)
def test_the_header_is_read_as_simplejwt_reads_it(api_client, authorization, status, code):
    response = plain_me(api_client, authorization)

    # DRF's own NotAuthenticated carries no code in its default body.
    assert (response.status_code, response.json().get("code")) == (status, code)


def test_a_refusal_is_logged_by_reason_never_with_the_token(api_client, caplog):
    token = sign(better_auth_claims(), key="x" * 40)

    with caplog.at_level(logging.INFO, logger="drf_better_auth.refusals"):
        plain_me(api_client, f"Bearer {token}")

    [record] = [record for record in caplog.records if getattr(record, "event", None) == "token_refused"]
    assert (record.code, record.reason) == ("token_not_valid", "Token signature is invalid")
    assert token not in caplog.text


def test_a_refusal_sends_token_refused_with_its_code_and_reason(api_client):
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    token_refused.connect(receiver)
    try:
        plain_me(api_client, f"Bearer {sign(better_auth_claims(), key='x' * 40)}")
        plain_me(api_client, "bearer abc")
    finally:
        token_refused.disconnect(receiver)

    assert [(sender, kwargs["code"], kwargs["reason"]) for sender, kwargs in received] == [
        (BetterAuthJWTAuthentication, "token_not_valid", "Token signature is invalid"),
        (
            BetterAuthJWTAuthentication,
            "bad_authorization_header",
            "Authorization header must start with 'Bearer' (case-sensitive)",
        ),
    ]
