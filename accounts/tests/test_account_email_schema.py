"""The verification and password reset endpoints in the OpenAPI schema, and the live server keeping to it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.tests.factories import UserFactory

ERROR_REF = {"$ref": "#/components/schemas/Error"}
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
OPERATIONS = {
    "/api/auth/verify-email/": ("200", {"uid", "token"}),
    "/api/auth/verify-email/resend/": ("202", {"email"}),
    "/api/auth/password-reset/": ("202", {"email"}),
    "/api/auth/password-reset/confirm/": ("200", {"uid", "token", "new_password"}),
}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def request_schema(schema, operation):
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


@pytest.mark.parametrize("path", OPERATIONS)
def test_each_endpoint_is_public_with_its_body_answer_and_errors(schema, path):
    success, fields = OPERATIONS[path]
    operation = schema["paths"][path]["post"]

    assert operation["security"] == [{}]
    body = request_schema(schema, operation)
    assert set(body["properties"]) == fields
    assert set(body["required"]) == fields
    assert set(operation["responses"]) == {success, "400", "429"}
    for code in ("400", "429"):
        assert operation["responses"][code]["content"]["application/json"]["schema"] == ERROR_REF


def test_me_describes_email_verified(schema):
    user = schema["components"]["schemas"]["User"]

    assert (user["properties"]["email_verified"]["type"], user["properties"]["email_verified"]["readOnly"]) == (
        "boolean",
        True,
    )


def test_generated_requests_never_get_a_server_error_or_an_off_schema_response(plain_http_live_server, settings):
    UserFactory(email="ada@example.com")
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        # High enough that generated requests reach the handlers; the 429s are tested on their own.
        "DEFAULT_THROTTLE_RATES": {
            "auth": "1000/min",
            "account_email": "1000/min",
            "account_email_address": "1000/min",
        },
    }

    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--no-color",
            "run",
            f"{plain_http_live_server.url}/api/schema/?format=json",
            "--include-path-regex",
            "/api/auth/(verify-email|password-reset)",
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
