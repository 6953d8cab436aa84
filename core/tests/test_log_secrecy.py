"""No log line holds a token, a password or a secret, whatever the auth endpoints are sent."""

from django.conf import settings
from drf_better_auth.tokens import AccessToken

from accounts import services
from accounts.tests.factories import UserFactory

PASSWORD = "correct horse battery staple 42"
NEW_PASSWORD = "a brand new passphrase for signup 7"


def test_no_log_line_holds_a_token_a_password_or_a_secret(api_client, db, log_lines):
    person = UserFactory(email="ada@example.com", password=PASSWORD)
    tokens = []

    signed_in = api_client.post("/api/token/", {"email": person.email, "password": PASSWORD}, format="json")
    tokens += [signed_in.json()["access"], signed_in.json()["refresh"]]
    api_client.post("/api/token/", {"email": person.email, "password": PASSWORD + " typo"}, format="json")
    signed_up = api_client.post(
        "/api/auth/signup/", {"email": "grace@example.com", "password": NEW_PASSWORD}, format="json"
    )
    tokens += [signed_up.json()["access"], signed_up.json()["refresh"]]
    refreshed = api_client.post("/api/token/refresh/", {"refresh": tokens[1]}, format="json")
    tokens += [refreshed.json()["access"], refreshed.json()["refresh"]]
    # The refresh token just rotated away, refused now.
    api_client.post("/api/token/refresh/", {"refresh": tokens[1]}, format="json")
    revoked = str(AccessToken.for_user(person))
    services.user_tokens_revoke(user=person)
    api_client.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Bearer {revoked}")
    # A client that puts its token in the URL is refused, and the URL is not logged with it.
    api_client.get(f"/api/auth/me/?access_token={tokens[0]}")
    api_client.post("/api/auth/logout-all/", HTTP_AUTHORIZATION=f"Bearer {tokens[2]}")

    output = log_lines.raw()
    events = {line.get("event") for line in log_lines()}
    assert {"sign_in_succeeded", "sign_in_failed", "sign_up", "tokens_revoked"} <= events
    assert any("refusal_code" in line for line in log_lines())
    signatures = [token.rsplit(".", 1)[1] for token in [*tokens, revoked]]
    secrets = [*tokens, revoked, *signatures, PASSWORD, NEW_PASSWORD, settings.BETTER_AUTH_SECRET, settings.SECRET_KEY]
    assert [secret for secret in secrets if secret in output] == []


def test_the_development_servers_request_lines_carry_no_query_string():
    import logging

    from core.logging import DropQueryString, JSONFormatter

    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /api/tasks/?token=eyJhbGciOiJIUzI1NiJ9.e30.sig HTTP/1.1", "401", "85"),
        None,
    )

    DropQueryString().filter(record)

    line = JSONFormatter().format(record)
    assert "eyJhbGciOiJIUzI1NiJ9" not in line
    assert '\\"GET /api/tasks/ HTTP/1.1\\" 401 85' in line
