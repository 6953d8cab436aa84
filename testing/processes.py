"""Child processes running this project, as an operator would start them."""

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def project_env(**overrides: object) -> dict[str, str]:
    """The environment of a child process running this project."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECURE_SSL_REDIRECT="false",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


@pytest.fixture
def run_manage() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `manage.py` in a child process, as an operator would."""

    def run(*args: str, timeout: float = 120, **env: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_ROOT,
            env=project_env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run
