from django.apps import AppConfig


class TasksConfig(AppConfig):
    """Each person's to-do items."""

    name = "tasks"
    default_auto_field = "django.db.models.BigAutoField"
