"""The JSON lines the application logs, captured in the test's own process."""

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[dict]]]:
    """The JSON lines the application logs, exactly as the project formats them.

    Call it to get the lines so far, parsed. The handler sits where the
    project's console and access handlers do: on the root logger, on `django`
    and on `core.access`, which do not propagate.
    """
    from core.logging import JSONFormatter, RequestIDFilter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RequestIDFilter())
    loggers = [logging.getLogger(), logging.getLogger("django"), logging.getLogger("core.access")]
    for logger in loggers:
        logger.addHandler(handler)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    lines.raw = stream.getvalue
    yield lines
    for logger in loggers:
        logger.removeHandler(handler)
