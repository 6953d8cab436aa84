import pytest

from accounts.checks import check_better_auth_secrets, check_webhook_secret
from core.checks import check_secret_key

STRONG = "s" * 48


def check_secrets():
    return check_secret_key() + check_better_auth_secrets()


def test_a_weak_better_auth_secret_refuses_to_start_with_debug_off(run_manage):
    result = run_manage("check", DJANGO_DEBUG="false", DJANGO_SECRET_KEY=STRONG, BETTER_AUTH_SECRET="too-short")

    assert result.returncode != 0
    assert "BETTER_AUTH_SECRET is too weak" in result.stderr
    assert "too-short" not in result.stderr


def test_a_missing_django_secret_key_refuses_to_start_with_debug_off(run_manage):
    result = run_manage("check", DJANGO_DEBUG="false", BETTER_AUTH_SECRET=STRONG)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_first_run_with_debug_on_needs_no_secrets(run_manage):
    result = run_manage("check", DJANGO_DEBUG="true")

    assert result.returncode == 0, result.stderr


def test_strong_secrets_pass_the_check(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = STRONG
    settings.BETTER_AUTH_SECRET = STRONG + "b"

    assert check_secrets() == []


@pytest.mark.parametrize("length", [0, 1, 31])
def test_every_secret_under_32_characters_is_an_error(settings, length):
    settings.DEBUG = False
    settings.SECRET_KEY = STRONG
    settings.BETTER_AUTH_SECRET = "b" * length

    errors = check_secrets()

    assert [error.id for error in errors] in (["accounts.E001"], ["accounts.E002"])
    assert "BETTER_AUTH_SECRET" in errors[0].msg


def test_deploy_check_prints_no_warnings_with_production_settings(run_manage):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="k" * 64 + "-production-like-secret-key-9f8e7d6c5b4a",
        BETTER_AUTH_SECRET=STRONG,
        DJANGO_ALLOWED_HOSTS="api.example.com",
        DJANGO_SECURE_SSL_REDIRECT="true",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_weak_previous_better_auth_secret_refuses_to_start_with_debug_off(run_manage):
    result = run_manage(
        "check",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=STRONG,
        BETTER_AUTH_SECRET=STRONG,
        BETTER_AUTH_PREVIOUS_SECRETS=f"{STRONG}-old, changeme ",
    )

    assert result.returncode != 0
    assert "BETTER_AUTH_PREVIOUS_SECRETS entry 2 is too weak: 8 characters" in result.stderr
    assert "changeme" not in result.stderr


def test_a_weak_previous_better_auth_secret_is_a_warning_with_debug_on(run_manage):
    result = run_manage("check", DJANGO_DEBUG="true", BETTER_AUTH_PREVIOUS_SECRETS="changeme")

    assert result.returncode == 0, result.stderr
    assert "(accounts.W001) BETTER_AUTH_PREVIOUS_SECRETS entry 1 is too weak" in result.stderr
    assert "changeme" not in result.stdout + result.stderr


@pytest.mark.parametrize("placeholder", ["DEVELOPMENT_BETTER_AUTH_SECRET", "DEVELOPMENT_SECRET_KEY"])
def test_a_development_placeholder_is_refused_as_a_previous_secret(settings, placeholder):
    settings.DEBUG = False
    settings.SECRET_KEY = STRONG
    settings.BETTER_AUTH_SECRET = STRONG + "b"
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "PREVIOUS_SIGNING_KEYS": [STRONG, getattr(settings, placeholder)]}

    errors = check_secrets()

    assert [(error.id, error.msg) for error in errors] == [
        ("accounts.E003", "BETTER_AUTH_PREVIOUS_SECRETS entry 2 is a development placeholder.")
    ]


def webhook_check_errors(settings, value):

    settings.DEBUG = False
    settings.SECRET_KEY = STRONG
    settings.BETTER_AUTH_SECRET = STRONG + "b"
    settings.BETTER_AUTH_WEBHOOK_SECRET = value
    return check_webhook_secret()


def test_the_webhook_secret_is_optional(settings):
    assert webhook_check_errors(settings, "") == []
    assert webhook_check_errors(settings, STRONG + "w") == []


def test_a_weak_webhook_secret_is_an_error(settings):
    [error] = webhook_check_errors(settings, "w" * 31)

    assert error.id == "accounts.E002"
    assert "BETTER_AUTH_WEBHOOK_SECRET is too weak: 31 characters" in error.msg


@pytest.mark.parametrize("shared", [STRONG, STRONG + "b"], ids=["DJANGO_SECRET_KEY", "BETTER_AUTH_SECRET"])
def test_the_webhook_secret_must_be_a_secret_of_its_own(settings, shared):
    [error] = webhook_check_errors(settings, shared)

    assert error.id == "accounts.E005"


def test_a_weak_webhook_secret_refuses_to_start_with_debug_off(run_manage):
    result = run_manage(
        "check",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=STRONG,
        BETTER_AUTH_SECRET=STRONG + "b",
        BETTER_AUTH_WEBHOOK_SECRET="short-webhook-secret",
    )

    assert result.returncode != 0
    assert "BETTER_AUTH_WEBHOOK_SECRET is too weak" in result.stderr
    assert "short-webhook-secret" not in result.stderr
