"""WSGI entry point, served by granian in production (see `config/server.py`)."""

import os

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


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


application = whole_bodies(get_wsgi_application())
