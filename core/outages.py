"""Concise, rate-limited log lines for a dependency that is down.

During an outage every request fails the same way; one traceback per request
would bury everything else (thousands of lines in seconds). Each process logs
the first failure at once, then at most one line per interval counting the
failures it did not log.
"""

import logging
import threading
import time

logger = logging.getLogger("core.outages")


class OutageLog:
    def __init__(self, dependency: str, *, interval: float = 10.0) -> None:
        self.dependency = dependency
        self.interval = interval
        self._lock = threading.Lock()
        self._logged_at: float | None = None
        self._unlogged = 0

    def failed(self, error: BaseException) -> None:
        """Count a failure caused by `error`; log it unless a line went out within the interval."""
        now = time.monotonic()
        with self._lock:
            if self._logged_at is not None and now - self._logged_at < self.interval:
                self._unlogged += 1
                return
            unlogged, self._unlogged, self._logged_at = self._unlogged, 0, now
        # The first line of the driver's message names the cause (refused,
        # shutting down, timeout) without a traceback or connection details
        # beyond what the driver prints.
        reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
        logger.warning(
            "%s unavailable: %s%s",
            self.dependency,
            type(error).__name__,
            f": {reason}" if reason else "",
            extra={
                "event": f"{self.dependency}_unavailable",
                "error": type(error).__name__,
                "failures_not_logged": unlogged,
            },
        )
