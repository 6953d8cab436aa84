"""One settings key, SimpleJWT's, with every default in one place and the secrets from Better Auth's names."""

from datetime import timedelta

import pytest
from drf_better_auth.settings import DEFAULTS, api_settings
from drf_better_auth.state import token_backend


def test_defaults_fill_what_the_project_leaves_out():
    assert api_settings.ACCESS_TOKEN_LIFETIME == DEFAULTS["ACCESS_TOKEN_LIFETIME"] == timedelta(minutes=15)
    assert api_settings.USER_ID_FIELD == "username"
    assert api_settings.AUTH_HEADER_TYPES == ("Bearer",)


def test_an_unknown_name_is_an_error():
    with pytest.raises(AttributeError):
        api_settings.ALGORITHM  # noqa: B018  (SimpleJWT's, not read here: the algorithm is pinned per key)


def test_the_signing_key_falls_back_to_better_auth_s_secret(settings):
    assert api_settings.SIGNING_KEY == settings.BETTER_AUTH_SECRET

    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "SIGNING_KEY": "k" * 40}
    assert api_settings.SIGNING_KEY == "k" * 40


def test_a_change_of_settings_is_read_again_and_rebuilds_the_backend(settings):
    before = token_backend()

    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "LEEWAY": timedelta(seconds=30)}

    assert api_settings.LEEWAY == timedelta(seconds=30)
    assert token_backend() is not before
    assert token_backend().leeway == timedelta(seconds=30)


def test_the_rules_and_serializers_are_imported_from_their_dotted_paths():
    from drf_better_auth import serializers, users

    assert api_settings.TOKEN_USER_RULE is users.token_user
    assert api_settings.TOKEN_OBTAIN_SERIALIZER is serializers.TokenObtainPairSerializer
