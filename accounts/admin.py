import logging
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.options import get_content_type_for_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from . import services
from .models import (
    USER_ID_MAX_LENGTH,
    DeletedUserId,
    DenylistedToken,
    Identity,
    RelinkedUserId,
    RelinkRecord,
    User,
)
from .services.life import ERASED_REPR

logger = logging.getLogger("accounts.auth")


class AdminRequest(HttpRequest):
    """For the type checker: a request to the admin's pages, which only a signed-in staff User reaches."""

    user: User


class UserCreationAdminForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class RelinkForm(forms.Form):
    new_id = forms.CharField(
        label="New Better Auth user id",
        max_length=USER_ID_MAX_LENGTH,
        help_text="The `sub` of the person's new Better Auth tokens (their id in Better Auth's user table).",
    )

    def __init__(self, *args: Any, user: User, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.actor = actor

    def clean_new_id(self) -> str:
        new_id = self.cleaned_data["new_id"]
        services.user_relink_ensure_allowed(user=self.user, new_id=new_id, actor=self.actor)
        return new_id


# Whoever may set these may give themselves, or anyone, every permission.
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def may_manage(request: HttpRequest, user: User) -> bool:
    """Only superusers touch a staff account: its password, email, status or anything else.

    Otherwise support could set a superuser's password and sign in as them.
    """
    return request.user.is_superuser or not (user.is_staff or user.is_superuser)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    list_display = ("email", "email_verified", "identity", "name", "id", "is_active", "is_staff", "date_joined")
    list_filter = ("identity", "email_verified", "email_proof", "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "name", "id")
    ordering = ("email",)
    # Nobody sets an identity or a proof by hand, superusers included: only the
    # holder can prove an address (a mailed link, Better Auth), and the proof
    # decides who keeps an address that someone else proves.
    readonly_fields = (
        "id",
        "identity",
        "email_verified",
        "email_proof",
        "date_joined",
        "last_login",
        "tokens_valid_after",
        "deactivated_at",
        "profile_edited_at",
    )
    fieldsets = (
        (None, {"fields": ("id", "identity", "email", "email_verified", "email_proof", "password")}),
        ("Profile", {"fields": ("name", "profile_edited_at")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Sessions", {"fields": ("last_login", "date_joined", "tokens_valid_after", "deactivated_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)
    actions = [
        "deactivate_selected",
        "revoke_tokens_of_selected",
        "relink_selected",
        "export_data_selected",
        "erase_selected",
    ]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # A new address takes effect only once it confirms: the form's value is
        # mailed a link, the old address a notice, and the account keeps its
        # address until then (then it is signed out everywhere).
        new_email = None
        if change and "email" in form.changed_data:
            new_email, obj.email = obj.email, form.initial["email"]
        if change and "is_active" in form.changed_data:
            # When, for `purge_inactive_users`; a reactivated account starts over.
            obj.deactivated_at = None if obj.is_active else timezone.now()
        super().save_model(request, obj, form, change)
        if new_email is not None:
            services.email_change_request(user=obj, new_email=new_email)
            self.message_user(
                request,
                "The address changes once the new one confirms it: a link was mailed to it, "
                "and a notice to the current one.",
                messages.WARNING,
            )

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str] | tuple[str, ...]:
        # Read-only fields are left out of the form, so a crafted POST cannot set them.
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and (not request.user.is_superuser or obj.identity != Identity.LOCAL):
            # Whoever sets an address can reset its password and sign in as its owner. A
            # Better Auth identity's address is Better Auth's, and reaches us in its tokens.
            readonly = (*readonly, "email")
        if request.user.is_superuser:
            return readonly
        return (*readonly, *PRIVILEGE_FIELDS)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Also guards the password page, which asks this with the target user.
        if obj is not None and not may_manage(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and not may_manage(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # Whoever sets someone's password can sign in as them; people reset
        # their own through /api/auth/password-reset/, and staff change theirs
        # with the admin's own "Change password" page.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        # Django's own delete page erases as the API does: the id is remembered, the admin history keeps no address.
        services.user_erase(user=obj, via="admin")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_erase(user=user, via="admin")

    def has_account_data_permission(self, request: HttpRequest) -> bool:
        # Whoever exports an account reads all of it, and an erasure cannot be undone: superusers only,
        # whatever permissions anyone else holds.
        return request.user.is_superuser

    def has_deactivate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.deactivate_user")

    def has_revoke_tokens_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.revoke_user_tokens")

    def has_relink_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.relink_user")

    @admin.action(description="Deactivate selected users", permissions=["deactivate"])
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._apply_to_each(
            request, queryset, services.user_deactivate, "Deactivated %d user.", "Deactivated %d users."
        )

    @admin.action(description="Revoke all tokens (log out everywhere)", permissions=["revoke_tokens"])
    def revoke_tokens_of_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._apply_to_each(
            request,
            queryset,
            services.user_tokens_revoke,
            "Revoked every token of %d user.",
            "Revoked every token of %d users.",
        )

    @admin.action(description="Relink to a new Better Auth id (keeps the tasks)", permissions=["relink"])
    def relink_selected(self, request: AdminRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        """Two confirmation pages: type the new id, then confirm a page naming both ids."""
        users = list(queryset[:2])
        if len(users) != 1:
            self.message_user(request, "Select exactly one user to relink.", messages.ERROR)
            return None
        user = users[0]
        if not may_manage(request, user):
            self.message_user(request, "Nothing changed: only a superuser may relink a staff account.", messages.ERROR)
            return None
        step = request.POST.get("relink_step")
        form = RelinkForm(request.POST if step else None, user=user, actor=request.user)
        if step and form.is_valid():
            if step != "confirm":
                return self._relink_page(request, user, form, confirm=True)
            old_id = user.pk
            try:
                services.user_relink(user=user, new_id=form.cleaned_data["new_id"], actor=request.user)
            except ValidationError as error:
                form.add_error("new_id", error)
                return self._relink_page(request, user, form, confirm=False)
            self.log_change(request, user, f"Relinked from Better Auth id {old_id} to {user.pk}.")
            self.message_user(request, f"Relinked {user.email}: id {old_id} is now {user.pk}.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))
        return self._relink_page(request, user, form, confirm=False)

    @admin.action(description="Export the selected user's data (JSON download)", permissions=["account_data"])
    def export_data_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponseBase | None:
        """A confirmation page, then the same JSON document the person gets from GET /api/auth/me/export/."""
        user = self._one_selected(request, queryset, "export")
        if user is None:
            return None
        if request.POST.get("account_data_step") != "confirm":
            return self._account_data_page(request, user, action="export_data_selected")
        self.log_change(request, user, "Exported the account's data on request.")
        logger.warning(
            "user data exported by an admin",
            extra={"event": "user_data_exported", "user_id": user.pk, "actor_id": request.user.pk},
        )
        from .views import account_export_response

        return account_export_response(user, via="admin", actor_id=str(request.user.pk))

    @admin.action(description="Erase the selected user's data (tasks, profile, account)", permissions=["account_data"])
    def erase_selected(self, request: AdminRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        """A confirmation page naming what goes, then what DELETE /api/auth/me/ does; recorded without the address."""
        user = self._one_selected(request, queryset, "erase")
        if user is None:
            return None
        if user.is_staff or user.is_superuser:
            self.message_user(
                request,
                "Nothing changed: a staff account is not erased (its admin history would go with it). "
                "Remove its staff status first.",
                messages.ERROR,
            )
            return None
        if request.POST.get("account_data_step") != "confirm":
            return self._account_data_page(request, user, action="erase_selected")
        user_id = user.pk
        if services.user_erase(user=user, via="admin"):
            LogEntry.objects.create(
                user=request.user,
                content_type=get_content_type_for_model(self.model),
                object_id=user_id,
                object_repr=ERASED_REPR,
                action_flag=DELETION,
                change_message="Erased the account's data on request.",
            )
            logger.warning(
                "user erased by an admin",
                extra={"event": "user_erase_requested", "user_id": user_id, "actor_id": request.user.pk},
            )
            self.message_user(request, f"Erased the account {user_id}, its tasks and personal data.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:accounts_user_changelist"))

    def _one_selected(self, request: HttpRequest, queryset: QuerySet[User], verb: str) -> User | None:
        users = list(queryset[:2])
        if len(users) != 1:
            self.message_user(request, f"Select exactly one user to {verb}.", messages.ERROR)
            return None
        return users[0]

    def _account_data_page(self, request: HttpRequest, user: User, *, action: str) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": "Export this user's data" if action == "export_data_selected" else "Erase this user's data",
            "opts": self.opts,
            "target": user,
            "action": action,
            "task_count": user.tasks.count(),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/accounts/user/account_data_confirmation.html", context)

    def _relink_page(self, request: HttpRequest, user: User, form: RelinkForm, *, confirm: bool) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": "Relink to a new Better Auth id",
            "opts": self.opts,
            "target": user,
            "form": form,
            "confirm": confirm,
            "new_id": form.cleaned_data["new_id"] if confirm else None,
            "task_count": user.tasks.count(),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/accounts/user/relink_confirmation.html", context)

    def _apply_to_each(
        self,
        request: HttpRequest,
        queryset: QuerySet[User],
        service: Callable[..., Any],
        singular: str,
        plural: str,
    ) -> None:
        users = list(queryset)
        # All or nothing, so nobody is left guessing which of the selection changed.
        refused = sum(1 for user in users if not may_manage(request, user))
        if refused:
            self.message_user(
                request,
                ngettext(
                    "Nothing changed: %d selected user is staff, and only a superuser may act on staff.",
                    "Nothing changed: %d selected users are staff, and only a superuser may act on staff.",
                    refused,
                )
                % refused,
                messages.ERROR,
            )
            return
        # One user at a time through accounts.services, never a queryset
        # update(): each change is logged as the service's own event.
        for user in users:
            service(user=user, via="admin", actor_id=str(request.user.pk))
        self.message_user(request, ngettext(singular, plural, len(users)) % len(users), messages.SUCCESS)


# The admin's "View site" link: the API has no home page of its own, its documentation is the nearest thing.
admin.site.site_url = "/api/docs/"

admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Only superusers add, change or delete groups.

    Editing a group edits the permissions of everyone in it: with "change
    group" alone, a staff member could give their own group every permission.
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return request.user.is_superuser


class ReadOnlyAdmin(admin.ModelAdmin):
    """Listed and searchable, never added, changed or deleted by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(DenylistedToken)
class DenylistedTokenAdmin(ReadOnlyAdmin):
    """Refresh tokens that no longer work, so support can confirm a sign-out.

    Read-only: the API writes entries and `flush_expired_tokens` clears them;
    deleting one by hand would bring a signed-out refresh token back to life.
    """

    list_display = ("jti", "user_id", "expires_at", "created_at")
    search_fields = ("jti", "user_id")
    date_hierarchy = "created_at"


@admin.register(RelinkedUserId)
class RelinkedUserIdAdmin(ReadOnlyAdmin):
    """The ids relinks retired, and the account each was relinked away from (under its id now).

    Read-only: an entry is what keeps a retired id's tokens refused and the id from anyone else.
    """

    list_display = ("old_id", "account_id", "relinked_at")
    search_fields = ("old_id", "account__id")
    date_hierarchy = "relinked_at"


@admin.register(DeletedUserId)
class DeletedUserIdAdmin(ReadOnlyAdmin):
    """The ids of erased accounts: tokens issued before the erasure never bring them back.

    Read-only: deleting an entry would let an old token recreate the account.
    """

    list_display = ("user_id", "deleted_at")
    search_fields = ("user_id",)
    date_hierarchy = "deleted_at"


@admin.register(RelinkRecord)
class RelinkRecordAdmin(ReadOnlyAdmin):
    """Every relink, from the admin or the command line, and who did it: the audit trail beside the log lines.

    Read-only, as the records are append-only.
    """

    list_display = ("relinked_at", "old_id", "new_id", "via", "actor_id", "os_user", "note")
    list_filter = ("via",)
    search_fields = ("old_id", "new_id", "actor_id", "os_user", "note")
    date_hierarchy = "relinked_at"
