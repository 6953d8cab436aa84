"""Containers for the `container` tests: the production image, and the compose topology run from docker-compose.yml.

`container_image` joins scripts/container-setup (podman, the base images'
stand-ins, `make image`; `make test` starts it in the background) and
answers the image's tag.

`ComposeTopology` runs docker-compose.yml's services with plain podman.
podman-compose reads the file (`podman-compose config`: merged, interpolated,
as compose reads it) but cannot run it on Debian bookworm's podman 4.3: it
skips every `service_healthy` condition below podman 4.6 (so `migrate` meets
a PostgreSQL still starting and fails), and its `--requires` links leave the
replicas and nginx unstartable ("generating dependency graph ... not found
in input list"); and podman 4.3 runs healthchecks from systemd timers, which
a machine without systemd lacks. So this driver starts each service from
that configuration, in the order and under the conditions of its
`depends_on`, and runs the healthchecks itself (`podman healthcheck run`, the
timers' job). A service key it does not translate fails the run: the file
cannot grow something the test would silently drop.
"""

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
import yaml

from testing.http import free_port, wait_for_http
from testing.processes import PROJECT_ROOT

IMAGE = "todo-api:latest"
COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
SETUP = PROJECT_ROOT / "scripts" / "container-setup"
SETUP_UNAVAILABLE = 77


