"""schemathesis fuzzes the live task API from its own schema: no 5xx, no off-schema answer."""

import os
import subprocess
import sys
from pathlib import Path

from drf_better_auth.tokens import AccessToken

from accounts.tests.factories import UserFactory
from tasks.models import Task

from .factories import TaskFactory

CONFIG_FILE = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Enough generated cases per operation to reach each field's edges, few
# enough to finish in seconds on each database.
MAX_EXAMPLES = 25


def test_generated_requests_never_get_a_server_error_or_an_off_schema_response(plain_http_live_server):
    user = UserFactory()
    seeded = set(TaskFactory.create_batch(3, owner=user))
    token = str(AccessToken.for_user(user))

    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(CONFIG_FILE),
            "--no-color",
            "run",
            f"{plain_http_live_server.url}/api/schema/?format=json",
            "--include-path-regex",
            "/tasks",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--request-timeout",
            "10",
            "--header",
            f"Authorization: Bearer {token}",
            # A fresh connection per request: on a kept-alive one, each small
            # request waits out TCP's delayed ACK (~40 ms), which made the
            # run six times slower.
            "--header",
            "Connection: close",
        ],
        # schemathesis is not the project's code: unmeasured, or coverage's subprocess patch
        # (.coveragerc) would trace all of it, doubling this test's time.
        env={**os.environ, "TASKS_FUZZ_USER_ID": user.pk, "COVERAGE_PROCESS_CONFIG": ""},
        capture_output=True,
        text=True,
        timeout=300,
    )

    # schemathesis exits non-zero on any failed check, printing each case and a curl to replay it.
    assert result.returncode == 0, result.stdout + result.stderr
    # The token was accepted: the generated requests created and deleted the user's tasks.
    assert set(Task.objects.filter(owner=user)) != seeded
