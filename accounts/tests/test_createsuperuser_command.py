import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_createsuperuser_works_with_an_email_as_the_login(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "an-operator-chosen-password")

    call_command("createsuperuser", "--noinput", "--email", "Ops@Example.com", verbosity=0)

    admin = get_user_model().objects.get(email="ops@example.com")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("an-operator-chosen-password")
