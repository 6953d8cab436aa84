"""schemathesis fuzzes the signed-in account endpoints from their own schema: no 5xx, no off-schema answer."""

import os
import re
import subprocess
import sys
from pathlib import Path

from drf_better_auth.tokens import AccessToken

from accounts.models import User

from .factories import UserFactory

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
PASSWORD = "the fuzzed person's passphrase 61"


def test_generated_requests_never_get_a_server_error_or_an_off_schema_response(plain_http_live_server, settings):
    person = UserFactory(email="ada@example.com", password=PASSWORD, email_verified=True)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        # High enough that generated requests reach the handlers; the 429s are tested on their own.
        "DEFAULT_THROTTLE_RATES": {scope: "100000/min" for scope in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},
    }
    settings.AXES_ENABLED = False

    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--no-color",
            "run",
            f"{plain_http_live_server.url}/api/schema/?format=json",
            # Everything a signed-in person does to their account, and the change-of-address confirmation.
            "--include-path-regex",
            "/api/auth/(me|email/change|password/change|verify-email/decline)",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            "25",
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--request-timeout",
            "10",
            "--header",
            f"Authorization: Bearer {AccessToken.for_user(person)}",
            "--header",
            "Connection: close",
        ],
        # schemathesis is not the project's code: unmeasured, or coverage's subprocess patch
        # (.coveragerc) would trace all of it, doubling this test's time.
        env={**os.environ, "COVERAGE_PROCESS_CONFIG": ""},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    # me (GET, PATCH, DELETE), the export, change of address and its confirmation, password change, decline.
    assert re.search(r"Operations:\s+8 selected", result.stdout), result.stdout
    # The person is still there: no generated body deleted the account without its password.
    assert User.objects.filter(pk=person.pk).exists()
