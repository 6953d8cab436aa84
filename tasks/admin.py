from django.contrib import admin

from accounts.admin import UserAdmin

from .models import Task


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "organization", "priority", "completed", "due_date", "created_at")
    list_filter = ("completed", "priority", "due_date", "created_at")
    search_fields = ("title", "description", "owner__email", "owner__id", "organization__id", "organization__name")
    list_select_related = ("owner", "organization")
    # A raw id box instead of a drop-down of every user or organization.
    raw_id_fields = ("owner", "organization")
    readonly_fields = ("id", "completed_at", "created_at", "updated_at")
    date_hierarchy = "created_at"


class TaskInline(admin.TabularInline):
    """The user's tasks, on the user's admin page."""

    model = Task
    fk_name = "owner"
    fields = ("title", "priority", "completed", "due_date", "completed_at", "created_at")
    readonly_fields = ("completed_at", "created_at")
    extra = 0
    show_change_link = True


# The user's page lists their tasks: accounts' admin knows nothing of tasks, so the inline is added from here.
UserAdmin.inlines = [*UserAdmin.inlines, TaskInline]
