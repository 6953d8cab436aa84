"""Fixtures shared by every app's tests; those that start processes live in `testing/`."""

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer
from rest_framework.test import APIClient

pytest_plugins = [
    "testing.layers",
    "testing.processes",
    "testing.servers",
    "testing.better_auth",
    "testing.browser",
    "testing.logs",
    "testing.passwords",
    "testing.containers",
]


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # The test client speaks plain HTTP; production redirects it to HTTPS.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(scope="session")
def _empty_static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("static_root")


@pytest.fixture(autouse=True)
def _no_collected_static_files(settings: Settings, _empty_static_root: Path) -> None:
    # whitenoise reads every file under STATIC_ROOT each time a test client
    # builds its middleware: a tenth of a second a client, once `collectstatic`
    # (`make serve`, the server tests) has filled staticfiles/. No test serves a
    # collected file in pytest's own process; the server tests do, in theirs.
    settings.STATIC_ROOT = _empty_static_root


@pytest.fixture
def metrics_counting():
    """The signals the metrics count (token refusals, JWKS fetches, lockouts) counted, as with METRICS_TOKEN set."""
    from core import metrics

    counted_already = metrics.is_enabled()
    metrics.receivers_connect()
    yield
    if not counted_already:
        metrics.receivers_disconnect()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user(db):
    from accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def static_files_without_manifest(settings):
    # With DEBUG off the project serves hashed files listed by `collectstatic`'s
    # manifest, which tests do not build; pages that link static files need the
    # plain storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def plain_http_live_server(transactional_db, settings, static_files_without_manifest):
    """A live server of this test's own, at http://127.0.0.1:<port>.

    pytest-django's session-wide `live_server` builds its middleware once, before
    any test's settings apply, so it would redirect every request to https. This
    one starts after them and shares the test database (`transactional_db`).
    """
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    server = LiveServer("127.0.0.1")
    yield server
    server.stop()


@pytest.fixture
def client_for(db):
    """An API client that calls as the given user, with a real bearer token."""

    def make(user):
        from drf_better_auth.tokens import AccessToken

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
        return client

    return make
