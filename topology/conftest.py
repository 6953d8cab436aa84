"""The fault suite: the production topology (deploy/topology.py) started once, one fault per test.

Run with `make test-topology`. Each test leaves the topology whole again; the
`topology` fixture checks it before every test. The figures each test
measures are printed at the end of the run and written to DIR/figures.json.
"""

import json
import os
import platform
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from deploy.topology import API_REPLICAS, Topology
from testing.better_auth import better_auth_token
from topology.load import call

FIGURES = {}


def _installed(binary):
    return shutil.which(binary) or Path("/usr/sbin", binary).exists()


@pytest.fixture(scope="session")
def running_topology(tmp_path_factory):
    missing = [binary for binary in ("nginx", "redis-server") if not _installed(binary)]
    if missing:
        pytest.skip(f"{', '.join(missing)} missing: run scripts/ensure-nginx and scripts/ensure-redis as root")
    directory = os.environ.get("TOPOLOGY_DIR") or tmp_path_factory.mktemp("topology")
    topology = Topology(directory)
    try:
        topology.up()
        yield topology
    finally:
        topology.down()
        (Path(directory) / "figures.json").write_text(json.dumps(FIGURES, indent=2))


def ready_status(base_url):
    """Status code and body of GET /ready."""
    try:
        with urllib.request.urlopen(f"{base_url}/ready", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_until(predicate, *, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@pytest.fixture
def topology(running_topology):
    """The running topology, every replica ready and the proxy answering, as each fault test needs it."""
    for replica in API_REPLICAS:
        assert wait_until(
            lambda replica=replica: (
                ready_status(running_topology.replica_url(replica))
                == (200, {"status": "ok", "database": "ok", "cache": "ok"})
            ),
            timeout=30,
        ), f"{replica} is not ready"
    return running_topology


@pytest.fixture
def token_for(running_topology):
    """An access token as Better Auth's jwt plugin signs it, for a new person each call (created on first sight)."""

    def make(user_id=None):
        return better_auth_token(running_topology.secrets["BETTER_AUTH_SECRET"], user_id)

    return make


@pytest.fixture
def person(running_topology, token_for):
    """A token for a person the API already knows (first sight is behind them)."""
    token = token_for()
    outcome = call(running_topology.url, "GET", "/api/auth/me/", token=token)
    assert outcome.status == 200, outcome
    return token


@pytest.fixture
def figures(request):
    """Where a test puts what it measured, under its own name."""
    return FIGURES.setdefault(request.node.name, {})


def machine():
    with open("/proc/meminfo") as meminfo:
        memory_kb = int(meminfo.readline().split()[1])
    model = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor(),
    )
    return f"{len(os.sched_getaffinity(0))} cores ({model}), {memory_kb / 1024 / 1024:.1f} GiB"


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("topology figures")
    terminalreporter.write_line(f"machine: {machine()}")
    for test, measured in FIGURES.items():
        terminalreporter.write_line(f"{test}: {json.dumps(measured)}")
