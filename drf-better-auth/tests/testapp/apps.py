from django.apps import AppConfig


class TestAppConfig(AppConfig):
    name = "tests.testapp"
    label = "testapp"

    def ready(self):
        from . import events  # noqa: F401  (registers the event classes)
