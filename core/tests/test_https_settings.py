"""With DEBUG off, cookies are secure and HTTPS is enforced; with DEBUG on, a first run works over plain HTTP."""

import json

import pytest

PRINT_HTTPS_SETTINGS = (
    "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in "
    "['SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
    "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_CONTENT_TYPE_NOSNIFF']}))"
)


def https_settings(run_manage, debug):
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        PRINT_HTTPS_SETTINGS,
        DJANGO_DEBUG=debug,
        DJANGO_SECURE_SSL_REDIRECT="false" if debug == "true" else "true",
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_enforce_https_and_secure_cookies(run_manage):
    assert https_settings(run_manage, "false") == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
    }


def test_development_settings_allow_plain_http(run_manage):
    values = https_settings(run_manage, "true")

    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


@pytest.mark.django_db
def test_a_plain_http_api_request_is_redirected_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/api/tasks/")

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_health_stays_reachable_over_plain_http_for_probes(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health").status_code == 200
