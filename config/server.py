"""The production server: granian's WSGI server, as `make serve` and the Docker image run it.

    python -m config.server

Why granian: on keep-alive traffic it served about twice gunicorn's sync
requests a second with the same app (gunicorn's sync workers close every
connection after its response; granian reads and writes HTTP in Rust and keeps
connections open), and its own cost is negligible next to Django's.

Every knob comes from the environment (or `.env`, as for Django), read here in
one place (`Config.from_env`); `.env.example` documents each one. Logs are the
project's JSON lines (`core.logging`). What this adds to granian:

- Django's system checks run once, here, before any worker starts: unsafe
  configuration (a missing or weak secret) stops start-up with status 1 and a
  message naming the variable, never its value.
- On SIGTERM or SIGINT the server drains before it stops (`drain_then_stop`):
  `/ready` answers 503 at once in every worker while every request is still
  served; then no new connection is taken, the ones already queued are
  served, and only then does granian's graceful stop begin.
- The listening sockets belong to this, the main process: one SO_REUSEPORT
  socket per worker, as granian makes them on Linux, but made here and handed
  to the worker of that index (also to its replacement when it is respawned),
  so the drain can reach every one of them, and a respawned worker's queued
  connections wait for its successor instead of being reset.
- Workers are forked (multiprocessing's fork start method), and a forked
  process leaves with `os._exit`: no interpreter teardown, which only frees
  memory the kernel frees anyway and cost about a second of CPU per worker
  (gunicorn.conf.py's `worker_exit` skipped it by hand).
"""

import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")
env = environ.Env()

# Imported before any worker is forked: the drain flag is one byte of
# anonymous shared memory made at import, shared by every worker forked after.
from core import draining, listeners  # noqa: E402
from core.logging import logging_config  # noqa: E402

APPLICATION = "config.wsgi:application"
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
logger = logging.getLogger("_granian")  # granian's own logger: our lines sit with its


def available_cores():
    """The cores this process may run on: a container's CPU set, not the host's count."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def parse_bind(bind):
    """`host:port` (IPv6 as `[::]:8000`) -> (host, port)."""
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"SERVER_BIND must be HOST:PORT, not {bind!r}")
    return host.strip("[]"), int(port)


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

    @classmethod
    def from_env(cls):
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
            # bodies (config/wsgi.py): this many clients sending a body slowly
            # delay nobody else. Past them, requests queue until a body
            # arrives or its deadline passes.
            body_threads=env.int("SERVER_BODY_THREADS", default=0),
            # Seconds a request's declared body has to arrive once its
            # headers are in; then 408 (core/bodies.py). Granian has no such
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
        )


def refuse_unsafe_configuration():
    """Run Django's system checks once, here; exit 1 on errors (they name the variable, never its value)."""
    import django
    from django.core import checks
    from django.db import connections

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    errors = [message for message in checks.run_checks() if message.level >= checks.ERROR and not message.is_silenced()]
    # Nothing this process opened may be shared with the workers it forks.
    connections.close_all()
    if errors:
        logger.error("Refusing to start: the system checks found errors.\n" + "\n".join(str(error) for error in errors))
        sys.exit(1)


def stop_when_the_main_process_says():
    """In a worker, instead of granian's handlers: SIGTERM/SIGINT stop it only when the main process sends them.

    Sent to the whole process group (Ctrl-C in a terminal, `kill -TERM -- -PGID`,
    a supervisor stopping everything), they would stop every worker at once
    while the main process drains; the main process stops its workers itself
    once drained. A worker whose main process is gone obeys anyone.
    Answers the event granian's worker waits on, as `set_sync_signals` does.
    """
    from granian._granian import WorkerSignal

    stop = WorkerSignal()
    parent = os.getppid()
    signals = STOP_SIGNALS
    # Blocked since the fork (`Server._spawn_worker`), and so in every thread
    # granian starts, which inherit the mask: these signals only ever reach
    # `sigwaitinfo` below, even one sent while the worker was starting.
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)

    def wait():
        while True:
            info = signal.sigwaitinfo(signals)
            if info.si_pid == parent or os.getppid() != parent:
                stop.set()
                return
            logger.info(
                "Worker %s ignores %s from PID %s: the main process drains, then stops it",
                os.getpid(),
                signal.Signals(info.si_signo).name,
                info.si_pid,
            )

    threading.Thread(target=wait, name="stop-signal", daemon=True).start()
    return stop


