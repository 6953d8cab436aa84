"""A previous secret too weak to be a secret verifies nothing, in every mode.

`accounts.checks` also refuses to start with one once DEBUG is off; these tests
cover the running API, where a forged token must fail even if start-up checks
were skipped (another WSGI server, DEBUG on).
"""

import pytest
from django.conf import settings as django_settings

from .claims import better_auth_claims
from .factories import BetterAuthUserFactory

pytestmark = pytest.mark.django_db

CURRENT_SECRET = "the-current-better-auth-secret-fedcba9876543210"
STRONG_PREVIOUS_SECRET = "the-previous-better-auth-secret-0123456789abcdef"


@pytest.fixture
def superuser():
    return BetterAuthUserFactory(email="root@example.com", is_staff=True, is_superuser=True)


def rotate(settings, *previous):
    settings.SIMPLE_JWT = {
        **settings.SIMPLE_JWT,
        "SIGNING_KEY": CURRENT_SECRET,
        "PREVIOUS_SIGNING_KEYS": list(previous),
    }


@pytest.mark.parametrize(
    "weak",
    ["changeme", "x" * 31, django_settings.DEVELOPMENT_BETTER_AUTH_SECRET, django_settings.DEVELOPMENT_SECRET_KEY],
    ids=["changeme", "31-characters", "better-auth-placeholder", "django-placeholder"],
)
def test_a_token_forged_with_a_weak_previous_secret_is_refused(settings, superuser, call_me, sign_hs256, weak):
    rotate(settings, STRONG_PREVIOUS_SECRET, weak)
    forged = sign_hs256(better_auth_claims(user_id=superuser.pk, email=superuser.email), key=weak)

    response = call_me(forged)

    assert response.status_code == 401
    assert response.json()["detail"] == "Token signature is invalid"


def test_a_strong_previous_secret_listed_beside_a_weak_one_still_verifies(settings, superuser, call_me, sign_hs256):
    rotate(settings, "changeme", STRONG_PREVIOUS_SECRET)
    token = sign_hs256(better_auth_claims(user_id=superuser.pk, email=superuser.email), key=STRONG_PREVIOUS_SECRET)

    assert call_me(token).status_code == 200


def test_previous_secrets_are_stripped_and_weak_or_empty_entries_never_verify(run_manage):
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from drf_better_auth.settings import api_settings as s; print(s.PREVIOUS_SIGNING_KEYS)",
        DJANGO_DEBUG="true",
        BETTER_AUTH_SECRET=CURRENT_SECRET,
        BETTER_AUTH_PREVIOUS_SECRETS=f"  {STRONG_PREVIOUS_SECRET} , , changeme ,",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"['{STRONG_PREVIOUS_SECRET}']"
