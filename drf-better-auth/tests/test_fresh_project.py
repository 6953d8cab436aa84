"""The wheel and a dozen lines of settings (tests/settings.py) accept a real Better Auth's tokens, of every shape."""

import base64
import json

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

SHAPES = ["hs256", "cookie_cache", "eddsa"]


@pytest.fixture
def jwks(better_auth, settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "JWKS_URL": better_auth["jwks_url"]}
    return better_auth


def me(api_client, token):
    return api_client.get("/me/", HTTP_AUTHORIZATION=f"Bearer {token}")


def tampered(token):
    """The same signature over a payload naming another user."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    if "user" in claims:
        claims["user"]["id"] = claims["session"]["userId"] = "AttackerControlledUserId00000000"
    else:
        claims["sub"] = claims["id"] = "AttackerControlledUserId00000000"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@pytest.mark.parametrize("shape", SHAPES)
def test_a_real_better_auth_token_signs_a_new_user_in(jwks, api_client, shape):
    response = me(api_client, jwks["tokens"][shape])

    assert response.status_code == 200, response.content
    assert response.json() == {"id": jwks["user"]["id"], "email": "interop.person@example.com"}
    assert User.objects.get().username == jwks["user"]["id"]


def test_every_shape_names_the_same_user(jwks, api_client):
    ids = {me(api_client, jwks["tokens"][shape]).json()["id"] for shape in SHAPES}

    assert ids == {jwks["user"]["id"]}
    assert User.objects.count() == 1


@pytest.mark.parametrize("shape", SHAPES)
def test_a_tampered_token_is_refused(jwks, api_client, shape):
    response = me(api_client, tampered(jwks["tokens"][shape]))

    assert response.status_code == 401
    assert response.json()["detail"] == "Token signature is invalid"
    assert not User.objects.exists()


@pytest.mark.parametrize("shape", SHAPES)
def test_an_expired_token_is_refused(jwks, api_client, shape):
    response = me(api_client, jwks["tokens"][f"{shape}_expired"])

    assert response.status_code == 401
    assert response.json()["detail"] == "Token is expired"


@pytest.mark.parametrize("shape", ["hs256", "cookie_cache"])
def test_a_token_signed_with_another_secret_is_refused(better_auth, api_client, shape):
    response = me(api_client, better_auth["tokens"][f"{shape}_other_secret"])

    assert response.status_code == 401
    assert response.json()["detail"] == "Token signature is invalid"


def test_without_a_jwks_url_eddsa_tokens_are_refused(better_auth, api_client):
    response = me(api_client, better_auth["tokens"]["eddsa"])

    assert response.status_code == 401
    assert response.json()["detail"] == "Token is signed with an algorithm this server does not accept"