def podman(*args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["podman", *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"podman {' '.join(args)} exited {result.returncode}: {result.stderr[-2000:]}")
    return result


@pytest.fixture(scope="session")
def container_image() -> str:
    """The production image, built (or joined while `make test` builds it in the background)."""
    result = subprocess.run([str(SETUP), "wait"], capture_output=True, text=True, timeout=1800)
    if result.returncode == SETUP_UNAVAILABLE:
        pytest.skip(result.stderr.strip())
    if result.returncode != 0:
        raise AssertionError(f"container setup failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return IMAGE


def compose_config(*overrides: Path, environment: dict[str, str]) -> dict[str, Any]:
    """docker-compose.yml (and override files) as podman-compose reads them: merged, interpolated."""
    files = [argument for path in (COMPOSE_FILE, *overrides) for argument in ("-f", str(path))]
    result = subprocess.run(
        [str(Path(sys.executable).parent / "podman-compose"), *files, "config"],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, **environment},
        timeout=60,
    )
    return yaml.safe_load(result.stdout)


def seconds(duration: str) -> int:
    """A compose duration of whole seconds ("40s") as a number."""
    return int(duration.removesuffix("s"))


class ComposeTopology:
    """The compose file's services as containers named PROJECT_SERVICE_1 on a network of their own."""

    # Each key a service may use, translated in run_arguments() or start().
    KEYS = frozenset(
        {
            "build",
            "command",
            "depends_on",
            "env_file",
            "environment",
            "expose",
            "healthcheck",
            "image",
            "ports",
            "read_only",
            "restart",
            "stop_grace_period",
            "stop_signal",
            "tmpfs",
            "user",
            "volumes",
        }
    )

    url = ""
    secret = ""

    def __init__(self, project: str, config: dict[str, Any]) -> None:
        self.project = project
        self.figures: dict[str, float] = {}
        self.services: dict[str, dict[str, Any]] = config["services"]
        self.volumes = list(config.get("volumes") or {})
        self.network = f"{project}_default"
        for name, service in self.services.items():
            if unknown := set(service) - self.KEYS:
                raise AssertionError(f"{name} uses {sorted(unknown)}, which the container test does not run")

    def container(self, service: str) -> str:
        return f"{self.project}_{service}_1"

    def run_arguments(self, service: str) -> list[str]:
        definition = self.services[service]
        arguments = ["--name", self.container(service), "--label", f"todo.compose={self.project}"]
        arguments += ["--network", self.network, "--network-alias", service]
        for env_file in definition.get("env_file", []):
            path = PROJECT_ROOT / env_file["path"]
            if path.exists() or env_file.get("required", True):
                arguments += ["--env-file", str(path)]
        for name, value in (definition.get("environment") or {}).items():
            arguments += ["--env", f"{name}={value}"]
        if "user" in definition:
            arguments += ["--user", str(definition["user"])]
        if definition.get("read_only"):
            arguments.append("--read-only")
        for path in definition.get("tmpfs", []):
            arguments += ["--tmpfs", path]
        if "restart" in definition:
            arguments += ["--restart", definition["restart"]]
        if "stop_signal" in definition:
            arguments += ["--stop-signal", definition["stop_signal"]]
        if "stop_grace_period" in definition:
            arguments += ["--stop-timeout", str(seconds(definition["stop_grace_period"]))]
        if "healthcheck" in definition:
            check = definition["healthcheck"]
            kind, *test = check["test"]
            arguments += ["--health-cmd", test[0] if kind == "CMD-SHELL" else json.dumps(test)]
            for key in ("interval", "timeout", "retries", "start_period"):
                if key in check:
                    arguments += [f"--health-{key.replace('_', '-')}", str(check[key])]
        for volume in definition.get("volumes", []):
            source, target, *mode = volume.split(":")
            if source.startswith((".", "/")):
                source = str((PROJECT_ROOT / source).resolve())
            else:
                source = f"{self.project}_{source}"
            arguments += ["--volume", ":".join([source, target, *mode])]
        for port in definition.get("ports", []):
            arguments += ["--publish", str(port)]
        # `expose` documents a port; on the network every port is reachable. `build`
        # is `make image`'s, whose tag is the service's `image`.
        return [*arguments, definition["image"], *definition.get("command", [])]

    def order(self) -> list[str]:
        """The services, each after those it depends on."""
        ordered: list[str] = []

        def visit(service: str) -> None:
            if service not in ordered:
                for dependency in self.services[service].get("depends_on", {}):
                    visit(dependency)
                ordered.append(service)

        for service in self.services:
            visit(service)
        return ordered

    def healthy(self, service: str) -> bool:
        """Runs the service's healthcheck once (the systemd timer's job)."""
        return podman("healthcheck", "run", self.container(service), check=False).returncode == 0

    def wait_healthy(self, service: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.healthy(service):
                return
            state = podman("inspect", "--format", "{{.State.Status}}", self.container(service)).stdout.strip()
            if state != "running":
                raise AssertionError(f"{service} is {state}:\n{self.logs(service)}")
            time.sleep(0.5)
        raise AssertionError(f"{service} not healthy within {timeout} s:\n{self.logs(service)}")

    def wait_completed(self, service: str) -> None:
        code = podman("wait", self.container(service), timeout=600).stdout.strip()
        if code != "0":
            raise AssertionError(f"{service} exited {code}:\n{self.logs(service)}")

    def up(self) -> None:
        podman("network", "create", self.network)
        for volume in self.volumes:
            podman("volume", "create", f"{self.project}_{volume}")
        for service in self.order():
            for dependency, condition in self.services[service].get("depends_on", {}).items():
                if condition["condition"] == "service_healthy":
                    self.wait_healthy(dependency)
                elif condition["condition"] == "service_completed_successfully":
                    self.wait_completed(dependency)
            podman("run", "--detach", *self.run_arguments(service))

    def logs(self, service: str, tail: int | None = 40) -> str:
        result = podman("logs", *(["--tail", str(tail)] if tail else []), self.container(service), check=False)
        return result.stdout + result.stderr

    def down(self) -> None:
        """Every container, the network and the volumes, whatever state they are in."""
        label = f"label=todo.compose={self.project}"
        podman("rm", "--force", "--volumes", "--time", "0", "--filter", label, check=False)
        podman("network", "rm", "--force", self.network, check=False)
        for volume in self.volumes:
            podman("volume", "rm", "--force", f"{self.project}_{volume}", check=False)


def compose_services() -> dict[str, dict[str, Any]]:
    """docker-compose.yml's services as written (YAML's merge keys applied)."""
    return yaml.safe_load(COMPOSE_FILE.read_text())["services"]


def confinement(definition: dict[str, Any]) -> list[str]:
    """`podman run` options for a compose service's user, read-only root and tmpfs."""
    arguments = ["--user", str(definition["user"])] if "user" in definition else []
    if definition.get("read_only"):
        arguments.append("--read-only")
    for path in definition.get("tmpfs", []):
        arguments += ["--tmpfs", path]
    return arguments


@pytest.fixture(scope="module")
def image_database() -> Iterator[str]:
    """A database of its own on the test run's PostgreSQL server (DATABASE_URL), dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://... (make test does)")
    name = f"container_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class ServedImage:
    container: str
    url: str
    secret: str
    migrate_output: str


@pytest.fixture(scope="module")
def served_image(container_image: str, image_database: str) -> Iterator[ServedImage]:
    """The image migrated as compose's `migrate` runs it, then serving as compose's replicas run it.

    On the host's network, so that it reaches the test run's PostgreSQL on
    loopback; it listens on a free loopback port (SERVER_BIND), with two workers.
    """
    services = compose_services()
    secret = secrets.token_urlsafe(32)
    port = free_port()
    environment = {
        "DATABASE_URL": image_database,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(32),
        "BETTER_AUTH_SECRET": secret,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "SERVER_BIND": f"127.0.0.1:{port}",
        "SERVER_WORKERS": "2",
    }
    env = [argument for name, value in environment.items() for argument in ("--env", f"{name}={value}")]
    container = f"todo-image-{secrets.token_hex(4)}"
    try:
        migrate = podman(
            "run", "--rm", "--network", "host", *confinement(services["migrate"]), *env,
            container_image, *services["migrate"]["command"], timeout=300,
        )  # fmt: skip
        podman(
            "run", "--detach", "--name", container, "--network", "host", *confinement(services["api-1"]), *env,
            container_image, *services["api-1"]["command"],
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for_http(f"{url}/health", timeout=60)
        except TimeoutError:
            logs = podman("logs", "--tail", "40", container, check=False)
            raise AssertionError(f"the image did not serve:\n{logs.stdout}{logs.stderr}") from None
        yield ServedImage(container, url, secret, migrate.stdout)
    finally:
        podman("rm", "--force", "--time", "0", container, check=False)


@pytest.fixture(scope="module")
def compose_topology(container_image: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ComposeTopology]:
    """docker-compose.yml up (nginx on a free loopback port), then down with its volumes, whatever happened.

    Secrets come from an override file, as an operator's `.env` would give them.
    """
    directory = tmp_path_factory.mktemp("compose")
    secret = secrets.token_urlsafe(32)
    app_secrets = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(32), "BETTER_AUTH_SECRET": secret}
    built = [name for name, definition in compose_services().items() if "build" in definition]
    override = directory / "secrets.yml"
    override.write_text(yaml.safe_dump({"services": {name: {"environment": app_secrets} for name in built}}))
    port = free_port()
    config = compose_config(override, environment={"PROXY_PUBLISH": f"127.0.0.1:{port}"})
    topology = ComposeTopology(f"todo-compose-{secrets.token_hex(3)}", config)
    topology.url = f"http://127.0.0.1:{port}"
    topology.secret = secret
    try:
        started = time.monotonic()
        topology.up()
        wait_for_http(f"{topology.url}/ready", timeout=60)
        topology.figures["up_s"] = round(time.monotonic() - started, 1)
        yield topology
    finally:
        topology.down()
