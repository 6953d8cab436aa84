"""Audit entries for what happens outside accounts.services: sign-ins through Django's auth (failed ones
anywhere, the admin's successful ones), django-axes' lockouts, and the admin's changes.
"""

import json
from typing import Any

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from audit.models import AuditEvent
from audit.services import audit_record

from .lockout import account
from .models import User, normalize_email

_ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


@receiver(user_login_failed, dispatch_uid="accounts.audit_sign_in_failed")
def sign_in_failure_recorded(*, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Every password that `authenticate` refused (the API's sign-in and password checks, the admin's sign-in).

    The entry names the account the address belongs to, if any, never the address typed.
    """
    named = User.objects.filter(email=account(request, credentials)).values_list("pk", flat=True).first()
    audit_record(event=AuditEvent.SIGN_IN_FAILED, user_id=named or "", via=_via(request), request=request)


@receiver(user_logged_in, dispatch_uid="accounts.audit_admin_sign_in")
def admin_sign_in_recorded(*, user: User, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """A session sign-in: the admin's (the API signs in with tokens, recorded by `services.user_sign_in`)."""
    audit_record(event=AuditEvent.SIGN_IN_SUCCEEDED, user_id=user.pk, via="admin", request=request)


def _via(request: HttpRequest | None) -> str:
    return "admin" if request is not None and request.path.startswith("/admin/") else "api"


@receiver(user_locked_out, dispatch_uid="accounts.audit_lockout")
def lockout_recorded(*, request: HttpRequest | None, username: str | None, **kwargs: Any) -> None:
    """Each sign-in django-axes refuses for a locked-out client IP: the IP, and the account named if any."""
    named = User.objects.filter(email=normalize_email(username)).values_list("pk", flat=True).first()
    audit_record(event=AuditEvent.LOCKED_OUT, user_id=named or "", request=request)


@receiver(post_save, sender=LogEntry, dispatch_uid="accounts.audit_admin_change")
def admin_change_recorded(*, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    """A change the admin made to an account: who, what kind, the names of the fields (never their values)."""
    if not created or instance.content_type_id != ContentType.objects.get_for_model(User).pk:
        return
    audit_record(
        event=AuditEvent.ADMIN_CHANGE,
        user_id=instance.object_id or "",
        actor_id=str(instance.user_id),
        via="admin",
        detail={"action": _ACTIONS.get(instance.action_flag, ""), "fields": _changed_fields(instance.change_message)},
    )


def _changed_fields(change_message: str) -> list[str]:
    """The field names of Django's structured change message; a free-text message gives none (it may name people)."""
    try:
        parts = json.loads(change_message)
    except ValueError:
        return []
    if not isinstance(parts, list):
        return []
    names = [
        name
        for part in parts
        if isinstance(part, dict) and isinstance(part.get("changed"), dict)
        for name in part["changed"].get("fields", [])
        if isinstance(name, str)
    ]
    return [name[:200] for name in names]
