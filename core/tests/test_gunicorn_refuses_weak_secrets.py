"""Gunicorn will not start with DEBUG off and a weak secret, and says which variable to fix."""

import subprocess

import pytest

from conftest import PROJECT_ROOT, project_env

from conftest import GUNICORN, PRODUCTION_ENV

pytestmark = pytest.mark.server


def test_a_weak_better_auth_secret_stops_gunicorn_before_any_worker_boots():
    result = subprocess.run(
        [*GUNICORN, "--bind", "127.0.0.1:0"],
        cwd=PROJECT_ROOT,
        env=project_env(**{**PRODUCTION_ENV, "BETTER_AUTH_SECRET": "too-short"}),
        capture_output=True,
        text=True,
        timeout=60,
    )

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "BETTER_AUTH_SECRET is too weak" in output
    assert "Booting worker" not in output
    assert "too-short" not in output


def test_a_weak_previous_better_auth_secret_stops_gunicorn_before_any_worker_boots():
    result = subprocess.run(
        [*GUNICORN, "--bind", "127.0.0.1:0"],
        cwd=PROJECT_ROOT,
        env=project_env(**{**PRODUCTION_ENV, "BETTER_AUTH_PREVIOUS_SECRETS": "changeme"}),
        capture_output=True,
        text=True,
        timeout=60,
    )

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "BETTER_AUTH_PREVIOUS_SECRETS entry 1 is too weak" in output
    assert "Booting worker" not in output
    assert "changeme" not in output
