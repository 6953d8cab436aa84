"""The JSON lines the application logs, captured in the test's own process."""

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest


class LogLines:
    """Call it to get the lines logged so far, parsed; `raw()` is the text as written."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def __call__(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def raw(self) -> str:
        return self.stream.getvalue()


@pytest.fixture
def log_lines() -> Iterator[LogLines]:
    """The JSON lines the application logs, exactly as the project formats them (see LogLines).

    The handler sits where the project's console and access handlers do: on
    the root logger, on `django` and on `core.access`, which do not propagate.
    """
    from core.logging import JSONFormatter, RequestIDFilter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RequestIDFilter())
    loggers = [logging.getLogger(), logging.getLogger("django"), logging.getLogger("core.access")]
    for logger in loggers:
        logger.addHandler(handler)
    yield LogLines(stream)
    for logger in loggers:
        logger.removeHandler(handler)


def json_lines(output: str) -> list[dict[str, Any]]:
    """The JSON log lines in a process's or a container's output, parsed.

    Whatever else the output holds (a banner, a line prefix a log collector
    adds) is left out; tests read the lines as JSON, never match their text.
    """
    lines = []
    for line in output.splitlines():
        start = line.find("{")
        if start == -1:
            continue
        try:
            entry = json.loads(line[start:])
        except ValueError:
            continue
        if isinstance(entry, dict):
            lines.append(entry)
    return lines
