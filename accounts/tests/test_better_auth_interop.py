"""Real Better Auth as the peer: every token shape it hands a backend is accepted, and only when genuine."""

import base64
import json

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db

SHAPES = ["hs256", "cookie_cache", "eddsa"]


@pytest.fixture
def better_auth_jwks(better_auth, settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "JWKS_URL": better_auth["jwks_url"]}
    return better_auth


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
def test_a_better_auth_token_is_accepted_and_creates_the_user(better_auth_jwks, call_me, shape):
    person = better_auth_jwks["user"]

    response = call_me(better_auth_jwks["tokens"][shape])

    assert response.status_code == 200, response.content
    assert response.json()["id"] == person["id"]
    user = User.objects.get(pk=person["id"])
    assert (user.email, user.name) == ("interop.person@example.com", "Interop Person")


def test_all_three_shapes_resolve_to_one_local_user(better_auth_jwks, call_me):
    ids = {call_me(better_auth_jwks["tokens"][shape]).json()["id"] for shape in SHAPES}

    assert ids == {better_auth_jwks["user"]["id"]}
    assert User.objects.count() == 1


@pytest.mark.parametrize("shape", SHAPES)
def test_a_tampered_better_auth_token_is_refused(better_auth_jwks, call_me, shape):
    response = call_me(tampered(better_auth_jwks["tokens"][shape]))

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Token signature is invalid",
        "code": "token_not_valid",
        "messages": [{"token_class": "AccessToken", "token_type": "access", "message": "Token signature is invalid"}],
    }
    assert not User.objects.exists()


@pytest.mark.parametrize("shape", SHAPES)
def test_an_expired_better_auth_token_is_refused(better_auth_jwks, call_me, shape):
    response = call_me(better_auth_jwks["tokens"][f"{shape}_expired"])

    assert response.status_code == 401
    assert response.json()["detail"] == "Token is expired"


@pytest.mark.parametrize("shape", ["hs256", "cookie_cache"])
def test_a_better_auth_token_signed_with_another_secret_is_refused(better_auth, call_me, shape):
    response = call_me(better_auth["tokens"][f"{shape}_other_secret"])

    assert response.status_code == 401
    assert response.json()["detail"] == "Token signature is invalid"


def test_an_eddsa_token_is_refused_when_its_key_is_not_in_our_jwks(better_auth, jwks_server, call_me):
    response = call_me(better_auth["tokens"]["eddsa"])

    assert response.status_code == 401
    assert response.json()["detail"] == "Token is signed with an unknown key"


def test_an_eddsa_token_is_refused_when_no_jwks_is_configured(better_auth, call_me):
    response = call_me(better_auth["tokens"]["eddsa"])

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


@pytest.mark.parametrize("shape", SHAPES)
def test_better_auth_tokens_pass_when_issuer_and_audience_are_enforced(better_auth_jwks, call_me, settings, shape):
    settings.SIMPLE_JWT = {
        **settings.SIMPLE_JWT,
        "ISSUER": better_auth_jwks["issuer"],
        "AUDIENCE": [better_auth_jwks["audience"]],
    }

    assert call_me(better_auth_jwks["tokens"][shape]).status_code == 200


@pytest.mark.parametrize("shape", ["hs256", "eddsa"])
def test_a_better_auth_token_for_another_audience_is_refused(better_auth_jwks, call_me, settings, shape):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "AUDIENCE": ["https://another-app.example"]}

    response = call_me(better_auth_jwks["tokens"][shape])

    assert response.status_code == 401
    assert response.json()["detail"] == "Token audience is not accepted"


def test_a_better_auth_token_from_another_issuer_is_refused(better_auth_jwks, call_me, settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "ISSUER": "https://another-app.example"}

    response = call_me(better_auth_jwks["tokens"]["hs256"])

    assert response.json()["detail"] == "Token issuer is not accepted"
