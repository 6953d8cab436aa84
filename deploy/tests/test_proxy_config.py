"""The nginx template agrees with the application's own limits and never replays a write."""

import re

from django.conf import settings

from deploy.topology import NGINX_TEMPLATE

TEMPLATE = NGINX_TEMPLATE.read_text()


def directive(name):
    return re.search(rf"^\s*{name} ([^;]+);", TEMPLATE, re.MULTILINE).group(1)


def test_the_proxys_body_limit_is_the_applications():
    assert directive("client_max_body_size") == f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024}k"


def test_the_proxy_bounds_how_long_a_request_may_take():
    # Granian kills no worker over a slow request (gunicorn's 30 s timeout did):
    # the proxy's deadline is the one a client meets, 504 after it.
    assert 30 < int(directive("proxy_read_timeout").rstrip("s")) <= 60


def test_the_proxy_retries_only_requests_that_never_reached_a_replica():
    # `non_idempotent` would resend a POST a replica may already have applied;
    # http_5xx conditions would resend requests a replica answered.
    assert directive("proxy_next_upstream").split() == ["error", "timeout"]


def test_the_proxy_trusts_no_client_supplied_forwarding_of_its_own():
    assert directive("proxy_set_header X-Forwarded-For") == "$proxy_add_x_forwarded_for"
