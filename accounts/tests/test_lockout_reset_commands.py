"""An operator lets a locked-out superuser back in with django-axes' commands, whatever strangers tried meanwhile."""

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

from .factories import UserFactory

PASSWORD = "correct horse battery staple 42"
OWN_IP = "127.0.0.9"

pytestmark = pytest.mark.usefixtures("static_files_without_manifest")


@pytest.fixture
def limit(settings):
    return settings.AXES_FAILURE_LIMIT


@pytest.fixture
def locked_out_superuser(db, client, api_client, limit):
    """A superuser who mistyped their password until their own IP was locked, while strangers guessed at it too."""
    superuser = UserFactory(email="ops@example.com", password=PASSWORD, is_staff=True, is_superuser=True)
    for n in range(limit):
        api_sign_in(api_client, "a wrong guess", ip=f"127.0.0.{n + 20}")
    for _ in range(limit):
        api_sign_in(api_client, "a typo", ip=OWN_IP)
    assert api_sign_in(api_client).status_code == 429
    assert admin_sign_in(client).status_code == 429
    return superuser


def api_sign_in(api_client, password=PASSWORD, ip=OWN_IP):
    return api_client.post(
        "/api/token/", {"email": "ops@example.com", "password": password}, format="json", REMOTE_ADDR=ip
    )


def admin_sign_in(client, password=PASSWORD, ip=OWN_IP):
    return client.post(
        "/admin/login/?next=/admin/", {"username": "ops@example.com", "password": password}, REMOTE_ADDR=ip
    )


def test_axes_list_attempts_shows_the_locked_ip_and_axes_reset_ip_lets_the_superuser_back_in(
    client, api_client, locked_out_superuser
):
    listed = StringIO()
    call_command("axes_list_attempts", stdout=listed)
    assert f"{OWN_IP}\tops@example.com\t" in listed.getvalue()

    call_command("axes_reset_ip", OWN_IP, stdout=StringIO())

    assert api_sign_in(api_client).status_code == 200
    assert admin_sign_in(client).status_code == 302
    assert client.session["_auth_user_id"] == locked_out_superuser.pk


def test_axes_reset_username_clears_the_failures_naming_the_superuser_and_lets_them_back_in(
    client, api_client, locked_out_superuser
):
    call_command("axes_reset_username", "ops@example.com", stdout=StringIO())

    assert not AccessAttempt.objects.filter(username="ops@example.com").exists()
    assert api_sign_in(api_client).status_code == 200
    assert admin_sign_in(client).status_code == 302
