"""A browser's way into the admin: signed in on the sign-in page, every form posted with its CSRF token."""

from django.test import Client

LOGIN_URL = "/admin/login/?next=/admin/"
USERS_URL = "/admin/accounts/user/"
PASSWORD = "correct horse battery staple 42"


class AdminSession:
    """A client that refuses a form without its CSRF token, as the server does for a browser."""

    def __init__(self, user, password=PASSWORD):
        self.user = user
        self.client = Client(enforce_csrf_checks=True)
        self.client.get(LOGIN_URL)
        signed_in = self.post(LOGIN_URL, {"username": user.email, "password": password})
        assert signed_in.status_code == 302, "the sign-in page refused the admin"

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url, data, **kwargs):
        # The token the sign-in page set, as the form's hidden field carries it (rotated at sign-in).
        token = self.client.cookies["csrftoken"].value
        return self.client.post(url, {**data, "csrfmiddlewaretoken": token}, **kwargs)

    def relink(self, user_id, new_id, step="confirm"):
        """The relink action's page for this step (`enter`: the typed id; `confirm`: "Yes, relink")."""
        return self.post(
            USERS_URL,
            {"action": "relink_selected", "_selected_action": [user_id], "relink_step": step, "new_id": new_id},
        )
