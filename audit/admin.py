from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, for superusers to read: nobody adds, changes or deletes an entry here."""

    list_display = ("at", "event", "user_id", "actor_id", "via", "ip_address")
    list_filter = ("event", "via")
    search_fields = ("=user_id", "=actor_id", "=ip_address", "=request_id")
    date_hierarchy = "at"
    readonly_fields = ("at", "event", "user_id", "actor_id", "via", "ip_address", "request_id", "detail")
    # A paginator's count over a long trail costs more than it tells.
    show_full_result_count = False
    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
