"""A real Better Auth, driven through the Node harness (interop/better-auth/harness.mjs)."""

import json
import secrets
import select
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

import jwt
import pytest
from pytest_django.fixtures import Settings

from .processes import PROJECT_ROOT


def better_auth_token(secret: str, user_id: str | None = None) -> str:
    """A token as Better Auth's jwt plugin signs it (HS256, the shared secret), for a new person by default."""
    user_id = user_id or secrets.token_urlsafe(16)
    now = int(time.time())
    claims = {
        "id": user_id,
        "sub": user_id,
        "email": f"{user_id.lower()}@example.com",
        "name": "Test Person",
        "emailVerified": True,
        "image": None,
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": "2026-11-01T10:00:00.000Z",
        "iat": now,
        "exp": now + 3600,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


BETTER_AUTH_HARNESS = PROJECT_ROOT / "interop" / "better-auth" / "harness.mjs"
# How long one step of the harness may take before the test gives up on it.
STEP_TIMEOUT = 30


def run_better_auth(command: str, request: dict, timeout: float = 60) -> tuple[subprocess.Popen[str], dict]:
    """Start the Node harness driving a real Better Auth; answer its process and its JSON line."""
    stderr = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        ["node", str(BETTER_AUTH_HARNESS), command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    line = exchange(process, request, timeout)
    if not line:
        process.kill()
        stderr.seek(0)
        raise RuntimeError(f"Better Auth harness '{command}' gave no answer:\n{stderr.read()[-4000:]}")
    return process, json.loads(line)


def stop(process: subprocess.Popen[str]) -> None:
    """Close the harness's input, which ends it; kill it if it lingers."""
    pipes(process)[0].close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def answer(process: subprocess.Popen[str], step: str, **arguments: Any) -> dict | None:
    """Send one step to a running harness; answers its JSON line, or None when none came in time."""
    line = exchange(process, {"do": step, **arguments}, STEP_TIMEOUT)
    return json.loads(line) if line else None


def exchange(process: subprocess.Popen[str], message: dict, timeout: float) -> str:
    """Write one JSON line to the harness; answers the line it writes back, or "" when none came in time."""
    stdin, stdout = pipes(process)
    stdin.write(json.dumps(message) + "\n")
    stdin.flush()
    ready, _, _ = select.select([stdout], [], [], timeout)
    return stdout.readline() if ready else ""


def pipes(process: subprocess.Popen[str]) -> tuple[IO[str], IO[str]]:
    """The harness's input and output: run_better_auth starts it with both piped."""
    if process.stdin is None or process.stdout is None:
        raise TypeError("the Better Auth harness runs with its stdin and stdout piped")
    return process.stdin, process.stdout


@pytest.fixture(scope="session")
def better_auth() -> Iterator[dict]:
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
    stop(process)


@pytest.fixture(scope="session")
def better_auth_database() -> Iterator[Callable[..., tuple[str, list[dict]]]]:
    """Fresh databases on the test PostgreSQL server, filled by a real Better Auth (PostgreSQL only).

    `create(users, organizations=())` makes a database, runs Better Auth's
    migrations in it (its organization plugin's too) and signs each
    `{"email", "password", "name"}` up through Better Auth; each organization
    `{"name", "slug", "members": [{"email", "role"}]}` is made by its first
    member. It answers the database URL and the users as Better Auth reported
    them (the organizations' ids are read from the database).
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

    def administer(statement: str, name: str) -> None:
        # CREATE/DROP DATABASE cannot run inside a transaction.
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL(statement).format(sql.Identifier(name)))

    def create(users: list[dict], organizations: Sequence[dict] = ()) -> tuple[str, list[dict]]:
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
                "organizations": list(organizations),
            },
        )
        if process.wait(timeout=60) != 0:
            raise RuntimeError(f"Better Auth harness 'seed-postgres' exited with {process.returncode}")
        return url, seeded["users"]

    yield create
    for name in names:
        administer("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


class BetterAuthSteps:
    """The harness's `events` (or `admin`) command: a real Better Auth whose hooks report to our API, step by step."""

    def __init__(self, process: subprocess.Popen[str], user: dict, admin: dict | None = None) -> None:
        self.process = process
        self.user = user
        # The `admin` command's admin (the admin plugin's role "admin"), who bans and impersonates the user.
        self.admin = admin

    def do(self, step: str, **arguments: Any) -> dict:
        """Run one step (sign-in, sign-out, update-user, change-email, delete-user, and the organization steps of
        interop/better-auth/README.md); answers its JSON line."""
        answered = answer(self.process, step, **arguments)
        if answered is None:
            raise RuntimeError(f"Better Auth harness gave no answer to {step!r}")
        return answered


@pytest.fixture
def better_auth_reporting_to() -> Iterator[Callable[..., BetterAuthSteps]]:
    """`start(api_url, secret, webhook_secret)`: a Better Auth with one signed-up user, its hooks posting to that
    API; `command="admin"` adds the admin plugin and an admin (the harness's `admin` command).
    """
    processes = []

    def start(
        api_url: str,
        *,
        secret: str,
        webhook_secret: str,
        email: str = "Events.Person@Example.com",
        name: str = "Events Person",
        command: str = "events",
    ) -> BetterAuthSteps:
        process, ready = run_better_auth(
            command,
            {
                "secret": secret,
                "webhook_secret": webhook_secret,
                "api_url": api_url,
                "base_url": "http://localhost:3000",
                "email": email,
                "password": "events passphrase 42",
                "name": name,
            },
        )
        processes.append(process)
        return BetterAuthSteps(process, ready["user"], ready.get("admin"))

    yield start
    for process in processes:
        stop(process)


class BetterAuthPeople:
    """The harness's `people` command: a real Better Auth where people sign up, prove addresses and sign in."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def _do(self, step: str, **arguments: Any) -> dict:
        answered = answer(self.process, step, **arguments)
        if answered is None:
            answered = {"error": "no answer"}
        if "error" in answered:
            raise RuntimeError(f"Better Auth refused {step!r}: {answered['error']}")
        return answered

    def sign_up(self, email: str, password: str, name: str = "") -> str:
        """Better Auth's email and password sign-up, which proves nothing; answers the user's id."""
        return self._do("sign-up", email=email, password=password, name=name)["user"]["id"]

    def verify_email(self, email: str) -> None:
        """Open the verification link Better Auth mailed at sign-up."""
        self._do("verify-email", email=email)

    def token(self, email: str, password: str) -> str:
        """A fresh jwt-plugin token (HS256 with BETTER_AUTH_SECRET) from signing in."""
        return self._do("sign-in", email=email, password=password)["token"]


@pytest.fixture
def better_auth_people(settings: Settings) -> Iterator[BetterAuthPeople]:
    process, _ready = run_better_auth(
        "people", {"secret": settings.BETTER_AUTH_SECRET, "base_url": "http://localhost:3000"}
    )
    yield BetterAuthPeople(process)
    stop(process)
