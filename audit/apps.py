from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The security audit trail: one append-only table that support reads in the admin."""

    name = "audit"
    default_auto_field = "django.db.models.BigAutoField"
