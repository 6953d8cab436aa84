"""JSON-lines logging with the current request's id on every line, and its trace's id when traces are on.

`logging_config` is the one configuration of both Django (`settings.LOGGING`)
and the server (`server.run`), so the server's own messages and the
application's are the same JSON lines. Access lines come from the application
(`core.middleware.AccessLogMiddleware`), on stdout.
"""

import contextvars
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
# Set by core.tracing when traces are on: the current trace's id, for each line. None keeps
# OpenTelemetry out of every process that does not trace.
trace_id_of_current_span: Callable[[], str | None] | None = None

# A record's caller, thread and process are never written (JSONFormatter writes its
# own fields), so they are not gathered either: the logging HOWTO's "Optimization".
logging._srcfile = None
logging.logThreads = False
logging.logProcesses = False
logging.logMultiprocessing = False

# Attributes every LogRecord has; anything else was passed with `extra=`.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "trace_id",
    # Django attaches the request (or runserver's socket) to its records; the
    # request's repr holds the full URL, query string included, which may carry
    # a token a client put there. The id and the path are logged instead.
    "request",
}


def request_id_of(record: logging.LogRecord) -> str | None:
    """The id of the request a record was logged during, or None outside one.

    Django logs a request's 4xx/5xx line after the middleware has returned,
    when the context variable is already reset; those records carry the
    request itself, stamped by `RequestIDMiddleware`.
    """
    return request_id_var.get() or getattr(getattr(record, "request", None), "request_id", None)


class DropQueryString(logging.Filter):
    """Cuts the query string from the development server's request lines (a token could be there)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            request_line = record.args[0]
            method, _, rest = request_line.partition(" ")
            target, space, protocol = rest.partition(" ")
            record.args = (f"{method} {target.split('?', 1)[0]}{space}{protocol}", *record.args[1:])
        return True


class RefusedHostIsAWarning(logging.Filter):
    """Django's line for a request with a Host it does not serve: one WARNING, without the traceback.

    Django logs it as an ERROR with the exception attached, though it is the
    client's doing and answered 400: scanners send such Hosts all day, and a
    traceback each time would bury the errors that matter.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True


class RequestIDFilter(logging.Filter):
    """Stamps the request's id, and with traces on its trace's id, when the line is logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_of(record)
        if trace_id_of_current_span is not None:
            record.trace_id = trace_id_of_current_span()
        return True


_JSON_SCALARS = (str, int, float, bool, type(None))
# What orjson refuses (an integer past 64 bits, a lone surrogate) the standard library writes,
# in the same compact text. One encoder for every such line: json.dumps would build one per call.
_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=datetime.isoformat).encode


def json_line(entry: dict[str, Any]) -> str:
    """`entry` as one line of compact JSON, as the standard library writes it, in a sixth of its time.

    orjson writes the same text (core/tests/test_log_line_encoding.py), but for
    some floats, the same numbers spelled otherwise (0.00006103515625 for
    6.103515625e-05), and NaN and the infinities, which JSON has no word for:
    `null`, where the standard library wrote `NaN`, which JSON parsers refuse.
    """
    try:
        return orjson.dumps(entry).decode()
    except orjson.JSONEncodeError:
        return _encode_json(entry)


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = self.entry(record)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json_line(entry)

    def entry(self, record: logging.LogRecord) -> dict[str, Any]:
        entry = {
            # A datetime, written as isoformat() writes it: orjson writes it faster than isoformat().
            "time": datetime.fromtimestamp(record.created, tz=UTC),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_of(record),
        }
        if trace_id_of_current_span is not None:
            entry["trace_id"] = getattr(record, "trace_id", None) or trace_id_of_current_span()
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value if isinstance(value, _JSON_SCALARS) else str(value)
        return entry


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` dict: JSON lines, application and errors on stderr, access on stdout."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "core.logging.RequestIDFilter"},
            "drop_query_string": {"()": "core.logging.DropQueryString"},
            "refused_host_is_a_warning": {"()": "core.logging.RefusedHostIsAWarning"},
        },
        "formatters": {
            "json": {"()": "core.logging.JSONFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
            },
            "dev_server": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id", "drop_query_string"],
            },
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            # Django's line for each 4xx repeats the access line; its 5xx lines (with the traceback) stay.
            "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
            "django.server": {"handlers": ["dev_server"], "level": level, "propagate": False},
            # Written through `django`'s handler, as a WARNING.
            "django.security.DisallowedHost": {"filters": ["refused_host_is_a_warning"]},
            # The server's own messages (server/run.py, granian).
            "_granian": {"handlers": ["console"], "level": level, "propagate": False},
            "core.access": {"handlers": ["access"], "level": level, "propagate": False},
            # A refused token's code and reason are on its request's access line (core.middleware).
            "drf_better_auth.refusals": {"level": "WARNING"},
        },
    }
