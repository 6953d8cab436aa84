"""Per-request authentication cost: decode + user resolution, as DRF calls it.

Runs against a throwaway test database on whatever DATABASE_URL points at
(SQLite by default), so no real data is touched:

    .venv/bin/python bench/auth_bench.py [--iterations 20000]
    DATABASE_URL=postgres://... .venv/bin/python bench/auth_bench.py

Prints, per scenario, the median and p95 of per-call wall time over several
rounds, the database queries per call, and memory allocated per call.
"""

import argparse
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import jwt  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from drf_better_auth.authentication import BetterAuthJWTAuthentication  # noqa: E402
from drf_better_auth.tokens import AccessToken  # noqa: E402
from rest_framework.test import APIRequestFactory  # noqa: E402

from accounts.models import Identity, User  # noqa: E402

ROUNDS = 5


def better_auth_token(user: User) -> str:
    now = int(time.time())
    claims = {
        "id": user.pk,
        "sub": user.pk,
        "email": user.email,
        "name": user.name,
        "emailVerified": True,
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": "2026-11-01T10:00:00.000Z",
        "iat": now,
        "exp": now + 900,
        "iss": "http://localhost:3000",
        "aud": "http://localhost:3000",
    }
    return jwt.encode(claims, settings.BETTER_AUTH_SECRET, algorithm="HS256")


def measure(name: str, token: str, iterations: int) -> None:
    authentication = BetterAuthJWTAuthentication()
    request = APIRequestFactory().get("/api/tasks/", HTTP_AUTHORIZATION=f"Bearer {token}")
    authentication.authenticate(request)  # warm: first sight, the database connection, imports

    with CaptureQueriesContext(connection) as queries:
        authentication.authenticate(request)
    queries_per_call = len(queries)

    per_call = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(iterations):
            authentication.authenticate(request)
        per_call.append((time.perf_counter() - started) / iterations * 1e6)

    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for _ in range(1000):
        authentication.authenticate(request)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    net_bytes = sum(stat.size_diff for stat in after.compare_to(before, "filename"))

    print(
        f"{name:<48} median {statistics.median(per_call):7.1f} µs   "
        f"best {min(per_call):7.1f} µs   queries/call {queries_per_call}   "
        f"retained after 1000 calls {net_bytes / 1024:6.1f} KiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=5000)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        # A Better Auth identity: its tokens may only name the account Better Auth's identity created.
        user = User.objects.create_user("bench@example.com", name="Bench Person", identity=Identity.BETTER_AUTH)
        print(
            f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
            f"database {connection.vendor}, {args.iterations} calls x {ROUNDS} rounds"
        )
        ours = str(AccessToken.for_user(user))
        theirs = better_auth_token(user)

        measure("SimpleJWT-shaped token", ours, args.iterations)
        measure("Better Auth HS256 token", theirs, args.iterations)
        decode_only(theirs, args.iterations)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def decode_only(token: str, iterations: int) -> None:
    from drf_better_auth.state import token_backend

    backend = token_backend()
    started = time.perf_counter()
    for _ in range(iterations):
        backend.decode(token)
    print(
        f"{'decode + verify only (PyJWT HS256)':<48} mean   "
        f"{(time.perf_counter() - started) / iterations * 1e6:7.1f} µs"
    )


if __name__ == "__main__":
    main()
