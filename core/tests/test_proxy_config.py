"""The nginx template agrees with the application's own limits and never replays a write."""

import re

from django.conf import settings

from deploy.topology import NGINX_TEMPLATE

TEMPLATE = NGINX_TEMPLATE.read_text()


def directive(name):
    return re.search(rf"^\s*{name} ([^;]+);", TEMPLATE, re.MULTILINE).group(1)


def test_the_proxys_body_limit_is_the_applications():
    assert directive("client_max_body_size") == f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024}k"


def test_the_proxy_waits_longer_than_a_worker_may_take():
    gunicorn_timeout = 30  # gunicorn.conf.py's default GUNICORN_TIMEOUT
    assert int(directive("proxy_read_timeout").rstrip("s")) > gunicorn_timeout


def test_the_proxy_retries_only_requests_that_never_reached_a_replica():
    # `non_idempotent` would resend a POST a replica may already have applied;
    # http_5xx conditions would resend requests a replica answered.
    assert directive("proxy_next_upstream").split() == ["error", "timeout"]


def test_the_proxy_trusts_no_client_supplied_forwarding_of_its_own():
    assert directive("proxy_set_header X-Forwarded-For") == "$proxy_add_x_forwarded_for"
