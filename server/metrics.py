"""The directory where each worker writes its metrics (prometheus-client's multiprocess mode), one per server instance.

Metrics are on when METRICS_TOKEN is set (core/metrics.py). Every worker
then writes its counts to memory-mapped files named by its PID in this
directory, and `/metrics`, whichever worker answers it, adds them all up.

- One directory per server instance: by default a new one under the
  temporary directory, removed when the server stops. SERVER_METRICS_DIR
  names one instead (a volume, say); the main process holds a lock on it for
  its whole life, so a second instance refuses to share it, and empties it
  at start: counts left by an instance that was killed are not this one's.
- A worker that dies, or is replaced (SERVER_WORKERS_MAX_RSS), leaves its
  files: what it counted stays counted, as a counter must never go down.
  Its replacement writes files of its own (or, should it get a dead worker's
  PID, adds to that one's, which sums the same). Only counters and
  histograms are kept, never gauges, so nothing of a dead worker is stale.
- The variable is set before anything imports prometheus_client (it reads it
  once, at import), in the main process, so every forked worker has it.
"""

import fcntl
import os
import shutil
import tempfile
from pathlib import Path

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


class MetricsDirectoryInUse(Exception):
    """Another server instance holds SERVER_METRICS_DIR."""


class MetricsDirectory:
    def __init__(self, path: Path, *, owned: bool, lock: int) -> None:
        self.path = path
        self.owned = owned
        self._lock = lock

    @classmethod
    def prepare(cls, configured: str) -> "MetricsDirectory":
        """This instance's directory, empty, locked, and named in the environment for prometheus_client."""
        if configured:
            path, owned = Path(configured), False
            path.mkdir(parents=True, exist_ok=True)
        else:
            path, owned = Path(tempfile.mkdtemp(prefix="todo-metrics-")), True
        lock = os.open(path / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock)
            raise MetricsDirectoryInUse(f"SERVER_METRICS_DIR {path} is in use by another server instance") from None
        for leftover in path.glob("*.db"):
            leftover.unlink()
        os.environ[VARIABLE] = str(path)
        return cls(path, owned=owned, lock=lock)

    def close(self) -> None:
        """At the server's stop: the lock let go, and the directory removed if this instance made it."""
        if self.owned:
            shutil.rmtree(self.path, ignore_errors=True)
        os.close(self._lock)
