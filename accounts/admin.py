from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import ngettext

from tasks.admin import TaskInline

from . import services
from .models import DenylistedToken, User


class UserCreationAdminForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    list_display = ("email", "name", "id", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "name", "id")
    ordering = ("email",)
    inlines = [TaskInline]
    readonly_fields = ("id", "date_joined", "last_login", "tokens_valid_after")
    fieldsets = (
        (None, {"fields": ("id", "email", "password")}),
        ("Profile", {"fields": ("name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Sessions", {"fields": ("last_login", "date_joined", "tokens_valid_after")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )
    actions = ["deactivate_selected", "revoke_tokens_of_selected"]

    @admin.action(description="Deactivate selected users", permissions=["change"])
    def deactivate_selected(self, request, queryset):
        self._apply_to_each(
            request, queryset, services.deactivate, "Deactivated %d user.", "Deactivated %d users."
        )

    @admin.action(description="Revoke all tokens (log out everywhere)", permissions=["change"])
    def revoke_tokens_of_selected(self, request, queryset):
        self._apply_to_each(
            request,
            queryset,
            services.revoke_all_tokens,
            "Revoked every token of %d user.",
            "Revoked every token of %d users.",
        )

    def _apply_to_each(self, request, queryset, service, singular, plural):
        # One user at a time through accounts.services, never a queryset
        # update(): each save fires the signal that drops the user from the
        # cache, so their tokens are refused on the very next request.
        users = list(queryset)
        for user in users:
            service(user)
        self.message_user(request, ngettext(singular, plural, len(users)) % len(users), messages.SUCCESS)


@admin.register(DenylistedToken)
class DenylistedTokenAdmin(admin.ModelAdmin):
    """Refresh tokens that no longer work, so support can confirm a sign-out.

    Read-only: the API writes entries and `flush_expired_tokens` clears them;
    deleting one by hand would bring a signed-out refresh token back to life.
    """

    list_display = ("jti", "user_id", "expires_at", "created_at")
    search_fields = ("jti", "user_id")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
