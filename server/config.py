"""The server's settings, read from the environment in one place (`Config.from_env`).

Every knob comes from the environment, or from `.env` as for Django;
`.env.example` documents each one. The WSGI layer (server/wsgi.py) reads the
same settings in each worker.
"""

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")
env = environ.Env()


def available_cores() -> int:
    """The cores this process may run on: a container's CPU set, not the host's count."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def parse_bind(bind: str) -> tuple[str, int]:
    """`host:port` (IPv6 as `[::]:8000`) -> (host, port)."""
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"SERVER_BIND must be HOST:PORT, not {bind!r}")
    return host.strip("[]"), int(port)


# Slow-body threads per worker when the server listens beyond loopback (see `body_threads`).
EXPOSED_BODY_THREADS = 8


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host`: a loopback address or `localhost`."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


@dataclass(frozen=True)
class Config:
    host: str
    port: int
    workers: int
    blocking_threads: int
    body_threads: int
    body_timeout: float
    http: str
    backlog: int
    drain_seconds: float
    graceful_timeout: int
    keepalive: bool
    header_read_timeout: int
    workers_max_rss: int
    workers_lifetime: int
    log_level: str
    metrics: bool
    metrics_dir: str

    @classmethod
    def from_env(cls) -> Self:
        # Loopback unless told otherwise: the replica is meant to sit behind
        # the proxy (README, "Serving in production"); the image and the
        # compose file name 0.0.0.0, inside their container, themselves.
        host, port = parse_bind(env.str("SERVER_BIND", default="") or f"127.0.0.1:{env.int('PORT', default=8000)}")
        return cls(
            host=host,
            port=port,
            # One process per core: granian's Rust threads do the network I/O,
            # each worker's Python thread(s) run Django.
            workers=env.int("SERVER_WORKERS", default=available_cores()),
            # Python threads per worker running Django; under the GIL more
            # than one helps only while requests wait on the database.
            blocking_threads=env.int("SERVER_BLOCKING_THREADS", default=1),
            # More Python threads per worker that only wait for request
            # bodies (server/wsgi.py): this many clients sending a body slowly
            # delay nobody else. Past them, requests queue until a body
            # arrives or its deadline passes. They cost about a fifth of the
            # throughput (docs/benchmarks.md), so they are on by default only
            # where clients may reach the server directly: on loopback the
            # clients are a proxy on this machine, which reads every body
            # before it sends one on. A proxy elsewhere: set 0 (compose does).
            body_threads=env.int("SERVER_BODY_THREADS", default=0 if is_loopback(host) else EXPOSED_BODY_THREADS),
            # Seconds a request's declared body has to arrive once its
            # headers are in; then 408 (server/bodies.py). Granian has no such
            # deadline of its own.
            body_timeout=env.float("SERVER_BODY_TIMEOUT", default=10),
            # HTTP/1.1 only by default: `auto` would also serve HTTP/2 over
            # plain TCP (h2c, prior knowledge), which no browser sends and
            # the proxy never uses, with its own limits to get right.
            http=env.str("SERVER_HTTP", default="1"),
            # Connections the kernel completes and queues per listening socket.
            backlog=env.int("SERVER_BACKLOG", default=1024),
            # On SIGTERM, /ready answers 503 this long before anything stops,
            # while every request is still served: time for a load balancer or
            # Kubernetes to take the replica out of rotation.
            drain_seconds=env.float("SERVER_DRAIN_SECONDS", default=5),
            # After the drain, workers finish their requests in flight for up
            # to this long before they are killed; the queue wait is bounded by it too.
            graceful_timeout=env.int("SERVER_GRACEFUL_TIMEOUT", default=30),
            keepalive=env.bool("SERVER_KEEPALIVE", default=True),
            # Seconds a client has to send a request's headers (a slowloris
            # holds no Python thread, only this much of a Rust task).
            header_read_timeout=env.int("SERVER_HEADER_READ_TIMEOUT", default=30),
            # Worker recycling, gunicorn's max_requests in another form: a
            # worker whose memory passes this many MiB (sampled every 30 s) is
            # replaced, gracefully, so a slow leak never takes a replica down.
            # Sampling costs nothing noticeable and a healthy worker (~70 MiB)
            # is never restarted, so it is on by default; 0 turns it off.
            workers_max_rss=env.int("SERVER_WORKERS_MAX_RSS", default=512),
            # Replace every worker after this many seconds (at least 60);
            # 0, the default, never: memory, above, is what recycling is for.
            workers_lifetime=env.int("SERVER_WORKERS_LIFETIME", default=0),
            log_level=env.str("DJANGO_LOG_LEVEL", default="INFO"),
            # Prometheus metrics (core/metrics.py), on when a token is set to read them with;
            # the workers' counts go to a directory of this instance's (server/metrics.py).
            metrics=bool(env.str("METRICS_TOKEN", default="")),
            metrics_dir=env.str("SERVER_METRICS_DIR", default=""),
        )
