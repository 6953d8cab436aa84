"""What django-axes needs to know about a sign-in, and what a refused client is told.

django-axes (the `AXES_*` settings) counts failed sign-ins in the database
per client IP, and refuses every sign-in from an IP whose failures reach the
limit: that also locks each (account, IP) pair it guessed at. There is no
lock per account: one would let anyone lock the owner out by guessing at
their address from a few machines (docs/security.md weighs it).
The settings name the hooks below; the admin's sign-in form and /api/token/
both go through them.
"""

import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from rest_framework import status

from core.throttling import ScopedDatabaseRateThrottle

from .models import normalize_email

# The width of axes' `username` column; longer input must not reach the database.
ACCOUNT_MAX_LENGTH = 255


def account(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The account a sign-in names, as stored: the API sends `email`, the admin's form `username`."""
    credentials = credentials or {}
    named = credentials.get("email") or credentials.get("username") or ""
    return normalize_email(named)[:ACCOUNT_MAX_LENGTH]


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler, except that a sign-in refused unchecked is a failure of no account.

    Refused unchecked means its IP is locked. Counted as axes counts a
    failure, it would add a row and a failure for whichever account it
    names: a locked IP could still fill the table and charge other
    accounts. Instead it restarts the cool-off of that IP's own failures, so
    an IP that keeps guessing stays locked.
    """

    # `request`: an HttpRequest that axes has marked (`axes_locked_out`, `axes_ip_address`, ...), or None.
    def user_login_failed(
        self, sender: object, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        # AxesBackend marks the attempts it refuses before any password check (with
        # AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off), and axes then records nothing.
        refused_unchecked = request is not None and request.axes_locked_out
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if refused_unchecked:
            AccessAttempt.objects.filter(ip_address=request.axes_ip_address).update(
                attempt_time=request.axes_attempt_time
            )


def is_locked_out(request: HttpRequest) -> bool:
    return getattr(request, "axes_locked_out", False)


def retry_after(request: HttpRequest) -> int:
    """Seconds until a locked-out client may sign in: a refused attempt restarts the cool-off."""
    return math.ceil(get_cool_off(request).total_seconds())


def _refusal_page(request: HttpRequest, template: str, title: str | Promise, seconds: int) -> HttpResponse:
    """The admin's answer to a refused sign-in: 429, a page laid out like the sign-in page, and Retry-After."""
    context = {
        **admin.site.each_context(request),
        "title": title,
        "retry_after_minutes": math.ceil(seconds / 60),
    }
    response = render(request, template, context, status=status.HTTP_429_TOO_MANY_REQUESTS)
    response["Retry-After"] = str(seconds)
    return response


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: Any) -> HttpResponse:
    """The admin's answer to a sign-in from a locked-out IP."""
    return _refusal_page(request, "admin/locked_out.html", _("Too many failed sign-in attempts"), retry_after(request))


class _AdminSignIn:
    # /api/token/'s scope: the admin's sign-in and the API's count together, per client IP.
    throttle_scope = "auth"


@never_cache
def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin's sign-in, limited per client IP as /api/token/ is (the `auth` rate)."""
    if request.method == "POST":
        throttle = ScopedDatabaseRateThrottle()
        # The throttle reads the view's `throttle_scope` and the request's address only.
        if not throttle.allow_request(request, _AdminSignIn):  # type: ignore[arg-type]
            wait = math.ceil(throttle.wait())  # type: ignore[arg-type]  # a refusal always has one
            return _refusal_page(request, "admin/sign_in_throttled.html", _("Too many sign-in attempts"), wait)
    return admin.site.login(request, extra_context)
