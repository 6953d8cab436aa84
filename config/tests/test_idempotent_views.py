"""Every POST and PATCH under /api/ honours Idempotency-Key, or says here why it does not.

Walks the URLconf: a DRF view added later (another app's, an organization's
task list) fails this test until it mixes in `core.idempotency.IdempotencyMixin`
or is listed below with its reason.
"""

from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from core.idempotency import METHODS, IdempotencyMixin

# View class name -> why a key is not kept for it.
EXEMPT = {
    # Anonymous: keys are kept per person, and these answer (or take) tokens, never to be stored.
    "TokenObtainPairView": "anonymous; answers tokens",
    "TokenRefreshView": "anonymous; answers tokens",
    "TokenVerifyView": "anonymous; changes nothing",
    "TokenBlacklistView": "anonymous; revoking twice is revoking once",
    "SignupView": "anonymous",
    "BetterAuthEventView": "Better Auth's signed webhook; events carry their own ids",
    "EmailVerifyView": "anonymous; one-time token in the body",
    "EmailDeclineView": "anonymous; one-time token in the body",
    "EmailVerificationResendView": "anonymous",
    "PasswordResetView": "anonymous",
    "PasswordResetConfirmView": "anonymous; one-time token and password in the body",
    "EmailChangeConfirmView": "anonymous; one-time token in the body",
    # Signed in, but the body carries the password: its fingerprint would be a hash of it.
    "PasswordChangeView": "the body carries passwords",
    "EmailChangeView": "the body carries the password",
    "LogoutEverywhereView": "revoking everything twice is revoking it once",
    # Its answer is the new key's secret, shown once: a stored answer would keep it in the database.
    "ApiKeyListView": "the answer carries a secret, never to be stored",
}


def api_views(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from api_views(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.lstrip("^").startswith("api/"):
            yield route, pattern.callback


def writes(view: Any) -> set[str]:
    actions = getattr(view, "actions", None)
    if actions is not None:
        return {method.upper() for method in actions} & METHODS
    return {method.upper() for method in view.cls.http_method_names if hasattr(view.cls, method)} & METHODS


def test_every_post_and_patch_under_api_honours_idempotency_keys_or_says_why_not():
    unaccounted = {
        f"{route} ({view.cls.__name__}: {', '.join(sorted(writes(view)))})"
        for route, view in api_views()
        if issubclass(getattr(view, "cls", object), APIView)
        and writes(view)
        and not issubclass(view.cls, IdempotencyMixin)
        and view.cls.__name__ not in EXEMPT
    }

    assert unaccounted == set()


def test_the_exemptions_name_views_that_exist_and_take_writes():
    written = {view.cls.__name__ for _, view in api_views() if hasattr(view, "cls") and writes(view)}

    assert set(EXEMPT) <= written
