"""The process-wide token backend (it holds the JWKS key cache), rebuilt when settings change.

In a module of its own, as in SimpleJWT, so that settings, backends and
tokens import one another in one direction only.
"""

from django.core.signals import setting_changed

from .backends import TokenBackend
from .settings import api_settings

_token_backend = None


def token_backend():
    global _token_backend
    if _token_backend is None:
        _token_backend = TokenBackend.from_settings(api_settings)
    return _token_backend


def reset_token_backend():
    global _token_backend
    _token_backend = None


def _reload_on_change(*, setting, **kwargs):
    if setting in ("SIMPLE_JWT", "BETTER_AUTH_SECRET"):
        api_settings.reload()
        reset_token_backend()


setting_changed.connect(_reload_on_change)
