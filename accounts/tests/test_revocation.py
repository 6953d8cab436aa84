"""Log out everywhere and deactivation make every earlier token fail, ours and Better Auth's."""

import time

import pytest
from drf_better_auth.tokens import AccessToken, RefreshToken

from accounts import services

from .claims import better_auth_claims
from .factories import BetterAuthUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return BetterAuthUserFactory(id="Zf3kQ9xLm2Pq8RtY1vWb4nJc7hGd5sAe", email="ada@example.com")


def test_logout_everywhere_revokes_our_and_better_auths_earlier_tokens(api_client, call_me, sign_hs256, person):
    ours = str(AccessToken.for_user(person))
    theirs = sign_hs256(better_auth_claims(iat=int(time.time()) - 1))
    assert call_me(ours).status_code == 200 and call_me(theirs).status_code == 200

    response = api_client.post("/api/auth/logout-all/", HTTP_AUTHORIZATION=f"Bearer {ours}")

    assert response.status_code == 204
    for token in (ours, theirs):
        refused = call_me(token)
        assert refused.status_code == 401
        assert refused.json()["detail"] == "Token has been revoked"


def test_a_token_issued_after_logout_everywhere_works(call_me, person):
    services.user_tokens_revoke(user=person)

    assert call_me(str(AccessToken.for_user(person))).status_code == 200


def test_a_refresh_token_issued_before_logout_everywhere_cannot_refresh(api_client, person):
    refresh = str(RefreshToken.for_user(person))
    services.user_tokens_revoke(user=person)

    response = api_client.post("/api/token/refresh/", {"refresh": refresh}, format="json")

    assert response.status_code == 401
    assert response.json()["detail"] == "Token has been revoked"


def test_deactivation_refuses_every_token_at_once(call_me, sign_hs256, person):
    ours = str(AccessToken.for_user(person))
    theirs = sign_hs256(better_auth_claims())
    assert call_me(ours).status_code == 200

    services.user_deactivate(user=person)

    for token in (ours, theirs):
        refused = call_me(token)
        assert refused.status_code == 401
        assert refused.json()["code"] == "user_inactive"


def test_deactivating_through_the_model_also_takes_effect_at_once(call_me, person):
    token = str(AccessToken.for_user(person))
    assert call_me(token).status_code == 200

    person.is_active = False
    person.save()

    assert call_me(token).json()["code"] == "user_inactive"


@pytest.mark.parametrize("token_class", [AccessToken, RefreshToken])
def test_verify_refuses_a_token_issued_before_logout_everywhere(api_client, person, token_class):
    token = str(token_class.for_user(person))
    services.user_tokens_revoke(user=person)

    response = api_client.post("/api/token/verify/", {"token": token}, format="json")

    assert response.status_code == 401
    assert response.json() == {"detail": "Token has been revoked", "code": "token_not_valid"}


@pytest.mark.parametrize("token_class", [AccessToken, RefreshToken])
def test_verify_refuses_the_tokens_of_a_deactivated_user(api_client, person, token_class):
    token = str(token_class.for_user(person))
    services.user_deactivate(user=person)

    response = api_client.post("/api/token/verify/", {"token": token}, format="json")

    assert (response.status_code, response.json()["code"]) == (401, "user_inactive")


def test_verify_accepts_a_better_auth_token_for_a_person_not_seen_yet_without_creating_them(api_client, sign_hs256):
    from accounts.models import User

    response = api_client.post("/api/token/verify/", {"token": sign_hs256(better_auth_claims())}, format="json")

    assert response.status_code == 200
    assert not User.objects.exists()
