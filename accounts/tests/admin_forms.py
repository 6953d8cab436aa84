"""What the user admin's pages post, for tests that submit them (or craft them) through the test client."""

USERS_URL = "/admin/accounts/user/"


def change_url(user):
    return f"{USERS_URL}{user.pk}/change/"


def change_form(user, **changes):
    """What the user's change page posts as it stands, with these changes (None leaves a field out)."""
    data = {
        "email": user.email,
        "name": user.name,
        "is_active": "on",
        # The tasks inline's management form, with no task rows.
        "tasks-TOTAL_FORMS": "0",
        "tasks-INITIAL_FORMS": "0",
        "tasks-MIN_NUM_FORMS": "0",
        "tasks-MAX_NUM_FORMS": "1000",
        **changes,
    }
    return {field: value for field, value in data.items() if value is not None}


def password_url(user):
    return f"{USERS_URL}{user.pk}/password/"


def password_form(password):
    """What the password page posts to set this password."""
    return {"usable_password": "true", "password1": password, "password2": password}


class AdminSession:
    """A browser's admin session: signed in through the login page, every POST with the CSRF token it was given."""

    LOGIN_URL = "/admin/login/?next=/admin/"

    def __init__(self, email, password):
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True)
        self.client.get(self.LOGIN_URL)
        response = self.post(self.LOGIN_URL, {"username": email, "password": password})
        assert response.status_code == 302, response.content

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url, data):
        return self.client.post(url, {**data, "csrfmiddlewaretoken": self.client.cookies["csrftoken"].value})
