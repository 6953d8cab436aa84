"""What django-axes needs to know about a sign-in, and what a locked-out client is told.

django-axes (the `AXES_*` settings) counts failed sign-ins in the database,
per client IP and per account, and refuses both once either reaches the limit.
The settings name the hooks below; the admin's sign-in form and /api/token/
both go through them.
"""

import math

from axes.helpers import get_cool_off
from django.contrib import admin
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from rest_framework import status

from .models import normalize_email

# The width of axes' `username` column; longer input must not reach the database.
ACCOUNT_MAX_LENGTH = 255


def account(request, credentials):
    """The account a sign-in names, as stored: the API sends `email`, the admin's form `username`."""
    credentials = credentials or {}
    named = credentials.get("email") or credentials.get("username") or ""
    return normalize_email(named)[:ACCOUNT_MAX_LENGTH]


def is_locked_out(request):
    return getattr(request, "axes_locked_out", False)


def retry_after(request):
    """Seconds until a locked-out client may sign in: a refused attempt restarts the cool-off."""
    return math.ceil(get_cool_off(request).total_seconds())


def lockout_response(request, original_response, credentials):
    """The admin's answer to a locked-out sign-in: 429, a page saying so, and Retry-After."""
    seconds = retry_after(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Too many failed sign-in attempts"),
        "retry_after_minutes": math.ceil(seconds / 60),
    }
    response = render(
        request, "admin/locked_out.html", context, status=status.HTTP_429_TOO_MANY_REQUESTS
    )
    response["Retry-After"] = str(seconds)
    return response
