"""The audit trail: one row per security event, written once and never changed.

A row names people by id only (plain text, not foreign keys: a record
outlives the accounts it names and never follows them), and holds no token,
password or request body: `services.audit_record` takes a fixed list of
facts, and `detail` only short values of known keys.
"""

from django.db import models
from django.utils import timezone

from core.models import AppendOnlyModel, AppendOnlyQuerySet

# Better Auth's ids and ours fit this width (accounts.models.USER_ID_MAX_LENGTH).
ID_MAX_LENGTH = 64


class AuditEvent(models.TextChoices):
    SIGN_IN_SUCCEEDED = "sign_in_succeeded", "Sign-in succeeded"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Client IP locked out"
    SIGNED_OUT = "signed_out", "Refresh token signed out"
    TOKENS_REVOKED = "tokens_revoked", "Every token revoked"
    SESSION_ENDED = "session_ended", "Better Auth session ended"
    RELINKED = "relinked", "Relinked to a new Better Auth id"
    EMAIL_CHANGED = "email_changed", "Address changed"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset through a link"
    DEACTIVATED = "deactivated", "Account deactivated"
    ERASED = "erased", "Account erased"
    EXPORTED = "exported", "Account data exported"
    ADMIN_CHANGE = "admin_change", "Changed in the admin"
    ROLE_CHANGED = "role_changed", "Better Auth role changed"
    BETTER_AUTH_EVENT = "better_auth_event", "Better Auth event applied"
    IMPERSONATED_WRITE = "impersonated_write", "Write while impersonated"


class AuditEntry(AppendOnlyModel):
    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    event = models.CharField(max_length=32, choices=AuditEvent.choices, db_index=True, editable=False)
    user_id = models.CharField(
        max_length=ID_MAX_LENGTH, blank=True, db_index=True, editable=False, help_text="The account it is about."
    )
    actor_id = models.CharField(
        max_length=ID_MAX_LENGTH,
        blank=True,
        editable=False,
        help_text="Who acted, when not the account's holder: an admin user, or the Better Auth admin impersonating.",
    )
    via = models.CharField(
        max_length=16, blank=True, editable=False, help_text="api, admin, better_auth or command line."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    request_id = models.CharField(max_length=64, blank=True, editable=False)
    detail = models.JSONField(default=dict, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"
        # Related-object code goes through the base manager: it must refuse too.
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"{self.get_event_display()} ({self.user_id or 'no account'})"
