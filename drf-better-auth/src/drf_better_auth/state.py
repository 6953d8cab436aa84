"""The process-wide token backend (it holds the JWKS key cache), rebuilt when settings change.

In a module of its own, as in SimpleJWT, so that settings, backends and
tokens import one another in one direction only.
"""

from typing import Any

from django.core.signals import setting_changed

from .backends import TokenBackend
from .settings import SETTINGS_KEY, SIGNING_KEY_FALLBACK, api_settings

_token_backend: TokenBackend | None = None


def token_backend() -> TokenBackend:
    global _token_backend
    if _token_backend is None:
        _token_backend = TokenBackend.from_settings(api_settings)
    return _token_backend


def reset_token_backend() -> None:
    global _token_backend
    _token_backend = None


def _reset_on_change(*, setting: str, **kwargs: Any) -> None:
    if setting in (SETTINGS_KEY, SIGNING_KEY_FALLBACK):
        reset_token_backend()


setting_changed.connect(_reset_on_change)
