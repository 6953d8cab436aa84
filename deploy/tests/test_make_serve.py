"""`make serve`, run as the README says, serves /ready and stops cleanly on SIGTERM."""

import os
import signal
import subprocess
import urllib.request

import pytest

from testing.http import free_port, wait_for_http
from testing.processes import PROJECT_ROOT, project_env
from testing.servers import PRODUCTION_ENV

GRACEFUL_TIMEOUT = 5


@pytest.mark.server
def test_make_serve_answers_ready_and_stops_within_the_graceful_timeout_on_sigterm(tmp_path):
    port = free_port()
    env = project_env(
        **PRODUCTION_ENV,
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        SERVER_BIND=f"127.0.0.1:{port}",
        SERVER_GRACEFUL_TIMEOUT=GRACEFUL_TIMEOUT,
        # No drain to wait out before stopping: server/tests/test_server_drain.py tests it.
        SERVER_DRAIN_SECONDS=0,
    )
    # Its own process group, as a supervisor runs it: SIGTERM reaches make and the server alike.
    process = subprocess.Popen(
        ["make", "serve"],
        cwd=PROJECT_ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/health", timeout=120, process=process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=5) as ready:
            assert ready.status == 200

        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=GRACEFUL_TIMEOUT + 5)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    assert "collectstatic" in output
    assert "Granian shutdown completed" in output
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
