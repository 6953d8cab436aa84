"""Sign-ins, refused tokens and revocations are logged as events a person can search for."""

import pytest
from drf_better_auth.tokens import AccessToken

from accounts import services
from accounts.tests.factories import UserFactory

PASSWORD = "correct horse battery staple 42"


def events(log_lines, name):
    return [line for line in log_lines() if line.get("event") == name]


@pytest.fixture
def person(db):
    return UserFactory(email="ada@example.com", password=PASSWORD)


def test_a_successful_sign_in_is_logged_with_the_user_id(api_client, person, log_lines):
    api_client.post("/api/token/", {"email": "ada@example.com", "password": PASSWORD}, format="json")

    [event] = events(log_lines, "sign_in_succeeded")
    assert event["user_id"] == person.pk
    assert event["logger"] == "accounts.auth"


def test_a_failed_sign_in_is_logged(api_client, person, log_lines):
    api_client.post("/api/token/", {"email": "ada@example.com", "password": "a wrong guess"}, format="json")

    assert len(events(log_lines, "sign_in_failed")) == 1
    assert events(log_lines, "sign_in_succeeded") == []


def revoked(person):
    token = str(AccessToken.for_user(person))
    services.user_tokens_revoke(user=person)
    return token


def deactivated(person):
    token = str(AccessToken.for_user(person))
    services.user_deactivate(user=person)
    return token


@pytest.mark.parametrize(
    ("make_token", "code", "reason"),
    [
        (lambda person: "not-a-token", "token_not_valid", "Token is malformed"),
        (revoked, "token_not_valid", "Token has been revoked"),
        (deactivated, "user_inactive", "User is inactive"),
    ],
    ids=["malformed", "revoked", "inactive-user"],
)
def test_a_refused_token_is_on_its_access_line_with_its_reason_code(
    api_client, person, log_lines, make_token, code, reason
):
    token = make_token(person)

    response = api_client.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 401
    [line] = [line for line in log_lines() if "refusal_code" in line]
    assert (line["event"], line["refusal_code"], line["refusal_reason"]) == ("http_request", code, reason)
    assert line["request_id"] == response["X-Request-ID"]


def test_logging_out_everywhere_is_logged_with_the_user_id(client_for, person, log_lines):
    client_for(person).post("/api/auth/logout-all/")

    [event] = events(log_lines, "tokens_revoked")
    assert event["user_id"] == person.pk
