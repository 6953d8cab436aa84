"""Which part of the site a request is for: the bearer-token API or the browser-facing pages."""

API_PREFIX = "/api/"


def is_api_request(request):
    # path_info: the path the URLconf routes, whatever prefix the site is mounted under.
    return request.path_info.startswith(API_PREFIX)
