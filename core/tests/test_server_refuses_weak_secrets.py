"""The server will not start with DEBUG off and a weak secret, and says which variable to fix."""

import subprocess

import pytest

from conftest import PROJECT_ROOT, project_env

from conftest import PRODUCTION_ENV, SERVER

pytestmark = pytest.mark.server


def test_a_weak_better_auth_secret_stops_the_server_before_any_worker_starts():
    result = subprocess.run(
        SERVER,
        cwd=PROJECT_ROOT,
        env=project_env(**{**PRODUCTION_ENV, "SERVER_BIND": "127.0.0.1:0", "BETTER_AUTH_SECRET": "too-short"}),
        capture_output=True,
        text=True,
        timeout=60,
    )

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "BETTER_AUTH_SECRET is too weak" in output
    assert "Spawning worker" not in output
    assert "Listening at" not in output
    assert "too-short" not in output


def test_a_weak_previous_better_auth_secret_stops_the_server_before_any_worker_starts():
    result = subprocess.run(
        SERVER,
        cwd=PROJECT_ROOT,
        env=project_env(**{**PRODUCTION_ENV, "SERVER_BIND": "127.0.0.1:0", "BETTER_AUTH_PREVIOUS_SECRETS": "changeme"}),
        capture_output=True,
        text=True,
        timeout=60,
    )

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "BETTER_AUTH_PREVIOUS_SECRETS entry 1 is too weak" in output
    assert "Spawning worker" not in output
    assert "Listening at" not in output
    assert "changeme" not in output
