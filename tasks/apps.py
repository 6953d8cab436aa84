from django.apps import AppConfig


class TasksConfig(AppConfig):
    """Each person's to-do items."""

    name = "tasks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A person's tasks go with their account's export and erasure (accounts.personal_data).
        from accounts.personal_data import personal_data_register

        from .personal_data import (
            organization_tasks_created_export,
            organization_tasks_created_unname,
            tasks_erase,
            tasks_export,
        )

        personal_data_register(name="tasks", export=tasks_export, erase=tasks_erase)
        personal_data_register(
            name="organization_tasks_created",
            export=organization_tasks_created_export,
            erase=organization_tasks_created_unname,
            erased_as="unnamed",
        )
