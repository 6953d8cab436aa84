"""The production server's main process: granian's WSGI server, as `make serve` and the Docker image run it.

    python -m server

Why granian: on keep-alive traffic it served about twice gunicorn's sync
requests a second with the same app (gunicorn's sync workers close every
connection after its response; granian reads and writes HTTP in Rust and keeps
connections open), and its own cost is negligible next to Django's.

Settings come from the environment (server/config.py); logs are the
project's JSON lines (`core.logging`). What this adds to granian, in the
order start-up meets it:

- Granian's version is checked first: the overrides of its private parts
  (server/overrides.py, where each is explained) were verified against the
  versions named there, and any other stops start-up with status 1.
- Django's system checks run once, here, before any worker is forked:
  unsafe configuration (a missing or weak secret) stops start-up with status
  1 and a message naming the variable, never its value. Loading a WSGI
  application runs no system checks (management commands do), so without
  this a weak secret would be served; and run here rather than in each
  worker, a refusal stops the server before it listens, instead of workers
  failing one after another until granian gives up on a crash loop.
- The listening sockets belong to the main process (server/overrides.py):
  the drain reaches every one of them, and a respawned worker's queued
  connections wait for its successor instead of being reset.
- On SIGTERM or SIGINT the server drains before it stops (server/draining.py):
  `/ready` answers 503 at once in every worker while every request is still
  served; then no new connection is taken, the ones already queued are
  served, and only then does granian's graceful stop begin. A worker obeys
  these signals only from the main process (server/overrides.py).
- Workers are forked (multiprocessing's fork start method, which granian
  follows), and a forked process leaves with `os._exit`: no interpreter
  teardown, which only frees memory the kernel frees anyway and cost about a
  second of CPU per worker. The drain flag's shared memory and the listening
  sockets reach the workers through the fork.
"""

import logging
import logging.config
import multiprocessing
import os
import signal
import sys
import threading

from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings

from core.logging import logging_config

# Imported before any worker is forked: the drain flag is one byte of
# anonymous shared memory made at import, shared by every worker forked after.
from . import draining, overrides
from .config import Config
from .metrics import VARIABLE as METRICS_DIRECTORY_VARIABLE
from .metrics import MetricsDirectory, MetricsDirectoryInUse

APPLICATION = "config.wsgi:application"
logger = logging.getLogger("_granian")  # granian's own logger: our lines sit with its


def build_server(config: Config) -> overrides.SharedSocketServer:
    """Granian's server as `config` says, logging the project's JSON lines."""
    return overrides.SharedSocketServer(
        APPLICATION,
        address=config.host,
        port=config.port,
        interface=Interfaces.WSGI,
        workers=config.workers,
        # SERVER_BODY_THREADS more threads only wait for request bodies (server/wsgi.py).
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


def refuse_unverified_granian() -> None:
    """Exit 1 unless the installed granian is one the overrides were verified against."""
    try:
        overrides.require_verified_granian()
    except overrides.UnverifiedGranian as error:
        logger.error("Refusing to start: %s", error)
        sys.exit(1)


def prepare_metrics(config: Config) -> MetricsDirectory | None:
    """With metrics on, this instance's directory for the workers' counts (server/metrics.py); exit 1 if taken."""
    # Inherited, the variable would point the workers at a directory no instance of this server made.
    os.environ.pop(METRICS_DIRECTORY_VARIABLE, None)
    if not config.metrics:
        return None
    try:
        return MetricsDirectory.prepare(config.metrics_dir)
    except MetricsDirectoryInUse as error:
        logger.error("Refusing to start: %s", error)
        sys.exit(1)


def refuse_unsafe_configuration() -> None:
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


def drain_on_the_first_stop_signal(server: overrides.SharedSocketServer, config: Config) -> None:
    """A start-up hook: the first SIGTERM or SIGINT drains (server/draining.py), then granian stops gracefully.

    The signals are blocked in this process since before `serve()` (and so in
    every thread and worker it starts after): they reach only `sigwaitinfo`
    here, never granian's handlers. Once is enough: a supervisor may send the
    signal to the process and to its group; the later ones stay pending.
    """

    def wait() -> None:
        signal.sigwaitinfo(overrides.STOP_SIGNALS)
        draining.drain(
            server.listening_sockets, serving_seconds=config.drain_seconds, queue_timeout=config.graceful_timeout
        )
        # What granian does on SIGTERM itself: stop the workers gracefully, then exit 0.
        server.signal_handler_interrupt()

    threading.Thread(target=wait, name="drain", daemon=True).start()


def main() -> None:
    config = Config.from_env()
    # The project's JSON lines from the first message (granian applies the same configuration again).
    logging.config.dictConfig(logging_config(config.log_level))
    # Before anything of granian is overridden, or even built.
    refuse_unverified_granian()
    # The workers are forked (Python 3.11's default on Linux, made explicit):
    # the drain flag's shared memory and the listening sockets reach them so.
    multiprocessing.set_start_method("fork", force=True)
    # Before Django, and so prometheus_client, is imported: it reads the directory once, then.
    metrics_directory = prepare_metrics(config)
    server = build_server(config)
    if metrics_directory is not None:
        server.on_shutdown(metrics_directory.close)
    refuse_unsafe_configuration()
    overrides.stop_workers_only_when_the_main_process_says()
    overrides.quiet_untrue_warnings()
    server.on_startup(lambda: drain_on_the_first_stop_signal(server, config))
    # From here on a stop signal waits for the drain's `sigwaitinfo`; each
    # worker, forked by this thread, starts with them blocked too.
    signal.pthread_sigmask(signal.SIG_BLOCK, overrides.STOP_SIGNALS)
    server.serve()
