"""Which part of the site a request is for: the bearer-token API or the browser-facing pages."""

from django.http import HttpRequest

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    # path_info: the path the URLconf routes, whatever prefix the site is mounted under.
    return request.path_info.startswith(API_PREFIX)
