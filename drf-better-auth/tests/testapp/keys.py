"""The test app's API keys: a dict from digest to (username, scopes), as an app's table would hold them."""

from django.contrib.auth.models import User
from drf_better_auth.api_keys import ApiKeyAuth
from drf_better_auth.exceptions import ApiKeyInvalid

# digest -> (username, scopes); the tests clear it.
STORED = {}


def api_key_user(*, digest):
    try:
        username, scopes = STORED[digest]
    except KeyError:
        raise ApiKeyInvalid() from None
    return User.objects.get(username=username), ApiKeyAuth(key_id=digest[:8], scopes=frozenset(scopes))