def _server_class():
    from granian import _signals as granian_signals
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.net import SocketSpec
    from granian.server import common
    from granian.server.mp import MPServer

    class Server(MPServer):
        """Granian's multi-process server, holding the listening sockets and draining on SIGTERM/SIGINT."""

        def __init__(self, config):
            self.config = config
            super().__init__(
                APPLICATION,
                address=config.host,
                port=config.port,
                interface=Interfaces.WSGI,
                workers=config.workers,
                blocking_threads=config.blocking_threads + config.body_threads,
                http=HTTPModes(config.http),
                backlog=config.backlog,
                http1_settings=HTTP1Settings(
                    keep_alive=config.keepalive, header_read_timeout=config.header_read_timeout * 1000
                ),
                log_level=config.log_level.lower(),
                log_dictconfig=logging_config(config.log_level),
                # Access lines are the application's (core.middleware, logger core.access).
                log_access=False,
                # A worker that dies is replaced, as gunicorn's master does.
                respawn_failed_workers=True,
                workers_max_rss=config.workers_max_rss or None,
                workers_lifetime=config.workers_lifetime or None,
                workers_kill_timeout=config.graceful_timeout,
            )
            self._listeners = []
            self._draining = threading.Event()
            # Granian warns at every start when a worker may run more Python
            # threads than two per core; all but SERVER_BLOCKING_THREADS of
            # these only wait for request bodies (config/wsgi.py).
            logging.getLogger("_granian").addFilter(
                lambda record: not record.getMessage().startswith("Configuration allows spawning up to")
            )
            # In the workers forked from here: stop when this process says so.
            granian_signals.set_sync_signals = stop_when_the_main_process_says

        # -- the listening sockets ------------------------------------------

        def _init_shared_socket(self):
            if sys.platform != "linux" or self.bind_uds:
                return super()._init_shared_socket()
            # One SO_REUSEPORT socket per worker, the kernel spreading new
            # connections over them, as granian does on Linux; but made here
            # and kept open here for the server's whole life.
            spec = SocketSpec(self.bind_addr, self.bind_port, self.backlog)
            self._holders = [spec.build() for _ in range(self.workers)]
            self._listeners = [socket.socket(fileno=os.dup(holder.get_fd())) for holder in self._holders]
            self._sso = None

        def _spawn_worker(self, idx, target, callback_loader):
            if self._listeners:
                # The worker of this index (or its replacement) serves this socket.
                self._ssp, self._shd = None, self._holders[idx]
            worker = super()._spawn_worker(idx, target, callback_loader)
            fork = worker.inner.start

            def fork_with_stop_signals_blocked():
                # A forked worker starts with this process's signal handlers:
                # a SIGTERM reaching it before it sets its own would run this
                # process's drain in it, and the worker would then ignore the
                # stop. Blocked across the fork, such a signal waits in the
                # worker for `stop_when_the_main_process_says`.
                previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
                try:
                    fork()
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, previous)

            worker.inner.start = fork_with_stop_signals_blocked
            return worker

        # -- the drain ------------------------------------------------------

        def signal_handler_interrupt(self, *args, **kwargs):
            # Once: a supervisor may send the signal to the process and to its group.
            if not self._draining.is_set():
                self._draining.set()
                threading.Thread(target=self.drain_then_stop, name="drain", daemon=True).start()

        def drain_then_stop(self):
            """Granian's graceful stop, preceded by a drain that drops no request.

            1. `/ready` turns 503 in every worker (`core.draining`), and for
               SERVER_DRAIN_SECONDS everything goes on as before.
            2. The listening sockets stop completing new handshakes: a
               client's connection attempt goes unanswered, as to a stopped
               server, and a proxy tries another replica; nothing was sent, so
               even a POST is safe to retry.
            3. The connections already queued on the sockets are accepted and
               served. (Closing a socket with connections queued resets them.)
            4. Granian's own graceful stop: each worker stops accepting,
               finishes the requests in flight (up to SERVER_GRACEFUL_TIMEOUT,
               then it is killed) and the main process exits 0.
            """
            draining.begin()
            logger.info("Draining: /ready answers 503; serving for %ss more", self.config.drain_seconds)
            time.sleep(self.config.drain_seconds)
            refusing = [sock for sock in self._listeners if listeners.refuse_new_connections(sock)]
            deadline = time.monotonic() + self.config.graceful_timeout
            while (queued := sum(listeners.queued_connections(sock) for sock in refusing)) and (
                time.monotonic() < deadline
            ):
                time.sleep(0.01)
            if queued:
                logger.warning(
                    "Stopping with %s connections still queued after %ss", queued, self.config.graceful_timeout
                )
            else:
                logger.info("Drained: no connection is queued; stopping")
            MPServer.signal_handler_interrupt(self)

        def _drop_shared_socket(self):
            super()._drop_shared_socket()
            for sock in self._listeners:
                sock.close()

        def serve(self, *args, **kwargs):
            # Granian warns that a respawned worker's queued connections are
            # reset unless net.ipv4.tcp_migrate_req is on: true of the sockets
            # it gives each worker, not of these, which outlive every worker.
            if self._listeners or (sys.platform == "linux" and not self.bind_uds):
                common._tcp_migrate_req_enabled = lambda: True
            return super().serve(*args, **kwargs)

    return Server


def main():
    config = Config.from_env()
    # The workers are forked (Python 3.11's default on Linux, made explicit):
    # the drain flag's shared memory and the listening sockets reach them so.
    multiprocessing.set_start_method("fork", force=True)
    Server = _server_class()
    # Built first: it configures logging, so the checks' refusal is a JSON line too.
    server = Server(config)
    refuse_unsafe_configuration()
    server.serve()


if __name__ == "__main__":
    main()
