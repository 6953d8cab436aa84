"""The API under its production server (`python -m server`, granian) in child processes: one, or replicas."""

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from pytest_django.fixtures import Settings

from .http import free_port, wait_for_http
from .processes import PROJECT_ROOT, project_env

# `make serve`'s server; the tests add SERVER_BIND on loopback.
SERVER = [sys.executable, "-m", "server"]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "production-like-django-secret-key-0123456789abcdef",
    "BETTER_AUTH_SECRET": "production-like-better-auth-secret-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "SERVER_WORKERS": "2",
}

StartServer = Callable[..., tuple[subprocess.Popen, str]]


@pytest.fixture
def start_server() -> Iterator[StartServer]:
    """Start the API under the production server in a child process (or another command); stop it after.

    `{port}` in the command's arguments or in an environment value is the free
    port chosen for it.
    """
    processes = []

    def start(command: list[str] | None = None, **env: object) -> tuple[subprocess.Popen, str]:
        port = free_port()
        if command is None:
            command = SERVER
            # No drain before stopping: the tests of the drain set their own, the others need not wait it out.
            env = {"SERVER_BIND": "127.0.0.1:{port}", "SERVER_WORKERS": "1", "SERVER_DRAIN_SECONDS": "0", **env}
        argv = [part.format(port=port) for part in command]
        environment = {key: str(value).format(port=port) for key, value in env.items()}
        process = subprocess.Popen(
            argv,
            cwd=PROJECT_ROOT,
            env=project_env(**environment),
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


@pytest.fixture
def serve(start_server: StartServer, tmp_path: Path) -> StartServer:
    """Start the server as `make serve` does (`python -m server`): DEBUG off, strong secrets.

    The database is a SQLite file of the test's own: the probes only ask it to
    answer. No drain before stopping, as with `start_server`: the tests of the
    drain set their own. Answers the process (output on its stdout) and the
    base URL.
    """

    def start(**env: object) -> tuple[subprocess.Popen, str]:
        settings = {
            **PRODUCTION_ENV,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
            "SERVER_BIND": "127.0.0.1:{port}",
            "SERVER_DRAIN_SECONDS": "0",
            **env,
        }
        return start_server(SERVER, **settings)

    return start


class Replicas:
    """Instances of the API as `make serve` runs it, sharing one PostgreSQL database."""

    def __init__(self, start_server: StartServer, environment: dict[str, str]) -> None:
        self._start_server = start_server
        # What an operator's shell next to the replicas has: their database and secrets.
        self.environment = environment

    def start(self, count: int = 2, **env: object) -> list[str]:
        """The base URLs of `count` servers as `make serve` runs them, each with SERVER_WORKERS (2) workers."""
        environment = {**self.environment, "SERVER_BIND": "127.0.0.1:{port}", "SERVER_DRAIN_SECONDS": "0", **env}
        return [self._start_server(SERVER, **environment)[1] for _ in range(count)]


@pytest.fixture
def replicas(start_server: StartServer, transactional_db: None, settings: Settings) -> Replicas:
    """Replicas on this test's PostgreSQL database; the test's own process signs with their secret."""
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
