"""Where one request's time goes, by layer: a profile of the WSGI application in process.

Runs Django's WSGI handler (what granian calls in each worker) directly, with
no server and no network between it and the caller, against a throwaway test
database on whatever DATABASE_URL points at (use PostgreSQL: production's):

    DATABASE_URL=postgres://... .venv/bin/python bench/request_profile.py [--requests 2000]

Log lines are formatted and written as in production, but to /dev/null, so
stdout keeps only the figures. For each scenario of the side-by-side load
(list, get, a refused token) it prints the wall time per request without a
profiler, then cProfile's own-time per request grouped by layer: waiting on
PostgreSQL, the driver, Django, DRF, the project's own modules, PyJWT, JSON,
logging. A profiler inflates Python calls more than waiting, so read the
shares, not the sums; the unprofiled wall time is the real cost.
"""

import argparse
import cProfile
import io
import logging
import os
import platform
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, cast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django  # noqa: E402

django.setup()

import jwt  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from accounts.models import User  # noqa: E402
from tasks.models import Task  # noqa: E402

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse

# Fragments of "module path:function", first match wins, and the layer each is counted in.
# psycopg waits for the server's answer in C, called from its connection's `wait`.
LAYERS = (
    ("psycopg/waiting", "PostgreSQL round trips (waiting)"),
    ("psycopg/connection.py:wait", "PostgreSQL round trips (waiting)"),
    ("psycopg", "psycopg (adapting, rows)"),
    ("rest_framework", "DRF"),
    ("django/db", "Django ORM"),
    ("django", "Django (handler, middleware, URLs, HTTP)"),
    ("corsheaders", "django-cors-headers"),
    ("/jwt/", "PyJWT"),
    ("/json/", "JSON encoding"),
    ("logging", "logging"),
    ("/accounts/", "project: accounts"),
    ("/tasks/", "project: tasks"),
    ("/core/", "project: core"),
    ("/config/", "project: config"),
)


def report(line: str) -> None:
    print(line, flush=True)


def layer_of(filename: str, function: str) -> str:
    if filename == "~":  # a builtin: named by what it is
        return BUILTINS.get(function, "other builtins")
    for fragment, layer in LAYERS:
        if fragment in f"{filename}:{function}":
            return layer
    return "other (standard library)"


# Builtins worth their own line: writing the log lines, and PostgreSQL's
# round trips (psycopg waits in C for the socket).
BUILTINS = {
    "<method 'write' of '_io.TextIOWrapper' objects>": "writing log lines",
    "<built-in method psycopg_binary._psycopg.wait_c>": "PostgreSQL round trips (waiting)",
}


class Caller:
    """Calls the WSGI application as a server would, and keeps the status."""

    def __init__(self, application: WSGIHandler) -> None:
        self.application = application
        self.status: str | None = None

    def start_response(
        self,
        status: str,
        headers: list[tuple[str, str]],
        exc_info: tuple[type[BaseException], BaseException, TracebackType] | None = None,
    ) -> None:
        self.status = status

    def __call__(self, path: str, token: str) -> tuple[str | None, bytes]:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT": "application/json",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        # Django's handler never calls the write() a server's start_response answers: this one has none.
        response = self.application(environ, cast("StartResponse", self.start_response))
        body = b"".join(response)
        response.close()
        return self.status, body


def discard_log_lines() -> None:
    devnull = open(os.devnull, "w")  # noqa: SIM115 - open for the whole run
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in logging.root.manager.loggerDict)]
    for logger in loggers:
        for handler in getattr(logger, "handlers", ()):
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(devnull)


def token_for(user_id: str, *, secret: str) -> str:
    now = int(time.time())
    claims = {"sub": user_id, "email": f"{user_id}@example.com", "iat": now, "exp": now + 3600}
    return jwt.encode(claims, secret, algorithm="HS256")


def profile(name: str, call: Caller, path: str, token: str, requests: int) -> None:
    status, _ = call(path, token)  # warm: imports, compiled SQL, the connection
    started = time.perf_counter()
    for _ in range(requests):
        call(path, token)
    wall = (time.perf_counter() - started) / requests * 1e6

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        call(path, token)
    profiler.disable()
    by_layer: defaultdict[str, float] = defaultdict(float)
    # Stats.stats, the raw table by (file, line, function), is undocumented: typeshed leaves it out.
    for (filename, _line, function), row in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
        by_layer[layer_of(filename, function)] += row[2]  # own time
    total = sum(by_layer.values())
    report(f"\n{name} ({path}, {status}): {wall:.0f} µs per request unprofiled")
    for layer, seconds in sorted(by_layer.items(), key=lambda item: -item[1]):
        report(f"  {layer:<44} {seconds / total * 100:5.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    # Behind the proxy that ends TLS, as production runs: no redirect to HTTPS.
    settings.SECURE_SSL_REDIRECT = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        call = Caller(get_wsgi_application())
        discard_log_lines()  # after get_wsgi_application(), which configures logging again
        # A Better Auth identity, as the side-by-side load uses: created on first sight.
        token = token_for("bench-user-1", secret=settings.BETTER_AUTH_SECRET)
        forged = token_for("bench-user-1", secret="not the secret, but long enough to be a key")
        call("/api/tasks/", token)
        user = User.objects.get(pk="bench-user-1")
        tasks = [Task.objects.create(owner=user, title=f"Task {number}") for number in range(20)]
        report(
            f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
            f"database {connection.vendor}, {args.requests} requests a scenario"
        )
        profile("list", call, "/api/tasks/", token, args.requests)
        profile("get", call, f"/api/tasks/{tasks[0].pk}/", token, args.requests)
        profile("unauth (forged token)", call, "/api/tasks/", forged, args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
