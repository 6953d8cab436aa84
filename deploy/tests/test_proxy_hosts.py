"""nginx, run with the deploy template, lets only the configured server names through to a replica."""

import http.server
import json
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from deploy.topology import API_REPLICAS, Topology
from testing.http import free_port

# Timed: deadlines through the proxy (scripts/run-tests runs these alone).
pytestmark = [pytest.mark.server, pytest.mark.timing]


class Replica(http.server.ThreadingHTTPServer):
    """Stands in for an API replica: answers 200 and remembers the Host of each request it gets."""

    def __init__(self):
        self.hosts = []
        replica = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                replica.hosts.append(self.headers["Host"])
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def proxy(tmp_path):
    """nginx with the template as deploy/topology.py renders it, both upstreams pointing at one stand-in replica."""
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("nginx is missing: run scripts/ensure-nginx as root")
    replica = Replica()
    threading.Thread(target=replica.serve_forever, daemon=True).start()
    tmp_path.chmod(0o755)
    topology = Topology(tmp_path)
    port = free_port()
    topology.state = {
        "database_url": "postgres://",
        "ports": {"proxy": port, "redis": 1, **{name: replica.server_address[1] for name in API_REPLICAS}},
    }
    nginx = subprocess.Popen(topology._proxy_command(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert nginx.poll() is None, nginx.stderr.read().decode()
            time.sleep(0.05)
    yield port, replica
    nginx.terminate()
    nginx.wait(timeout=10)
    replica.shutdown()


def exchange(port, request):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        answer = b"".join(iter(lambda: connection.recv(65536), b""))
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_a_host_the_api_does_not_serve_is_answered_by_nginx_and_never_reaches_a_replica(proxy):
    port, replica = proxy

    status, body = exchange(port, b"GET /api/tasks/ HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n")

    assert status == 400
    assert json.loads(body) == {"detail": "This server does not serve that host.", "code": "unknown_host"}
    assert replica.hosts == []


def test_a_served_name_reaches_the_replica_with_its_port(proxy):
    port, replica = proxy

    status, _ = exchange(port, f"GET /health HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n".encode())

    assert status == 200
    assert replica.hosts == [f"localhost:{port}"]


def test_the_replica_gets_the_name_nginx_matched_not_the_clients_host_header(proxy):
    # nginx picks the server by an absolute request line's host; the Host header could say anything.
    port, replica = proxy

    status, _ = exchange(
        port, b"GET http://localhost/health HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n"
    )

    assert status == 200
    assert replica.hosts == ["localhost"]


@pytest.mark.parametrize("path", ["/metrics", "//metrics", "/%6Detrics", "/metrics?format=text"])
def test_metrics_are_answered_404_by_nginx_and_never_reach_a_replica_even_with_a_token(proxy, path):
    port, replica = proxy

    headers = "Host: localhost\r\nAuthorization: Bearer some-token\r\nConnection: close\r\n"
    status, body = exchange(port, f"GET {path} HTTP/1.1\r\n{headers}\r\n".encode())

    assert status == 404
    assert json.loads(body)["code"] == "not_found"
    assert replica.hosts == []
