"""On SIGTERM the server drains: /ready turns 503 first, requests go on being served, queued connections are not reset,
exit 0.
"""

import os
import select
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from testing.http import free_port, wait_for_http
from testing.processes import PROJECT_ROOT, project_env
from testing.servers import PRODUCTION_ENV, SERVER

# Timed: the drain's deadlines (scripts/run-tests runs these alone).
pytestmark = [pytest.mark.server, pytest.mark.timing]

DRAIN_SECONDS = 2
WORKERS = 2


def ready(base_url):
    try:
        with urllib.request.urlopen(f"{base_url}/ready", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def read_response(connection):
    return b"".join(iter(lambda: connection.recv(65536), b""))


def test_sigterm_turns_ready_503_while_everything_else_is_served_then_exits_0(serve):
    process, base_url = serve(SERVER_DRAIN_SECONDS=str(DRAIN_SECONDS), SERVER_WORKERS=str(WORKERS))
    assert ready(base_url) == 200

    process.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    ready_while_draining = ready(base_url)
    with urllib.request.urlopen(f"{base_url}/health", timeout=5) as health:
        health_while_draining = health.status

    assert ready_while_draining == 503
    assert health_while_draining == 200
    assert process.wait(timeout=DRAIN_SECONDS + 15) == 0


def test_connections_open_when_the_drain_ends_are_served_not_reset(serve):
    process, base_url = serve(SERVER_DRAIN_SECONDS=str(DRAIN_SECONDS), SERVER_WORKERS=str(WORKERS))
    address = ("127.0.0.1", urlsplit(base_url).port)
    # Half requests: the workers take these and wait for the rest.
    busy = [socket.create_connection(address, timeout=20) for _ in range(WORKERS)]
    for connection in busy:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    time.sleep(0.5)
    # Whole requests, on connections opened before the drain.
    queued = [socket.create_connection(address, timeout=20) for _ in range(3)]
    for connection in queued:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")

    process.send_signal(signal.SIGTERM)
    time.sleep(DRAIN_SECONDS + 1)  # past the drain: the sockets take no new connection now
    for connection in busy:
        connection.sendall(b"Connection: close\r\n\r\n")
    responses = [read_response(connection) for connection in busy + queued]

    assert [response.split(b"\r\n", 1)[0] for response in responses] == [b"HTTP/1.1 200 OK"] * (WORKERS + 3)
    assert process.wait(timeout=15) == 0


def started_workers(process, count, timeout=30):
    """The PIDs of the server's workers, once each has said it serves."""
    output, deadline = "", time.monotonic() + timeout
    while not all(f"Started worker-{n + 1}" in output for n in range(count)):
        ready_to_read, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
        assert ready_to_read, f"the workers did not start:\n{output}"
        output += os.read(process.stdout.fileno(), 65536).decode()
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def stop(pid):
    """SIGSTOP, and wait until the process is stopped: no thread of it runs after this."""
    os.kill(pid, signal.SIGSTOP)
    while Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "T":
        time.sleep(0.01)


def test_connections_in_the_kernels_queue_are_served_and_no_new_one_completes_after_the_drain(serve):
    process, base_url = serve(SERVER_DRAIN_SECONDS=str(DRAIN_SECONDS), SERVER_WORKERS=str(WORKERS))
    address = ("127.0.0.1", urlsplit(base_url).port)
    workers = started_workers(process, WORKERS)
    assert len(workers) == WORKERS
    # Stopped workers accept nothing: these connections stay in the listening sockets' queues.
    for pid in workers:
        stop(pid)
    try:
        queued = [socket.create_connection(address, timeout=20) for _ in range(4)]
        for connection in queued:
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")

        process.send_signal(signal.SIGTERM)
        time.sleep(DRAIN_SECONDS + 1)  # past the drain: the sockets complete no new handshake
        with pytest.raises(TimeoutError):
            socket.create_connection(address, timeout=1).close()
        # The queue is not empty: the server waits for it before stopping.
        assert process.poll() is None
    finally:
        for pid in workers:
            os.kill(pid, signal.SIGCONT)
    responses = [read_response(connection) for connection in queued]

    assert [response.split(b"\r\n", 1)[0] for response in responses] == [b"HTTP/1.1 200 OK"] * 4
    assert process.wait(timeout=15) == 0


def test_sigterm_to_the_whole_process_group_drains_all_the_same(tmp_path):
    # As a supervisor or Ctrl-C sends it: to the main process and every worker at once.
    port = free_port()
    env = project_env(
        **{
            **PRODUCTION_ENV,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
            "SERVER_BIND": f"127.0.0.1:{port}",
            "SERVER_WORKERS": WORKERS,
            "SERVER_DRAIN_SECONDS": DRAIN_SECONDS,
        }
    )
    process = subprocess.Popen(
        SERVER,
        cwd=PROJECT_ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base_url}/health", process=process)
        os.killpg(process.pid, signal.SIGTERM)
        time.sleep(0.5)
        # Every worker still serves: /ready answers 503 whichever worker takes it.
        ready_while_draining = [ready(base_url) for _ in range(2 * WORKERS)]
        with urllib.request.urlopen(f"{base_url}/health", timeout=5) as health:
            health_while_draining = health.status
        exit_code = process.wait(timeout=DRAIN_SECONDS + 15)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    output = process.stdout.read()

    assert ready_while_draining == [503] * (2 * WORKERS)
    assert health_while_draining == 200
    assert exit_code == 0
    assert "Unexpected exit" not in output
