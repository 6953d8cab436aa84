"""The server runs only on a granian its overrides were verified against (server/overrides.py)."""

import re
import subprocess
import sys

import granian
import pytest

from server.overrides import VERIFIED_GRANIAN_VERSIONS
from testing.processes import PROJECT_ROOT, project_env
from testing.servers import PRODUCTION_ENV

# The server as `python -m server` starts it, but told granian is another version: installing
# an unverified granian is the one other way to meet one, and this is what start-up would see.
SERVER_ON_GRANIAN = "import sys, granian; granian.__version__ = sys.argv[1]; from server.run import main; main()"


def test_the_installed_granian_is_one_the_overrides_were_verified_against():
    assert granian.__version__ in VERIFIED_GRANIAN_VERSIONS


def test_the_granian_pinned_in_requirements_is_one_the_overrides_were_verified_against():
    pinned = re.search(r"^granian==(\S+)$", (PROJECT_ROOT / "requirements.txt").read_text(), re.MULTILINE).group(1)

    assert pinned in VERIFIED_GRANIAN_VERSIONS


@pytest.mark.server
def test_an_unverified_granian_stops_the_server_before_it_listens():
    result = subprocess.run(
        [sys.executable, "-c", SERVER_ON_GRANIAN, "2.99.0"],
        cwd=PROJECT_ROOT,
        env=project_env(**{**PRODUCTION_ENV, "SERVER_BIND": "127.0.0.1:0"}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = result.stdout + result.stderr

    assert result.returncode == 1
    assert "Refusing to start: granian 2.99.0 is not a version this server was verified against" in output
    assert "VERIFIED_GRANIAN_VERSIONS" in output
    assert "Listening at" not in output
    assert "Spawning worker" not in output
