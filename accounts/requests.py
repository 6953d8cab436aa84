"""For the type checker: the requests a view past IsAuthenticated receives."""

from rest_framework.request import Request

from .models import User


class AuthenticatedRequest(Request):
    """A request past IsAuthenticated: its user is a User, never AnonymousUser, and its auth the bearer token.

    (The API's one authentication is drf_better_auth's, which answers the raw token as `auth`; an
    API key, whose `auth` is an `ApiKeyAuth`, reaches only the task views, never an account view.)
    """

    user: User
    auth: str
