"""Organizations and memberships for support staff: read-only, Better Auth's events are their truth."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Membership, Organization


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user_id", "role", "updated_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ("name", "id", "created_at")
    search_fields = ("name", "id")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user_id", "organization", "role", "updated_at")
    list_filter = ("role",)
    search_fields = ("user_id", "organization__name", "organization__id")
    list_select_related = ("organization",)
