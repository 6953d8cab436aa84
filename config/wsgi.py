"""WSGI entry point, served by granian in production (see `config/server.py`)."""

import os

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def without_process_environment(application):
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

    def stripped(environ, start_response):
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


def whole_bodies(django_application):
    """Django's ordinary responses handed to the server whole: a list of one bytes object.

    Granian writes a list with its headers in one go; any other iterable (and
    an HttpResponse is one) it sends piece by piece, headers first, fetching
    each piece from Python in turn. Whole, a response costs fewer round trips
    between Rust and Python, and a worker dying mid-response cannot leave a
    client with headers and no body. Streaming responses (files, generators)
    stay streamed. A list has no `close()` for the server to call, so the
    response is closed here (Django's `request_finished`, as after any request).
    """

    def application(environ, start_response):
        response = django_application(environ, start_response)
        if not isinstance(response, HttpResponse):
            return response
        try:
            return [response.content]
        finally:
            response.close()

    return application


application = without_process_environment(whole_bodies(get_wsgi_application()))
