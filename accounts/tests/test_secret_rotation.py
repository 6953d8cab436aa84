"""A token signed with a previous secret passes while that secret is listed, and only then."""

import pytest

from .claims import better_auth_claims

pytestmark = pytest.mark.django_db

OLD_SECRET = "the-previous-better-auth-secret-0123456789abcdef"
NEW_SECRET = "the-current-better-auth-secret-fedcba9876543210"


@pytest.fixture
def rotated(settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "SIGNING_KEY": NEW_SECRET, "PREVIOUS_SIGNING_KEYS": [OLD_SECRET]}
    return settings


def test_a_token_signed_with_a_listed_previous_secret_passes(rotated, call_me, sign_hs256):
    assert call_me(sign_hs256(better_auth_claims(), key=OLD_SECRET)).status_code == 200


def test_the_previous_secret_fails_once_removed_from_the_list(rotated, call_me, sign_hs256):
    token = sign_hs256(better_auth_claims(), key=OLD_SECRET)
    rotated.SIMPLE_JWT = {**rotated.SIMPLE_JWT, "PREVIOUS_SIGNING_KEYS": []}

    response = call_me(token)

    assert response.status_code == 401
    assert response.json()["detail"] == "Token signature is invalid"


def test_the_current_secret_passes_and_signs_new_tokens(rotated, call_me, sign_hs256, api_client):
    import jwt

    from accounts.tests.factories import UserFactory

    assert call_me(sign_hs256(better_auth_claims(), key=NEW_SECRET)).status_code == 200
    UserFactory(email="rot@example.com", password="a sturdy passphrase 42")
    access = api_client.post(
        "/api/token/", {"email": "rot@example.com", "password": "a sturdy passphrase 42"}, format="json"
    ).json()["access"]
    assert jwt.decode(access, NEW_SECRET, algorithms=["HS256"])["token_type"] == "access"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(access, OLD_SECRET, algorithms=["HS256"])


def test_the_better_auth_secret_environment_variables_feed_the_rotation(run_manage):
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from drf_better_auth.settings import api_settings as s; print(s.SIGNING_KEY, s.PREVIOUS_SIGNING_KEYS)",
        DJANGO_DEBUG="true",
        BETTER_AUTH_SECRET=NEW_SECRET,
        BETTER_AUTH_PREVIOUS_SECRETS=f"{OLD_SECRET},another-old-secret-of-enough-length-000",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{NEW_SECRET} ['{OLD_SECRET}', 'another-old-secret-of-enough-length-000']"
