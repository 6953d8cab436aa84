"""The production topology on one machine, without Docker: the processes docker-compose.yml runs.

    scripts/topology up DIR              start everything; prints the proxy's URL
    scripts/topology down DIR            stop everything
    scripts/topology stop|start|kill SERVICE DIR

SERVICE is one of db, redis, api-1, api-2, proxy. DIR holds the data, the
logs (DIR/logs/SERVICE.log) and DIR/topology.json (ports, URLs, pids,
generated secrets). Everything listens on 127.0.0.1 only. As root, PostgreSQL
runs as `postgres` (scripts/postgres) and nginx's workers as `www-data`.

The commands and environment variable names are docker-compose.yml's, checked
by deploy/tests/test_compose_matches_topology.py: the compose file cannot be run
here, this script can, and the fault tests (topology/) run against it.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "api.conf.template"
POSTGRES_SCRIPT = PROJECT_ROOT / "scripts" / "postgres"
VENV_BIN = PROJECT_ROOT / ".venv" / "bin"

# The commands of docker-compose.yml's services (and the image's build step).
COLLECTSTATIC_COMMAND = ["python", "manage.py", "collectstatic", "--noinput"]
MIGRATE_COMMAND = ["python", "manage.py", "migrate", "--noinput"]
API_COMMAND = ["python", "-m", "server"]
REDIS_COMMAND = ["redis-server", "--save", "", "--appendonly", "no"]
PROXY_COMMAND = ["nginx", "-g", "daemon off;"]

API_REPLICAS = ("api-1", "api-2")
SERVICES = ("db", "redis", *API_REPLICAS, "proxy")
# Read from .env by docker compose (env_file); generated here.
SECRETS = ("DJANGO_SECRET_KEY", "BETTER_AUTH_SECRET")

# nginx stops gracefully on SIGQUIT (its image's STOPSIGNAL); the rest on SIGTERM.
_STOP_SIGNALS = {"proxy": signal.SIGQUIT}

# Every wait is bounded: nothing here can hang a CI job.
START_TIMEOUT = 60
STOP_TIMEOUT = 45


# What `up` records in topology.json: ports, secrets, pids, the database's URL.
State = dict[str, Any]


def app_environment(state: State) -> dict[str, str]:
    """The environment docker-compose.yml gives the migrate job and the replicas (names must match)."""
    return {
        "DATABASE_URL": state["database_url"],
        "REDIS_URL": f"redis://127.0.0.1:{state['ports']['redis']}/0",
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        # nginx is the one proxy in front: X-Forwarded-For's last entry is the client.
        "NUM_PROXIES": "1",
    }


def api_environment(state: State, replica: str) -> dict[str, str]:
    return {
        **app_environment(state),
        "SERVER_BIND": f"127.0.0.1:{state['ports'][replica]}",
        # nginx reads every body before a replica sees it (server/config.py, SERVER_BODY_THREADS).
        "SERVER_BODY_THREADS": "0",
    }


def proxy_environment(state: State) -> dict[str, str]:
    """The names the nginx template takes, as docker-compose.yml's proxy service sets them."""
    return {
        "PROXY_LISTEN": f"127.0.0.1:{state['ports']['proxy']}",
        # The replicas' DJANGO_ALLOWED_HOSTS: nginx refuses any other Host itself.
        "PROXY_SERVER_NAMES": app_environment(state)["DJANGO_ALLOWED_HOSTS"].replace(",", " "),
        "API_1_ADDRESS": f"127.0.0.1:{state['ports']['api-1']}",
        "API_2_ADDRESS": f"127.0.0.1:{state['ports']['api-2']}",
    }


def render_template(text: str, values: Mapping[str, str]) -> str:
    """What the nginx image's entrypoint does with envsubst: ${NAME} for each NAME given."""
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    return text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_http(url: str, *, timeout: float, expect: int = 200) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == expect:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer {expect} within {timeout}s")


