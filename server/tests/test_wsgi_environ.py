"""Requests reach Django without the process's environment variables (secrets among them)."""

import os

from server.wsgi import without_process_environment


def environ_seen_by_the_application(environ):
    seen = {}

    def application(environ, start_response):
        seen.update(environ)
        start_response("204 No Content", [])
        return []

    without_process_environment(application)(environ, lambda status, headers: None)
    return seen


def test_the_process_environment_is_not_part_of_a_request(monkeypatch):
    monkeypatch.setenv("SOME_SERVICE_SECRET", "must-not-reach-request-meta")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.internal:3128")
    request = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/api/tasks/",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_AUTHORIZATION": "Bearer x",
        "wsgi.url_scheme": "http",
    }

    seen = environ_seen_by_the_application({**os.environ, **request})

    assert seen == request
