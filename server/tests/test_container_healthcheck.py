"""The Docker HEALTHCHECK probe passes against a healthy server with production host settings, and fails without one."""

import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from testing.http import free_port
from testing.processes import PROJECT_ROOT, project_env

pytestmark = pytest.mark.server


def probe(port, allowed_hosts):
    return subprocess.run(
        [sys.executable, "-m", "server.healthcheck"],
        cwd=PROJECT_ROOT,
        env=project_env(SERVER_BIND=f"0.0.0.0:{port}", DJANGO_ALLOWED_HOSTS=allowed_hosts),
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_probe_names_an_allowed_host_and_passes_when_health_answers(serve):
    # api.example.com first: 127.0.0.1 is allowed only so the test can wait for the server.
    _, base_url = serve(DJANGO_ALLOWED_HOSTS="api.example.com,127.0.0.1")

    assert probe(urlsplit(base_url).port, "api.example.com,127.0.0.1").returncode == 0
    assert probe(urlsplit(base_url).port, "refused.example.org").returncode == 1


def test_the_probe_fails_when_nothing_answers():
    result = probe(free_port(), "api.example.com")

    assert result.returncode == 1
    assert "health check failed" in result.stderr
