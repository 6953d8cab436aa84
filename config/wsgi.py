"""WSGI entry point, served by granian in production (see `config/server.py`)."""

import os
import threading
from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse

from config.server import Config

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def without_process_environment(application: WSGIApplication) -> WSGIApplication:
    """The request's WSGI environ without the process's environment variables.

    Granian starts every request's environ from a copy of `os.environ`, as a
    CGI server would: the secrets the process was started with (the Django
    and Better Auth secrets, DATABASE_URL) ended up in `request.META` of every
    request, and an `HTTP_*` variable (`HTTP_PROXY`) would read as a header
    the client never sent. Only the request's own variables are kept; Django
    reads its configuration from settings, never from the environ. Copying
    and walking the extra keys was also a measurable part of each request.
    """
    # The variables the process has that only the environment could have set: not the
    # request's CGI variables or headers, which the server sets (or leaves out) per request.
    process_only = frozenset(os.environ) - REQUEST_VARIABLES

    def stripped(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        for name in process_only & environ.keys():
            del environ[name]
        return application(environ, start_response)

    return stripped


# What PEP 3333 says a server sets for a request (besides HTTP_* and wsgi.*).
REQUEST_VARIABLES = frozenset(
    {
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "QUERY_STRING",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "REMOTE_ADDR",
        "REMOTE_PORT",
    }
)


def whole_bodies(django_application: WSGIApplication) -> WSGIApplication:
    """Django's ordinary responses handed to the server whole: a list of one bytes object.

    Granian writes a list with its headers in one go; any other iterable (and
    an HttpResponse is one) it sends piece by piece, headers first, fetching
    each piece from Python in turn. Whole, a response costs fewer round trips
    between Rust and Python, and a worker dying mid-response cannot leave a
    client with headers and no body. Streaming responses (files, generators)
    stay streamed. A list has no `close()` for the server to call, so the
    response is closed here (Django's `request_finished`, as after any request).
    """

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = django_application(environ, start_response)
        if not isinstance(response, HttpResponse):
            return response
        try:
            return [response.content]
        finally:
            response.close()

    return application


def at_most(threads: int, application: WSGIApplication) -> WSGIApplication:
    """`application` run by at most `threads` threads at a time.

    The server gives each worker SERVER_BODY_THREADS more Python threads than
    SERVER_BLOCKING_THREADS (config/server.py) so that clients slow to send
    their bodies (core/bodies.py) do not hold up the rest; Django still runs
    on no more of them at once than SERVER_BLOCKING_THREADS, as before: under
    the GIL, more at once only adds switching.
    """
    # A Lock for the usual one: a semaphore is written in Python, several times slower.
    gate = threading.Lock() if threads == 1 else threading.BoundedSemaphore(threads)

    def gated(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        with gate:
            return application(environ, start_response)

    return gated


def production_application() -> WSGIApplication:
    from core.bodies import read_bodies_within

    config = Config.from_env()
    django_application = whole_bodies(get_wsgi_application())
    return without_process_environment(
        read_bodies_within(config.body_timeout, at_most(config.blocking_threads, django_application))
    )


application = production_application()
