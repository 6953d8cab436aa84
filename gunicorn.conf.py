"""Gunicorn, as `make serve` and the Docker image run it: `gunicorn config.wsgi --config gunicorn.conf.py`.

Every knob comes from the environment (or `.env`, as for Django); `.env.example`
documents each one. Logs are the project's JSON lines (`core.logging`).
"""

import logging
import os
import sys
import time
from pathlib import Path

import environ

from core import draining, listeners
from core.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")
env = environ.Env()


def _available_cores():
    # The cores this process may run on: a container's CPU set, not the host's count.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


bind = env.str("GUNICORN_BIND", default="") or f"0.0.0.0:{env.int('PORT', default=8000)}"
workers = env.int("GUNICORN_WORKERS", default=2 * _available_cores() + 1)
# More than one thread switches to the gthread worker, which also honours keepalive.
threads = env.int("GUNICORN_THREADS", default=1)
timeout = env.int("GUNICORN_TIMEOUT", default=30)
# On SIGTERM, workers finish their in-flight requests for up to this long.
graceful_timeout = env.int("GUNICORN_GRACEFUL_TIMEOUT", default=30)
# On SIGTERM, /ready answers 503 this long before anything stops, while every
# request is still served: time for a load balancer or Kubernetes to take the
# replica out of rotation (see `when_ready`). Not a gunicorn setting.
DRAIN_SECONDS = env.float("GUNICORN_DRAIN_SECONDS", default=5)
keepalive = env.int("GUNICORN_KEEPALIVE", default=5)
# Recycle workers now and then so a slow leak never takes a replica down; the
# jitter keeps them from all restarting at once.
max_requests = env.int("GUNICORN_MAX_REQUESTS", default=1000)
max_requests_jitter = env.int("GUNICORN_MAX_REQUESTS_JITTER", default=100)
# Proxies trusted for X-Forwarded-Proto and friends ("*" behind a load balancer
# whose address is not fixed, when nothing else can reach the port).
forwarded_allow_ips = env.str("FORWARDED_ALLOW_IPS", default="127.0.0.1,::1")
# The workers' heartbeat files: on a container's overlay disk they can stall a
# worker long enough to be killed as timed out; memory never does.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"

# Gunicorn's runtime control socket (`gunicornc`) is not used here; left on, it
# lands in $HOME, where every instance on the machine would share one path.
control_socket_disable = True

# JSON lines: gunicorn's own messages like the application's, access lines on
# stdout without query strings. Setting this turns the access log on.
logconfig_dict = logging_config(env.str("DJANGO_LOG_LEVEL", default="INFO"))


def on_starting(server):
    """Refuse to start on unsafe configuration (a missing or weak secret), naming the variable.

    Runs Django's system checks once, in the master, before any worker boots;
    the errors name the environment variable and never its value.
    """
    import django
    from django.core import checks

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    errors = [
        message
        for message in checks.run_checks()
        if message.level >= checks.ERROR and not message.is_silenced()
    ]
    if errors:
        # Gunicorn prints a RuntimeError's message and exits with status 1.
        raise RuntimeError(
            "Refusing to start: the system checks found errors.\n"
            + "\n".join(str(error) for error in errors)
        )


def when_ready(server):
    """SIGTERM drains instead of stopping at once (see `drain_then_stop`)."""
    server.handle_term = lambda: drain_then_stop(server)


def drain_then_stop(server):
    """Gunicorn's graceful stop, preceded by a drain that drops no request.

    1. `/ready` turns 503 in every worker (`core.draining`), and for
       DRAIN_SECONDS everything goes on as before: the master keeps its
       workers, the workers serve every request.
    2. The listening sockets stop completing new handshakes: a client's
       connection attempt goes unanswered, as to a stopped server, and a proxy
       tries another replica; nothing was sent, so even a POST is safe to retry.
    3. The connections already queued on the sockets are accepted and served.
       (Closing a socket with connections still queued would reset them.)
    4. Gunicorn's own graceful stop: the sockets close, workers finish the
       requests in flight within `graceful_timeout` and the master exits 0.
    """
    draining.begin()
    server.log.info("Draining: /ready answers 503; serving for %ss more", DRAIN_SECONDS)
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        server.reap_workers()
        server.murder_workers()
        server.manage_workers()
        time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))

    sockets = [listener.sock for listener in server.LISTENERS]
    refusing = [sock for sock in sockets if listeners.refuse_new_connections(sock)]
    deadline = time.monotonic() + graceful_timeout
    while any(listeners.queued_connections(sock) for sock in refusing) and time.monotonic() < deadline:
        server.reap_workers()
        server.manage_workers()
        time.sleep(0.01)
    server.log.info("Drained: no connection is queued; stopping")
    raise StopIteration


def worker_exit(server, worker):
    """A worker that is done leaves without the interpreter's teardown.

    The teardown only frees memory the kernel frees anyway, and costs about
    a second of CPU per worker: on a busy machine, every worker of a draining
    replica tearing down at once held its exit for 10 s and more, and each
    recycled worker (max_requests) took that CPU from the ones serving.
    Gunicorn calls this while the worker's SystemExit propagates; its exit
    status is kept.
    """
    exiting = sys.exc_info()[1]
    if not isinstance(exiting, SystemExit) or not isinstance(exiting.code, (int, type(None))):
        return
    from django.db import connections

    connections.close_all()
    logging.shutdown()
    os._exit(exiting.code or 0)
