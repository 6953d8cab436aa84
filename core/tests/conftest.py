import io
import json
import logging

import pytest

from conftest import PRODUCTION_ENV, SERVER
from core.logging import JSONFormatter, RequestIDFilter


@pytest.fixture
def log_lines():
    """The JSON lines the application logs, exactly as the project formats them.

    Call it to get the lines so far, parsed. The handler sits where the
    project's console and access handlers do: on the root logger, on `django`
    and on `core.access`, which do not propagate.
    """
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RequestIDFilter())
    loggers = [logging.getLogger(), logging.getLogger("django"), logging.getLogger("core.access")]
    for logger in loggers:
        logger.addHandler(handler)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    lines.raw = stream.getvalue
    yield lines
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.fixture
def serve(start_server, tmp_path):
    """Start the server as `make serve` does (`python -m server`): DEBUG off, strong secrets.

    The database is a SQLite file of the test's own: the probes only ask it to
    answer. Answers the process (output on its stdout) and the base URL.
    """

    def start(**env):
        settings = {
            **PRODUCTION_ENV,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
            "SERVER_BIND": "127.0.0.1:{port}",
            **env,
        }
        return start_server(SERVER, **settings)

    return start
