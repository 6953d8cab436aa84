"""Only staff sign into the admin; a correct password is not enough for anyone else."""

import pytest

from .factories import UserFactory

LOGIN_URL = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple 42"

pytestmark = pytest.mark.usefixtures("static_files_without_manifest")


def sign_in(client, email):
    return client.post(LOGIN_URL, {"username": email, "password": PASSWORD})


def test_a_person_who_is_not_staff_cannot_log_in_even_with_the_right_password(client, db):
    UserFactory(email="member@example.com", password=PASSWORD)

    response = sign_in(client, "member@example.com")

    assert response.status_code == 200
    assert "correct email address and password for a staff account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_staff_member_logs_in_with_email_and_password(client, db):
    staff = UserFactory(email="support@example.com", password=PASSWORD, is_staff=True)

    response = sign_in(client, "support@example.com")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == staff.pk
