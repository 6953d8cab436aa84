import jwt
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.test import Client

from .claims import ME_URL
from .factories import UserFactory
from .jwks_server import JWKSServer


@pytest.fixture
def sign_hs256():
    """Sign claims HS256 with the shared secret (or another key), as Better Auth's sign hook does."""

    def sign(claims, key=None, headers=None):
        return jwt.encode(claims, key or django_settings.BETTER_AUTH_SECRET, algorithm="HS256", headers=headers)

    return sign


@pytest.fixture
def call_me(api_client):
    def call(token, scheme="Bearer"):
        return api_client.get(ME_URL, HTTP_AUTHORIZATION=f"{scheme} {token}")

    return call


@pytest.fixture
def jwks_server(settings):
    server = JWKSServer()
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "JWKS_URL": server.url}
    yield server
    server.close()


@pytest.fixture
def support_group(db):
    """The group the migrations create (for `db` tests: transactional ones empty the database, this group too)."""
    return Group.objects.get(name="Support")


@pytest.fixture
def support_user(support_group):
    """Staff in the Support group, as the README tells operators to set support staff up."""
    user = UserFactory(email="support@example.com", is_staff=True)
    user.groups.add(support_group)
    return user


@pytest.fixture
def support_client(client, support_user, static_files_without_manifest):
    client.force_login(support_user)
    return client


@pytest.fixture
def superuser_client(db, static_files_without_manifest):
    # A client of its own, so a test can act as support and as a superuser.
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def superuser_session(db, static_files_without_manifest):
    """A superuser signed in through the admin's sign-in page, posting every form with its CSRF token."""
    from .admin_session import PASSWORD, AdminSession

    return AdminSession(UserFactory(email="root@example.com", password=PASSWORD, is_staff=True, is_superuser=True))
