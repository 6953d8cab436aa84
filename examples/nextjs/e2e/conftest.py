"""The example app as a person meets it: `next start` of the one production
build, Better Auth on PostgreSQL, the API under its production server
(`python -m server`, granian) on PostgreSQL, and Debian's Chromium.
`make test-example` builds the app and runs these tests."""

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from testing.http import free_port, wait_for_http
from testing.processes import PROJECT_ROOT, project_env
from testing.servers import PRODUCTION_ENV, SERVER

EXAMPLE = Path(__file__).resolve().parent.parent
NEXT = EXAMPLE / "node_modules" / "next" / "dist" / "bin" / "next"
MODES = ["hs256", "eddsa"]  # docs/better-auth.md's modes A and C


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of the PostgreSQL server under test (`make test-example` starts one), without a database."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("postgresql"):
        pytest.skip("the example runs on PostgreSQL: DATABASE_URL=postgres://... (make test-example does)")
    credentials = f"{quote(database['USER'], safe='')}:{quote(database['PASSWORD'], safe='')}"
    return f"postgresql://{credentials}@{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}"


@pytest.fixture(scope="session")
def new_database(postgres_server):
    """`new_database()` makes an empty database on that server and answers its URL; all are dropped at the end."""
    import psycopg
    from psycopg import sql

    names = []

    def administer(statement, name):
        # CREATE/DROP DATABASE cannot run inside a transaction.
        with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL(statement).format(sql.Identifier(name)))

    def create():
        name = f"example_{secrets.token_hex(6)}"
        administer("CREATE DATABASE {}", name)
        names.append(name)
        return f"{postgres_server}/{name}"

    yield create
    for name in names:
        administer("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


@pytest.fixture(scope="session")
def example_build():
    if not (EXAMPLE / ".next" / "BUILD_ID").is_file():
        pytest.fail("examples/nextjs is not built: run `make test-example` (npm ci, next build)")


class Stack:
    """One running example: its origin, the API's URL and database, and the processes' output for failures."""

    def __init__(self, mode, app_url, api_url, api_database, processes):
        self.mode, self.app_url, self.api_url, self.processes = mode, app_url, api_url, processes
        self.api_database = api_database

    def api_user_is_active(self, user_id):
        """Whether the API's user is active, read from its database (None: no such user)."""
        import psycopg

        with psycopg.connect(self.api_database) as connection:
            row = connection.execute("SELECT is_active FROM accounts_user WHERE id = %s", [user_id]).fetchone()
        return None if row is None else row[0]

    def api_task_count(self, user_id):
        """How many tasks the API's database holds for the user, hidden or not."""
        import psycopg

        with psycopg.connect(self.api_database) as connection:
            return connection.execute("SELECT count(*) FROM tasks_task WHERE owner_id = %s", [user_id]).fetchone()[0]

    def api_idempotency_keys(self, user_id):
        """How many Idempotency-Keys the API keeps for the user."""
        import psycopg

        with psycopg.connect(self.api_database) as connection:
            return connection.execute(
                "SELECT count(*) FROM core_idempotencykey WHERE user_id = %s", [user_id]
            ).fetchone()[0]

    def output(self):
        return "\n".join(f"--- {name}\n{log.read_text()[-3000:]}" for name, log in self.processes)


@pytest.fixture(scope="module", params=MODES)
def stack(request, example_build, new_database, tmp_path_factory):
    """The example in one mode, with an API of its own configured as the docs say."""
    mode = request.param
    logs = tmp_path_factory.mktemp(f"example-{mode}")
    app_port, api_port = free_port(), free_port()
    # One origin everywhere: the browser, BETTER_AUTH_URL, CORS and iss/aud (localhost would be another).
    app_url, api_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{api_port}"
    secret = PRODUCTION_ENV["BETTER_AUTH_SECRET"]
    # The app reports sign-outs and deleted users to the API, signed with a secret of their own.
    webhook_secret = secrets.token_urlsafe(36)
    api_database = new_database()

    api_env = {
        **PRODUCTION_ENV,
        "DATABASE_URL": api_database.replace("postgresql://", "postgres://", 1),
        "BETTER_AUTH_WEBHOOK_SECRET": webhook_secret,
        "CORS_ALLOWED_ORIGINS": app_url,
        "JWT_ISSUER": app_url,
        "JWT_AUDIENCE": app_url,
        **({"BETTER_AUTH_JWKS_URL": f"{app_url}/api/auth/jwks"} if mode == "eddsa" else {}),
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=PROJECT_ROOT,
        env=project_env(**api_env),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert migrate.returncode == 0, migrate.stderr
    app_env = {
        "AUTH_MODE": mode,
        "BETTER_AUTH_SECRET": secret,
        "BETTER_AUTH_WEBHOOK_SECRET": webhook_secret,
        "BETTER_AUTH_URL": app_url,
        "DATABASE_URL": new_database(),
        "API_URL": api_url,
        "NEXT_TELEMETRY_DISABLED": "1",
        "AUTH_RATE_LIMIT": "off",
    }

    processes, running = [], []
    for name, argv, cwd, env, url in [
        ("api", SERVER, PROJECT_ROOT, project_env(**api_env, SERVER_BIND=f"127.0.0.1:{api_port}"), f"{api_url}/health"),
        (
            "app",
            ["node", str(NEXT), "start", "--hostname", "127.0.0.1", "--port", str(app_port)],
            EXAMPLE,
            {**project_env(), **app_env},
            f"{app_url}/api/auth/ok",
        ),
    ]:
        log = logs / f"{name}.log"
        with log.open("w") as sink:
            # A session of its own, so stopping it stops any worker it forked.
            process = subprocess.Popen(
                argv, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
            )
        processes.append((name, log))
        running.append(process)
        wait_for_http(url, timeout=60, process=process)

    example = Stack(mode, app_url, api_url, api_database, processes)
    yield example
    for process in running:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
