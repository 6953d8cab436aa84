"""Fixtures shared by every app's tests."""

import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer
from rest_framework.test import APIClient

PROJECT_ROOT = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ENSURE_CHROMIUM = PROJECT_ROOT / "scripts" / "ensure-chromium"


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # The test client speaks plain HTTP; production redirects it to HTTPS.
    settings.SECURE_SSL_REDIRECT = False


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (make test does)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


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


@pytest.fixture(scope="module")
def chromium_installed():
    missing = not (CHROMIUM.exists() and CHROMEDRIVER.exists())
    if missing and os.geteuid() != 0:
        pytest.skip("Chromium is not installed and only root can install it (scripts/ensure-chromium)")
    if missing:
        subprocess.run([str(ENSURE_CHROMIUM)], check=True, timeout=900)


@pytest.fixture
def browser(chromium_installed, tmp_path):
    """Debian's headless Chromium under Selenium, with a fresh profile; nothing is downloaded."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]:
        options.add_argument(argument)
    # Every request a page makes, so a test can prove none left this machine.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # The service path keeps Selenium Manager (which downloads drivers) out of it.
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def client_for(db):
    """An API client that calls as the given user, with a real bearer token."""

    def make(user):
        from drf_better_auth.tokens import AccessToken

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
        return client

    return make


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url, timeout=30.0, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def project_env(**overrides):
    """The environment of a child process running this project."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECURE_SSL_REDIRECT="false",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


@pytest.fixture
def run_manage():
    """Run `manage.py` in a child process, as an operator would."""

    def run(*args, timeout=120, **env):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_ROOT,
            env=project_env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


@pytest.fixture
def start_server():
    """Start the API under the production server in a child process (or another command); stop it after.

    `{port}` in the command's arguments or in an environment value is the free
    port chosen for it.
    """
    processes = []

    def start(command=None, **env):
        port = free_port()
        if command is None:
            command = SERVER
            # No drain before stopping: the tests of the drain set their own, the others need not wait it out.
            env = {"SERVER_BIND": "127.0.0.1:{port}", "SERVER_WORKERS": "1", "SERVER_DRAIN_SECONDS": "0", **env}
        argv = [part.format(port=port) for part in command]
        env = {key: str(value).format(port=port) for key, value in env.items()}
        process = subprocess.Popen(
            argv,
            cwd=PROJECT_ROOT,
            env=project_env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(process)
        base_url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base_url}/health", process=process)
        return process, base_url

    yield start
    # All stop at once: each may take its graceful shutdown's time.
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


# `make serve`'s server (the server package, granian); the tests add SERVER_BIND on loopback.
SERVER = [sys.executable, "-m", "server"]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "production-like-django-secret-key-0123456789abcdef",
    "BETTER_AUTH_SECRET": "production-like-better-auth-secret-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "SERVER_WORKERS": "2",
}


BETTER_AUTH_HARNESS = PROJECT_ROOT / "interop" / "better-auth" / "harness.mjs"


def run_better_auth(command, request, timeout=60):
    """Start the Node harness driving a real Better Auth; answer its process and its JSON line."""
    stderr = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        ["node", str(BETTER_AUTH_HARNESS), command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    process.stdin.write(json.dumps(request) + "\n")
    process.stdin.flush()
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        stderr.seek(0)
        raise RuntimeError(f"Better Auth harness '{command}' gave no answer:\n{stderr.read()[-4000:]}")
    return process, json.loads(line)


@pytest.fixture(scope="session")
def better_auth():
    """Tokens minted by a real Better Auth for one signed-up user, with its JWKS served on loopback."""
    from django.conf import settings

    process, minted = run_better_auth(
        "mint",
        {
            "secret": settings.BETTER_AUTH_SECRET,
            "other_secret": "a-different-better-auth-secret-0123456789abcdef",
            "base_url": "http://localhost:3000",
            "email": "Interop.Person@Example.com",
            "password": "interop passphrase 42",
            "name": "Interop Person",
        },
    )
    yield minted
    process.stdin.close()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def better_auth_database():
    """Fresh databases on the test PostgreSQL server, filled by a real Better Auth (PostgreSQL only).

    `create(users)` makes a database, runs Better Auth's migrations in it and
    signs each `{"email", "password", "name"}` up through Better Auth; it
    answers the database URL and the users as Better Auth reported them.
    Every database made is dropped at the end of the session.
    """
    import secrets
    from urllib.parse import quote

    import psycopg
    from django.conf import settings
    from django.db import connection
    from psycopg import sql

    server = connection.settings_dict
    credentials = f"{quote(server['USER'], safe='')}:{quote(server['PASSWORD'], safe='')}"
    server_url = f"postgresql://{credentials}@{server['HOST'] or 'localhost'}:{server['PORT'] or 5432}"
    names = []

    def administer(statement, name):
        # CREATE/DROP DATABASE cannot run inside a transaction.
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL(statement).format(sql.Identifier(name)))

    def create(users):
        name = f"better_auth_import_{secrets.token_hex(6)}"
        administer("CREATE DATABASE {}", name)
        names.append(name)
        url = f"{server_url}/{name}"
        process, seeded = run_better_auth(
            "seed-postgres",
            {
                "secret": settings.BETTER_AUTH_SECRET,
                "base_url": "http://localhost:3000",
                "database_url": url,
                "users": users,
            },
        )
        if process.wait(timeout=60) != 0:
            raise RuntimeError(f"Better Auth harness 'seed-postgres' exited with {process.returncode}")
        return url, seeded["users"]

    yield create
    for name in names:
        administer("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


class Replicas:
    """Instances of the API as `make serve` runs it, sharing one PostgreSQL database."""

    def __init__(self, start_server, environment):
        self._start_server = start_server
        # What an operator's shell next to the replicas has: their database and secrets.
        self.environment = environment

    def start(self, count=2, **env):
        """The base URLs of `count` servers as `make serve` runs them, each with SERVER_WORKERS (2) workers."""
        environment = {**self.environment, "SERVER_BIND": "127.0.0.1:{port}", "SERVER_DRAIN_SECONDS": "0", **env}
        return [self._start_server(SERVER, **environment)[1] for _ in range(count)]


@pytest.fixture
def replicas(start_server, transactional_db, settings):
    """Replicas on this test's PostgreSQL database; the test's own process signs with their secret."""
    from urllib.parse import quote

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("replicas share a PostgreSQL database")
    secret = PRODUCTION_ENV["BETTER_AUTH_SECRET"]
    settings.BETTER_AUTH_SECRET = secret
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "SIGNING_KEY": secret}
    database = connection.settings_dict
    credentials = f"{quote(database['USER'], safe='')}:{quote(database['PASSWORD'], safe='')}"
    host = f"{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}"
    return Replicas(
        start_server, {**PRODUCTION_ENV, "DATABASE_URL": f"postgres://{credentials}@{host}/{database['NAME']}"}
    )


def http(method, url, *, token=None, body=None, timeout=10):
    """One request on a new connection; answers (status, parsed JSON body or None)."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    return status, json.loads(payload) if payload else None
