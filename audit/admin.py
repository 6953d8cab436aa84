from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, read by superusers and support staff: nobody adds, changes or deletes an entry here.

    Who reads it is Django's permission `audit.view_auditentry` (the Support
    group has it, from audit's migration 0003); no permission, however
    granted, lets anyone add, change or delete.
    """

    list_display = ("at", "event", "user_id", "actor_id", "via", "ip_address")
    list_filter = ("event", "via")
    search_fields = ("=user_id", "=actor_id", "=ip_address", "=request_id")
    date_hierarchy = "at"
    readonly_fields = ("at", "event", "user_id", "actor_id", "via", "ip_address", "request_id", "detail")
    # A paginator's count over a long trail costs more than it tells.
    show_full_result_count = False
    actions = None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only the view permission: Django's default would also let a `change` permission read.
        return bool(request.user.is_active and request.user.has_perm("audit.view_auditentry"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
