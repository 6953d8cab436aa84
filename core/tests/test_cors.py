"""Browsers on the Next.js origins may call /api/; no other origin may, and nothing outside /api/."""

import pytest
from django.http import HttpResponse

from core.checks import check_cors_allowed_origins

ALLOWED = "https://app.example.com"


@pytest.fixture(autouse=True)
def _allowed_origins(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]


def preflight(client, path, origin):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, x-request-id",
    )


def test_a_preflight_from_an_allowed_origin_may_send_the_authorization_header(client):
    response = preflight(client, "/api/tasks/", ALLOWED)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "authorization" in response["Access-Control-Allow-Headers"]
    assert "POST" in response["Access-Control-Allow-Methods"]


def test_an_unlisted_origin_gets_no_cors_headers(client):
    response = preflight(client, "/api/tasks/", "https://evil.example.net")

    assert "Access-Control-Allow-Origin" not in response


def test_cors_applies_only_under_the_api(client):
    response = preflight(client, "/admin/login/", ALLOWED)

    assert "Access-Control-Allow-Origin" not in response


def test_the_origins_come_from_the_environment(run_manage):
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings; print(settings.CORS_ALLOWED_ORIGINS)",
        DJANGO_DEBUG="true",
        CORS_ALLOWED_ORIGINS="https://a.example,https://b.example",
    )

    assert result.stdout.strip() == "['https://a.example', 'https://b.example']"


def test_a_preflight_from_an_allowed_origin_may_send_content_type_and_a_request_id(client):
    response = preflight(client, "/api/tasks/", ALLOWED)

    allowed = {name.strip() for name in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "x-request-id"} <= allowed


def test_a_preflight_from_an_allowed_origin_may_send_an_idempotency_key_and_if_match(client):
    response = client.options(
        "/api/tasks/",
        HTTP_ORIGIN=ALLOWED,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, idempotency-key, if-match",
    )

    allowed = {name.strip() for name in response["Access-Control-Allow-Headers"].split(",")}
    assert {"idempotency-key", "if-match", "if-none-match"} <= allowed
    assert "PATCH" in response["Access-Control-Allow-Methods"]


def test_a_page_on_an_allowed_origin_can_read_the_request_id_the_challenge_retry_after_and_etag(client):
    response = client.get("/api/tasks/", HTTP_ORIGIN=ALLOWED, HTTP_X_REQUEST_ID="page-42")

    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    exposed = {name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert exposed == {"x-request-id", "www-authenticate", "retry-after", "etag", "idempotent-replayed"}
    assert response["X-Request-ID"] == "page-42"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_refused_origin_is_logged_once_with_the_configured_origins(client, log_lines):
    for _ in range(3):
        client.get("/api/tasks/", HTTP_ORIGIN="http://127.0.0.1:3000", HTTP_AUTHORIZATION="Bearer secret.token.value")

    refused = [line for line in log_lines() if line.get("event") == "cors_origin_refused"]
    assert len(refused) == 1
    assert refused[0]["level"] == "WARNING"
    assert refused[0]["origin"] == "http://127.0.0.1:3000"
    assert ALLOWED in refused[0]["message"]
    assert "secret.token.value" not in log_lines.raw()


def test_an_origin_that_is_not_a_url_is_refused_without_an_error(client, log_lines):
    response = client.get("/api/tasks/", HTTP_ORIGIN="http://[")

    assert response.status_code == 401
    assert "Access-Control-Allow-Origin" not in response
    assert [line["origin"] for line in log_lines() if line.get("event") == "cors_origin_refused"] == ["http://["]


def test_allowed_and_same_origin_requests_log_no_refusal(client, log_lines, settings, db):
    settings.ALLOWED_HOSTS = ["api.example.com"]
    client.get("/api/tasks/", HTTP_ORIGIN=ALLOWED, HTTP_HOST="api.example.com")
    # Swagger UI's "Try it out" posts from the API's own origin.
    client.post(
        "/api/token/",
        {},
        content_type="application/json",
        HTTP_ORIGIN="https://api.example.com",
        HTTP_HOST="api.example.com",
    )

    assert not [line for line in log_lines() if line.get("event") == "cors_origin_refused"]


@pytest.mark.parametrize(
    "origin",
    [
        "https://app.example.com/",
        "https://app.example.com/app",
        "app.example.com",
        "https://App.Example.com",
        "https://app.example.com:port",
        "https://*.example.com",
        "ftp://app.example.com",
    ],
)
def test_an_origin_no_browser_sends_fails_the_system_check(settings, origin):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED, origin]

    errors = check_cors_allowed_origins()

    assert [error.id for error in errors] == ["core.E010"]
    assert repr(origin) in errors[0].msg


def test_origins_with_a_port_or_an_ip_pass_the_system_check(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED, "http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000"]

    assert check_cors_allowed_origins() == []


def test_a_trailing_slash_in_the_origins_stops_start_up(run_manage):
    result = run_manage("check", DJANGO_DEBUG="true", CORS_ALLOWED_ORIGINS="http://localhost:3000/")

    assert result.returncode != 0
    assert "core.E010" in result.stderr


def library_and_ours(request_factory_call):
    """The answers of django-cors-headers' own middleware and of ours to the same request, around one view."""
    import corsheaders.middleware

    from core.middleware import CorsMiddleware

    def view(request):
        response = HttpResponse("body", status=401)
        response["Vary"] = "Accept"
        return response

    return [
        middleware(view)(request_factory_call())
        for middleware in (corsheaders.middleware.CorsMiddleware, CorsMiddleware)
    ]


@pytest.mark.parametrize("path", ["/api/tasks/", "/api/orgs/x/tasks/1/", "/admin/login/", "/health"])
@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("get", {}),
        ("post", {"HTTP_AUTHORIZATION": "Bearer x"}),
        ("options", {}),
        ("options", {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST"}),
        ("get", {"HTTP_ORIGIN": ALLOWED}),
        ("get", {"HTTP_ORIGIN": "https://evil.example.net"}),
        ("options", {"HTTP_ORIGIN": ALLOWED, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST"}),
    ],
)
def test_every_request_gets_the_library_s_answer_with_or_without_an_origin(rf, path, method, headers):
    library, ours = library_and_ours(lambda: getattr(rf, method)(path, **headers))

    assert (ours.status_code, ours.content) == (library.status_code, library.content)
    assert sorted(ours.items()) == sorted(library.items())
