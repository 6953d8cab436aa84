"""Sessions, CSRF, django.contrib.auth and messages run for the browser pages, not for the bearer-token API."""

import pytest
from django.core.checks import run_checks
from django.test import Client

from core.checks import BROWSER_PAGES_NEED


def test_the_admin_sign_in_page_sets_its_csrf_and_session_machinery(client, db, static_files_without_manifest):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert "csrftoken" in response.cookies
    assert response.wsgi_request.user.is_anonymous


def test_an_admin_form_posted_without_its_csrf_token_is_refused(db):
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "a@b.c", "password": "x"})

    assert response.status_code == 403


def test_an_api_request_gets_no_session_cookie_and_no_django_user(api_client, db):
    response = api_client.get("/api/tasks/", HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 401
    assert not response.cookies
    assert not hasattr(response.wsgi_request, "session")


@pytest.mark.parametrize("missing", BROWSER_PAGES_NEED)
def test_a_browser_middleware_left_out_stops_start_up(missing, settings):
    settings.BROWSER_MIDDLEWARE = [path for path in settings.BROWSER_MIDDLEWARE if path != missing]

    assert "core.E020" in {message.id for message in run_checks()}


def test_the_project_s_middleware_passes_the_check():
    assert "core.E020" not in {message.id for message in run_checks()}


def test_without_the_browser_pages_middleware_the_check_fails(settings):
    settings.MIDDLEWARE = [path for path in settings.MIDDLEWARE if path != "core.middleware.BrowserPagesMiddleware"]

    assert "core.E020" in {message.id for message in run_checks()}
