"""System checks on the secrets: missing, weak, published or shared secrets stop start-up with DEBUG off."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from drf_better_auth.checks import check_signing_keys, check_webhook_secret

STRONG = "s" * 48


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.BETTER_AUTH_SECRET = STRONG
    return settings


def problems(check):
    return [(problem.id, problem.msg) for problem in check()]


def test_strong_secrets_pass(production):
    production.BETTER_AUTH_WEBHOOK_SECRET = STRONG + "w"

    assert check_signing_keys() + check_webhook_secret() == []


@pytest.mark.parametrize(
    "secret, expected",
    [
        ("", ("drf_better_auth.E001", "BETTER_AUTH_SECRET is not set.")),
        (
            "b" * 31,
            ("drf_better_auth.E002", "BETTER_AUTH_SECRET is too weak: 31 characters, at least 32 are required."),
        ),
        ("p" * 40, ("drf_better_auth.E001", "BETTER_AUTH_SECRET is not set.")),
    ],
    ids=["missing", "weak", "placeholder"],
)
def test_the_signing_key_must_be_a_secret(production, secret, expected):
    production.BETTER_AUTH_SECRET = secret
    production.SIMPLE_JWT = {**production.SIMPLE_JWT, "PLACEHOLDER_SECRETS": ["p" * 40]}

    assert problems(check_signing_keys) == [expected]


def test_an_explicit_signing_key_is_named_as_a_setting(production):
    production.SIMPLE_JWT = {**production.SIMPLE_JWT, "SIGNING_KEY": "short"}

    assert problems(check_signing_keys)[0][1].startswith("SIMPLE_JWT['SIGNING_KEY'] is too weak")


def test_weak_previous_keys_are_errors_without_debug_and_warnings_with_it(production):
    production.SIMPLE_JWT = {
        **production.SIMPLE_JWT,
        "PREVIOUS_SIGNING_KEYS": [STRONG + "o", "changeme", "p" * 40],
        "PLACEHOLDER_SECRETS": ["p" * 40],
    }

    assert problems(check_signing_keys) == [
        (
            "drf_better_auth.E003",
            "SIMPLE_JWT['PREVIOUS_SIGNING_KEYS'] entry 2 is too weak: 8 characters, at least 32 are required.",
        ),
        ("drf_better_auth.E003", "SIMPLE_JWT['PREVIOUS_SIGNING_KEYS'] entry 3 is a development placeholder."),
    ]
    production.DEBUG = True
    assert [problem.id for problem in check_signing_keys()] == ["drf_better_auth.W001"] * 2


def test_weak_previous_keys_never_verify(production):
    from drf_better_auth.settings import api_settings

    production.SIMPLE_JWT = {**production.SIMPLE_JWT, "PREVIOUS_SIGNING_KEYS": [STRONG + "o", "changeme"]}

    assert api_settings.PREVIOUS_SIGNING_KEYS == [STRONG + "o"]


@pytest.mark.parametrize(
    "webhook_secret, expected_id",
    [("w" * 31, "drf_better_auth.E002"), (STRONG, "drf_better_auth.E005"), ("", None)],
    ids=["weak", "the-signing-key", "unset"],
)
def test_the_webhook_secret_is_optional_but_strong_and_its_own(production, webhook_secret, expected_id):
    production.BETTER_AUTH_WEBHOOK_SECRET = webhook_secret

    assert [problem.id for problem in check_webhook_secret()] == ([expected_id] if expected_id else [])


def test_an_explicit_webhook_secret_is_named_as_a_setting(production):
    production.SIMPLE_JWT = {**production.SIMPLE_JWT, "WEBHOOK_SECRET": "short"}

    assert problems(check_webhook_secret)[0][1].startswith("SIMPLE_JWT['WEBHOOK_SECRET'] is too weak")


def test_the_installed_app_registers_the_checks(production):
    production.BETTER_AUTH_SECRET = "short"

    with pytest.raises(SystemCheckError, match="BETTER_AUTH_SECRET is too weak"):
        call_command("check")
