"""/api/token/*, signup and me, on SimpleJWT's wire contract."""

import jwt
import pytest
from django.conf import settings

from accounts.models import DenylistedToken, User

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a sturdy passphrase 42"


@pytest.fixture
def person():
    return UserFactory(email="person@example.com", password=PASSWORD)


def obtain(api_client, email="person@example.com", password=PASSWORD):
    return api_client.post("/api/token/", {"email": email, "password": password}, format="json")


def claims_of(token):
    return jwt.decode(token, settings.BETTER_AUTH_SECRET, algorithms=["HS256"])


def test_obtain_answers_an_access_and_a_refresh_token(api_client, person):
    response = obtain(api_client)

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    access = claims_of(response.json()["access"])
    refresh = claims_of(response.json()["refresh"])
    assert access["token_type"] == "access" and refresh["token_type"] == "refresh"
    assert access["user_id"] == access["sub"] == person.pk
    assert access["email"] == "person@example.com"
    assert access["jti"] != refresh["jti"]


def test_issued_lifetimes_are_15_minutes_and_7_days(api_client, person):
    body = obtain(api_client).json()

    access, refresh = claims_of(body["access"]), claims_of(body["refresh"])
    assert access["exp"] - access["iat"] == pytest.approx(15 * 60, abs=1)
    assert refresh["exp"] - refresh["iat"] == pytest.approx(7 * 24 * 3600, abs=1)


def test_lifetimes_are_configurable(api_client, person, settings):
    from datetime import timedelta

    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "ACCESS_TOKEN_LIFETIME": timedelta(minutes=2)}

    access = claims_of(obtain(api_client).json()["access"])

    assert access["exp"] - access["iat"] == pytest.approx(120, abs=1)


def test_the_email_is_matched_case_insensitively(api_client, person):
    assert obtain(api_client, email="PERSON@Example.com").status_code == 200


@pytest.mark.parametrize(
    "email, password",
    [("person@example.com", "wrong"), ("nobody@example.com", PASSWORD)],
    ids=["wrong password", "unknown email"],
)
def test_bad_credentials_answer_simplejwts_401(api_client, person, email, password):
    response = obtain(api_client, email=email, password=password)

    assert response.status_code == 401
    assert response.json() == {
        "detail": "No active account found with the given credentials",
        "code": "no_active_account",
    }


def test_an_inactive_user_cannot_obtain_tokens(api_client, person):
    person.is_active = False
    person.save()

    assert obtain(api_client).status_code == 401


def test_missing_fields_answer_400_with_field_errors(api_client):
    response = api_client.post("/api/token/", {}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"email", "password"}


def test_an_obtained_access_token_calls_the_api(api_client, person):
    access = obtain(api_client).json()["access"]

    response = api_client.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Bearer {access}")

    assert response.status_code == 200
    assert response.json()["email"] == "person@example.com"


def test_refresh_rotates_and_denylists_the_old_refresh_token(api_client, person):
    first = obtain(api_client).json()

    rotated = api_client.post("/api/token/refresh/", {"refresh": first["refresh"]}, format="json")

    assert rotated.status_code == 200
    assert set(rotated.json()) == {"access", "refresh"}
    assert rotated.json()["refresh"] != first["refresh"]
    assert DenylistedToken.objects.filter(jti=claims_of(first["refresh"])["jti"]).exists()
    reused = api_client.post("/api/token/refresh/", {"refresh": first["refresh"]}, format="json")
    assert reused.status_code == 401
    assert reused.json() == {"detail": "Token is blacklisted", "code": "token_not_valid"}
    again = api_client.post("/api/token/refresh/", {"refresh": rotated.json()["refresh"]}, format="json")
    assert again.status_code == 200


def test_an_access_token_cannot_be_used_to_refresh(api_client, person):
    access = obtain(api_client).json()["access"]

    response = api_client.post("/api/token/refresh/", {"refresh": access}, format="json")

    assert response.status_code == 401
    assert response.json()["detail"] == "Token has wrong type"


def test_refresh_is_refused_for_a_user_deactivated_since(api_client, person):
    refresh = obtain(api_client).json()["refresh"]
    person.is_active = False
    person.save()

    response = api_client.post("/api/token/refresh/", {"refresh": refresh}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"


def test_verify_answers_200_for_a_valid_token_and_401_otherwise(api_client, person):
    body = obtain(api_client).json()

    for token in (body["access"], body["refresh"]):
        ok = api_client.post("/api/token/verify/", {"token": token}, format="json")
        assert ok.status_code == 200 and ok.json() == {}
    bad = api_client.post("/api/token/verify/", {"token": body["access"][:-4] + "AAAA"}, format="json")
    assert bad.status_code == 401
    assert bad.json()["code"] == "token_not_valid"


def test_blacklist_denylists_a_refresh_token(api_client, person):
    refresh = obtain(api_client).json()["refresh"]

    response = api_client.post("/api/token/blacklist/", {"refresh": refresh}, format="json")

    assert response.status_code == 200 and response.json() == {}
    verify = api_client.post("/api/token/verify/", {"token": refresh}, format="json")
    assert verify.status_code == 401
    assert api_client.post("/api/token/refresh/", {"refresh": refresh}, format="json").status_code == 401


def test_signup_creates_a_user_with_a_bcrypt_password_and_answers_tokens(api_client):
    response = api_client.post(
        "/api/auth/signup/",
        {"email": "New.Person@Example.com", "password": PASSWORD, "name": "New Person"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["user"]["email"] == "new.person@example.com"
    assert body["user"]["name"] == "New Person"
    assert claims_of(body["access"])["user_id"] == body["user"]["id"]
    user = User.objects.get(pk=body["user"]["id"])
    assert user.password.startswith("bcrypt_sha256$")
    assert "password" not in body["user"]


def test_signup_refuses_an_email_taken_in_another_letter_case(api_client, person):
    response = api_client.post(
        "/api/auth/signup/", {"email": "PERSON@example.com", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert User.objects.count() == 1


def test_signup_refuses_a_weak_password(api_client):
    response = api_client.post("/api/auth/signup/", {"email": "weak@example.com", "password": "123"}, format="json")

    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert not User.objects.exists()


def test_me_answers_the_signed_in_user(client_for, person):
    response = client_for(person).get("/api/auth/me/")

    assert response.status_code == 200
    assert response.json() == {
        "id": person.pk,
        "email": "person@example.com",
        "email_verified": False,
        "name": person.name,
        "date_joined": response.json()["date_joined"],
    }


def test_token_endpoints_ignore_a_bad_bearer_header(api_client, person):
    response = api_client.post(
        "/api/token/",
        {"email": "person@example.com", "password": PASSWORD},
        format="json",
        HTTP_AUTHORIZATION="Bearer garbage",
    )

    assert response.status_code == 200
