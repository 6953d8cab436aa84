"""What this server changes inside granian, why, and the granian versions it was verified against.

Most of it goes through granian's public API (server/run.py): the
constructor's arguments, the `on_startup`/`on_shutdown` hooks and `serve()`.

- The system checks run in the main process before `serve()`, so before any
  worker is forked: one refusal, at once, instead of every worker failing in
  turn (server/run.py says more).
- The drain: a start-up hook waits for SIGTERM/SIGINT, which the main
  process blocks before serving (so granian's own handlers never see them),
  drains (server/draining.py), then calls `signal_handler_interrupt()`, what
  granian's handler would have done at once. That method is public by its
  name but undocumented, and so is verified here too.
- The listening sockets are made by a start-up hook, from the address
  granian was given (`bind_addr`, `bind_port`, `backlog`, `workers`,
  `bind_uds`: its attributes, undocumented too), and closed by a shutdown hook.

Two needs have no public way, and reach into granian's private parts:

- **The shared sockets** (`SharedSocketServer._spawn_worker`). On Linux
  granian gives each worker a socket *spec*, and each worker binds its own
  SO_REUSEPORT socket: the main process holds none, so it cannot make them
  stop taking connections when it drains (server/draining.py), and a
  respawned worker's queued connections are reset with its socket. Here the
  main process makes one SO_REUSEPORT socket per worker (as granian would,
  the kernel spreading connections over them), keeps them for its whole life,
  and hands the socket of each index to the worker of that index, and to its
  replacement. Granian's constructor takes no sockets; its workers get theirs
  from `_spawn_worker`, which packs the private `_ssp` (spec) and `_shd`
  (socket holder) into the worker's arguments.
- **The workers' stop signals** (`granian._signals.set_sync_signals`,
  replaced, and `granian._granian.WorkerSignal`). A granian WSGI worker
  stops on any SIGTERM or SIGINT. Sent to the whole process group (Ctrl-C in
  a terminal, `kill -TERM -- -PGID`, a supervisor stopping everything), they
  would stop every worker at once while the main process drains. Granian has
  no option for it: its worker asks `set_sync_signals()` for the event it
  waits on before stopping; this module's replacement answers one that only
  the main process's signal sets.

Two of granian's warnings are untrue here and filtered out of its log
(`quiet_untrue_warnings`); that needs no version: reworded, one is only shown.

Each of the above is re-read against a new granian's source before its
version joins VERIFIED_GRANIAN_VERSIONS; until then the server refuses to
start (server/run.py), and core/tests/test_granian_version.py fails.
"""

import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import granian
from granian.net import SocketHolder, SocketSpec
from granian.server import MPServer

if TYPE_CHECKING:
    from granian._granian import WorkerSignal
    from granian.server.mp import WorkerProcess

# The granian versions whose source all of the above was verified against.
VERIFIED_GRANIAN_VERSIONS = ("2.8.7",)

STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
logger = logging.getLogger("_granian")  # granian's own logger: our lines sit with its


class UnverifiedGranian(Exception):
    """The installed granian is not a version the overrides were verified against."""


def require_verified_granian() -> None:
    """Raise UnverifiedGranian unless the installed granian is in VERIFIED_GRANIAN_VERSIONS."""
    if granian.__version__ not in VERIFIED_GRANIAN_VERSIONS:
        raise UnverifiedGranian(
            f"granian {granian.__version__} is not a version this server was verified against"
            f" ({', '.join(VERIFIED_GRANIAN_VERSIONS)}): server/overrides.py reaches into granian's private"
            " parts. Re-read each override there against this version's source, then add it to"
            " VERIFIED_GRANIAN_VERSIONS; or install a verified version (requirements.txt)."
        )


# MPServer by name: what `granian.Granian` is on every Python with the GIL (on a free-threaded one,
# granian's workers are threads, which none of these overrides is for).
class SharedSocketServer(MPServer):
    """Granian's multi-process server, whose workers serve listening sockets the main process made and keeps."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Python sockets for the drain (server/draining.py), and granian's holders for the workers.
        self.listening_sockets: list[socket.socket] = []
        self.socket_holders: list[SocketHolder] = []
        # After granian has checked it can bind the address, before the first worker is forked.
        self.on_startup(self.make_listening_sockets)
        self.on_shutdown(self.close_listening_sockets)

    def make_listening_sockets(self) -> None:
        if sys.platform != "linux" or self.bind_uds:
            return  # Granian's one socket, shared by every worker, made and kept by this process.
        spec = SocketSpec(self.bind_addr, self.bind_port, self.backlog)
        self.socket_holders = [spec.build() for _ in range(self.workers)]
        self.listening_sockets = [socket.socket(fileno=os.dup(holder.get_fd())) for holder in self.socket_holders]

    def close_listening_sockets(self) -> None:
        for sock in self.listening_sockets:
            sock.close()

    # MPServer's signature, the one granian calls: its abstract base declares a `socket_loader` nothing passes.
    def _spawn_worker(  # type: ignore[override]
        self, idx: int, target: Callable[..., None], callback_loader: Callable[..., Any]
    ) -> "WorkerProcess":
        if self.socket_holders:
            # The worker of this index, or its replacement, serves this socket. (Granian's
            # unannotated `_shd = None` reads as always None; granian's own holder goes there too.)
            self._ssp, self._shd = None, self.socket_holders[idx]  # type: ignore[assignment]
        return super()._spawn_worker(idx, target, callback_loader)


def stop_workers_only_when_the_main_process_says() -> None:
    """In the workers forked from now on, SIGTERM/SIGINT stop the worker only when its main process sends them."""
    from granian import _signals

    _signals.set_sync_signals = stop_when_the_main_process_says


def stop_when_the_main_process_says() -> "WorkerSignal":
    """In a worker, instead of granian's handlers: the event the worker waits on, set by its main process's signal.

    The main process stops its workers itself once drained. A worker whose
    main process is gone obeys anyone.
    """
    from granian._granian import WorkerSignal

    stop = WorkerSignal()
    parent = os.getppid()
    # Blocked since the fork (the main process blocks them before it forks,
    # server/run.py), and so in every thread granian starts, which inherit
    # the mask: these signals only ever reach `sigwaitinfo` below, even one
    # sent while the worker was starting. Blocked here too, as `sigwaitinfo`
    # requires, whoever forked this worker.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)

    def wait() -> None:
        while True:
            info = signal.sigwaitinfo(STOP_SIGNALS)
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


# Granian's warnings that are untrue of this server, by how they begin.
UNTRUE_WARNINGS = (
    # A worker may run more Python threads than two per core: all but
    # SERVER_BLOCKING_THREADS of them only wait for request bodies (server/wsgi.py).
    "Configuration allows spawning up to",
    # A respawned worker's queued connections are reset unless
    # net.ipv4.tcp_migrate_req is on: true of the sockets granian gives each
    # worker, not of these, which outlive every worker.
    "Workers respawn is configured, but the net.ipv4.tcp_migrate_req sysctl",
)


def quiet_untrue_warnings() -> None:
    logger.addFilter(lambda record: not record.getMessage().startswith(UNTRUE_WARNINGS))
