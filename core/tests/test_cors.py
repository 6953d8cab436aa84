"""Browsers on the Next.js origins may call /api/; no other origin may, and nothing outside /api/."""

import pytest

ALLOWED = "https://app.example.com"


@pytest.fixture(autouse=True)
def _allowed_origins(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]


def preflight(client, path, origin):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
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
        "shell", "--verbosity=0", "-c", "from django.conf import settings; print(settings.CORS_ALLOWED_ORIGINS)",
        DJANGO_DEBUG="true", CORS_ALLOWED_ORIGINS="https://a.example,https://b.example",
    )

    assert result.stdout.strip() == "['https://a.example', 'https://b.example']"
