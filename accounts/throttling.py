from rest_framework.throttling import SimpleRateThrottle


class AuthEndpointThrottle(SimpleRateThrottle):
    """Per client IP, for the endpoints that take passwords or mint tokens.

    Counters live in Django's cache: Redis when REDIS_URL is set, so the
    limit holds across processes and machines.
    """

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
