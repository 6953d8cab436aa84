"""Real djangorestframework-simplejwt as the peer: its tokens work here, ours pass its checks."""

import pytest
from rest_framework.test import APIRequestFactory
from rest_framework_simplejwt import tokens as simplejwt_tokens
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.backends import TokenBackend

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a sturdy passphrase 42"


@pytest.fixture
def person():
    return UserFactory(email="sj@example.com", password=PASSWORD)


def test_an_access_token_minted_by_simplejwt_calls_our_api(call_me, person):
    token = simplejwt_tokens.AccessToken.for_user(person)

    response = call_me(str(token))

    assert response.status_code == 200
    assert response.json()["id"] == person.pk


def test_a_refresh_token_minted_by_simplejwt_refreshes_at_our_endpoint(api_client, person):
    refresh = simplejwt_tokens.RefreshToken.for_user(person)

    response = api_client.post("/api/token/refresh/", {"refresh": str(refresh)}, format="json")

    assert response.status_code == 200
    assert simplejwt_tokens.AccessToken(response.json()["access"])["user_id"] == person.pk


def test_a_simplejwt_token_signed_with_another_key_is_refused(call_me, person):
    payload = simplejwt_tokens.AccessToken.for_user(person).payload
    foreign = TokenBackend("HS256", signing_key="some-other-service-key-0123456789abcdef").encode(payload)

    response = call_me(foreign)

    assert response.status_code == 401
    assert response.json()["detail"] == "Token signature is invalid"


def test_tokens_from_our_endpoints_pass_simplejwts_verification(api_client, person):
    body = api_client.post("/api/token/", {"email": "sj@example.com", "password": PASSWORD}, format="json").json()

    access = simplejwt_tokens.AccessToken(body["access"])
    refresh = simplejwt_tokens.RefreshToken(body["refresh"])

    assert access["user_id"] == refresh["user_id"] == person.pk
    assert access["token_type"] == "access" and refresh["token_type"] == "refresh"


def test_simplejwts_authentication_class_accepts_our_access_token(api_client, person):
    access = api_client.post("/api/token/", {"email": "sj@example.com", "password": PASSWORD}, format="json").json()[
        "access"
    ]
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {access}")

    user, validated = JWTAuthentication().authenticate(request)

    assert user.pk == person.pk
    assert validated["email"] == "sj@example.com"


def test_simplejwt_refuses_our_expired_token_just_as_we_do(call_me, person, settings):
    from datetime import timedelta

    from drf_better_auth.tokens import AccessToken

    settings.SIMPLE_JWT = {
        **settings.SIMPLE_JWT,
        "ACCESS_TOKEN_LIFETIME": timedelta(seconds=-60),
        "LEEWAY": timedelta(0),
    }
    expired = str(AccessToken.for_user(person))

    with pytest.raises(simplejwt_tokens.TokenError):
        simplejwt_tokens.AccessToken(expired)
    assert call_me(expired).json()["detail"] == "Token is expired"
