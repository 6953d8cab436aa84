"""The server will not start with DEBUG off and a weak secret, and says which variable to fix."""

import subprocess

import pytest

from testing.processes import PROJECT_ROOT, project_env
from testing.servers import PRODUCTION_ENV, SERVER

pytestmark = pytest.mark.server


def start_server_with(**env):
    """The server's exit status and output, started with the production environment and `env`."""
    result = subprocess.run(
        SERVER,
        cwd=PROJECT_ROOT,
        env=project_env(**{**PRODUCTION_ENV, "SERVER_BIND": "127.0.0.1:0", **env}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, result.stdout + result.stderr


def test_a_weak_better_auth_secret_stops_the_server_before_any_worker_starts():
    returncode, output = start_server_with(BETTER_AUTH_SECRET="too-short")

    assert returncode != 0
    assert "BETTER_AUTH_SECRET is too weak" in output
    assert "Spawning worker" not in output
    assert "Listening at" not in output
    assert "too-short" not in output


def test_a_weak_previous_better_auth_secret_stops_the_server_before_any_worker_starts():
    returncode, output = start_server_with(BETTER_AUTH_PREVIOUS_SECRETS="changeme")

    assert returncode != 0
    assert "BETTER_AUTH_PREVIOUS_SECRETS entry 1 is too weak" in output
    assert "Spawning worker" not in output
    assert "Listening at" not in output
    assert "changeme" not in output
