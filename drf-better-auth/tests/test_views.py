"""The token endpoints on SimpleJWT's contract, with the default rules (Django's User, the cache as blacklist)."""

import pytest
from django.contrib.auth.models import User
from drf_better_auth.exceptions import TokenError
from drf_better_auth.tokens import AccessToken, RefreshToken

from .conftest import USER_ID, better_auth_claims, sign

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def ada():
    return User.objects.create_user(username=USER_ID, email="ada@example.com", password=PASSWORD)


def post(api_client, path, body):
    return api_client.post(path, body, format="json")


def pair(api_client):
    response = post(api_client, "/token/", {"username": USER_ID, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()


def test_credentials_obtain_a_pair_that_signs_in(api_client, ada):
    tokens = pair(api_client)

    assert set(tokens) == {"access", "refresh"}
    assert api_client.get("/me/", HTTP_AUTHORIZATION=f"Bearer {tokens['access']}").json()["id"] == USER_ID
    ada.refresh_from_db()
    assert ada.last_login is not None


@pytest.mark.parametrize("password", ["wrong", None])
def test_wrong_credentials_answer_simplejwt_s_401(api_client, ada, password):
    if password is None:
        ada.is_active = False
        ada.save()
    response = post(api_client, "/token/", {"username": USER_ID, "password": password or PASSWORD})

    assert response.status_code == 401
    assert response.json() == {
        "detail": "No active account found with the given credentials",
        "code": "no_active_account",
    }


def test_the_obtain_body_asks_for_the_user_model_s_username_field_first(api_client, ada):
    response = post(api_client, "/token/", {"password": PASSWORD})

    assert response.status_code == 400
    assert list(response.json()) == ["username"]


def test_a_refresh_rotates_and_blacklists_the_token_it_spent(api_client, ada):
    refresh = pair(api_client)["refresh"]

    rotated = post(api_client, "/token/refresh/", {"refresh": refresh})
    again = post(api_client, "/token/refresh/", {"refresh": refresh})

    assert rotated.status_code == 200 and set(rotated.json()) == {"access", "refresh"}
    assert again.status_code == 401
    assert again.json()["detail"] == "Token is blacklisted"


def test_without_rotation_a_refresh_gives_an_access_token_until_blacklisted(api_client, ada, settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "ROTATE_REFRESH_TOKENS": False}
    refresh = pair(api_client)["refresh"]

    first = post(api_client, "/token/refresh/", {"refresh": refresh})
    assert first.status_code == 200 and set(first.json()) == {"access"}

    assert post(api_client, "/token/blacklist/", {"refresh": refresh}).status_code == 200
    assert post(api_client, "/token/blacklist/", {"refresh": refresh}).json()["detail"] == "Token is blacklisted"
    assert post(api_client, "/token/refresh/", {"refresh": refresh}).status_code == 401


def test_an_access_token_is_no_refresh_token(api_client, ada):
    response = post(api_client, "/token/refresh/", {"refresh": pair(api_client)["access"]})

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_verify_answers_whether_the_token_would_be_accepted_now(api_client, ada):
    tokens = pair(api_client)
    better_auth_stranger = sign(better_auth_claims(sub="someoneNew", id="someoneNew"))

    for token in (tokens["access"], tokens["refresh"], better_auth_stranger):
        assert post(api_client, "/token/verify/", {"token": token}).json() == {}
    assert not User.objects.filter(username="someoneNew").exists()

    post(api_client, "/token/blacklist/", {"refresh": tokens["refresh"]})
    assert post(api_client, "/token/verify/", {"token": tokens["refresh"]}).status_code == 401
    ada.is_active = False
    ada.save()
    assert post(api_client, "/token/verify/", {"token": tokens["access"]}).json()["code"] == "user_inactive"
    ada.delete()
    assert post(api_client, "/token/verify/", {"token": tokens["access"]}).json()["code"] == "user_not_found"


def test_the_rules_are_the_app_s(api_client, ada, settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "TOKEN_ACCEPTED_RULE": "tests.test_views.refuse_everyone"}

    response = api_client.get("/me/", HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(ada)}")

    assert response.json()["detail"] == "Nobody today"


def test_a_custom_serializer_setting_is_used(api_client, ada, settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "TOKEN_VERIFY_SERIALIZER": "tests.test_views.AlwaysValid"}

    assert post(api_client, "/token/verify/", {"anything": 1}).json() == {"valid": True}


def refuse_everyone(*, user, identity):
    raise TokenError("Nobody today")


class AlwaysValid:
    def __init__(self, data, context):
        self.validated_data = {"valid": True}

    def is_valid(self, raise_exception):
        return True


def test_blacklisting_reads_the_token_id():
    refresh = RefreshToken()

    from drf_better_auth.users import blacklist, blacklist_check

    blacklist_check(jti=refresh.jti)
    blacklist(refresh=refresh)
    with pytest.raises(TokenError):
        blacklist_check(jti=refresh.jti)