def _is_running(pid: int | None) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # The state follows the parenthesised command name; Z is a zombie.
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


class Topology:
    """The processes of one topology, kept under `directory`."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory).resolve()
        self.state_file = self.directory / "topology.json"
        self.state: State = json.loads(self.state_file.read_text()) if self.state_file.exists() else {}
        self._children: dict[str, subprocess.Popen[bytes]] = {}

    # -- the whole topology -------------------------------------------------

    def up(self) -> str:
        if self.state_file.exists():
            raise RuntimeError(f"{self.directory} already holds a topology: `down` it, then use a fresh directory")
        self.directory.mkdir(parents=True, exist_ok=True)
        # PostgreSQL's and nginx's users must reach their files below it.
        self.directory.chmod(0o755)
        (self.directory / "logs").mkdir(exist_ok=True)
        self.state = {
            "ports": {name: _free_port() for name in ("redis", *API_REPLICAS, "proxy")},
            "secrets": {name: secrets.token_urlsafe(48) for name in SECRETS},
            "pids": {},
        }
        self._save()
        self.start("db")
        self.start("redis")
        self._run_once("collectstatic", COLLECTSTATIC_COMMAND)
        self._run_once("migrate", MIGRATE_COMMAND)
        for replica in API_REPLICAS:
            self.start(replica)
        self.start("proxy")
        return self.url

    def down(self) -> None:
        # All at once, as `docker compose down`: the replicas drain side by side.
        running = [service for service in ("proxy", *API_REPLICAS, "redis") if self.pid(service)]
        for service in running:
            self._signal(service, _STOP_SIGNALS.get(service, signal.SIGTERM))
        for service in running:
            if self.wait_until_stopped(service, timeout=STOP_TIMEOUT) is False:
                self.kill(service)
        self.stop("db")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.state['ports']['proxy']}"

    def replica_url(self, replica: str) -> str:
        return f"http://127.0.0.1:{self.state['ports'][replica]}"

    @property
    def database_url(self) -> str:
        return self.state["database_url"]

    @property
    def secrets(self) -> dict[str, str]:
        return self.state["secrets"]

    def log(self, service: str) -> Path:
        return self.directory / "logs" / f"{service}.log"

    def pid(self, service: str) -> int | None:
        return self.state["pids"].get(service)

    # -- one service --------------------------------------------------------

    def start(self, service: str) -> None:
        if service == "db":
            self._start_db()
        elif service == "redis":
            self._spawn("redis", self._redis_command())
            self._wait_for_redis()
        elif service in API_REPLICAS:
            self._spawn(service, API_COMMAND, env=self._app_env(api_environment(self.state, service)))
            _wait_for_http(f"{self.replica_url(service)}/health", timeout=START_TIMEOUT)
        elif service == "proxy":
            self._spawn("proxy", self._proxy_command())
            _wait_for_http(f"{self.url}/health", timeout=START_TIMEOUT)
        else:
            raise ValueError(f"unknown service: {service}")

    def stop(self, service: str) -> None:
        """Stop as docker compose stop would: SIGTERM (nginx: SIGQUIT), SIGKILL after STOP_TIMEOUT."""
        if service == "db":
            if self.state.get("database_url"):
                subprocess.run(
                    [str(POSTGRES_SCRIPT), "stop", str(self.directory / "postgres")],
                    capture_output=True,
                    timeout=STOP_TIMEOUT + 15,
                )
            return
        pid = self.pid(service)
        if pid is None:
            return
        self._signal(service, _STOP_SIGNALS.get(service, signal.SIGTERM))
        if self.wait_until_stopped(service, timeout=STOP_TIMEOUT) is False:
            self.kill(service)

    def kill(self, service: str) -> None:
        """SIGKILL to the service's whole process group (the server's main process and its workers)."""
        pid = self.pid(service)
        if pid is None:
            return
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.wait_until_stopped(service, timeout=10)

    def signal(self, service: str, signum: int) -> None:
        self._signal(service, signum)

    def wait_until_stopped(self, service: str, *, timeout: float) -> int | None | bool:
        """Wait for the service's main process to exit; answer its exit code (None if unknown) or False."""
        pid = self.pid(service)
        child = self._children.get(service)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if child is not None and child.poll() is not None:
                return child.returncode
            if child is None and not _is_running(pid):
                return None
            time.sleep(0.05)
        return False

    # -- details ------------------------------------------------------------

    def _save(self) -> None:
        self.state_file.write_text(json.dumps(self.state, indent=2))

    def _app_env(self, overrides: Mapping[str, str]) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "SERVER_")) and key not in ("DATABASE_URL", "REDIS_URL")
        }
        env.update(self.state["secrets"])
        env.update(overrides)
        env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _run_once(self, name: str, command: Sequence[str]) -> None:
        with open(self.log(name), "ab") as log:
            subprocess.run(
                command,
                cwd=PROJECT_ROOT,
                env=self._app_env(app_environment(self.state)),
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=300,
            )

    def _spawn(self, service: str, command: Sequence[str], env: Mapping[str, str] | None = None) -> None:
        log = open(self.log(service), "ab")
        # A session of its own: signals reach the whole service, and a Ctrl-C
        # meant for the caller does not.
        child = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        self._children[service] = child
        self.state["pids"][service] = child.pid
        self._save()

    def _signal(self, service: str, signum: int) -> None:
        pid = self.pid(service)
        if pid is None:
            return
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    def _start_db(self) -> None:
        directory = self.directory / "postgres"
        command = "resume" if (directory / "data").exists() else "start"
        result = subprocess.run(
            [str(POSTGRES_SCRIPT), command, str(directory)], capture_output=True, text=True, timeout=START_TIMEOUT + 60
        )
        if result.returncode != 0:
            raise RuntimeError(f"scripts/postgres {command} failed:\n{result.stderr[-4000:]}")
        if command == "start":
            self.state["database_url"] = result.stdout.strip()
            self._save()

    def _redis_command(self) -> list[str]:
        directory = self.directory / "redis"
        directory.mkdir(exist_ok=True)
        return [
            *REDIS_COMMAND,
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.state["ports"]["redis"]),
            "--dir",
            str(directory),
        ]

    def _wait_for_redis(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.state["ports"]["redis"]), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise TimeoutError("redis-server did not answer PING")

    def _proxy_command(self) -> list[str]:
        prefix = self.directory / "nginx"
        temp = prefix / "temp"
        temp.mkdir(parents=True, exist_ok=True)
        temp.chmod(0o755)
        (prefix / "api.conf").write_text(render_template(NGINX_TEMPLATE.read_text(), proxy_environment(self.state)))
        # What the nginx image's own nginx.conf provides around the template.
        user = "user www-data;\n" if os.geteuid() == 0 else ""
        (prefix / "nginx.conf").write_text(
            f"{user}worker_processes auto;\n"
            f"pid {prefix / 'nginx.pid'};\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            "    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n"
            + "".join(
                f"    {kind}_temp_path {temp / kind};\n"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            )
            + f"    include {prefix / 'api.conf'};\n"
            "}\n"
        )
        return [*PROXY_COMMAND, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr"]


def main(argv: Sequence[str]) -> int:
    usage = "usage: scripts/topology up|down DIR | stop|start|kill SERVICE DIR"
    if len(argv) == 2 and argv[0] in ("up", "down"):
        command, directory = argv
        topology = Topology(directory)
        if command == "up":
            try:
                print(topology.up())
            except BaseException:
                topology.down()
                raise
        else:
            topology.down()
        return 0
    if len(argv) == 3 and argv[0] in ("stop", "start", "kill") and argv[1] in SERVICES:
        command, service, directory = argv
        getattr(Topology(directory), command)(service)
        return 0
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
