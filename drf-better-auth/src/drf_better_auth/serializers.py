"""The token endpoints' request and response bodies: SimpleJWT's contract, the app's rules behind it.

The classes carry no docstring on purpose: OpenAPI generators take a
serializer's docstring as its schema's description, which is the app's to give.
"""

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers

from .settings import api_settings
from .tokens import AccessToken, RefreshToken, token_identity


def token_pair_for(user: Any) -> dict[str, str]:
    """A fresh refresh token for the user, and an access token made from it."""
    refresh = RefreshToken.for_user(user)
    return {"refresh": str(refresh), "access": str(refresh.access_token)}


class TokenObtainPairSerializer(serializers.Serializer[Any]):
    # The user model's USERNAME_FIELD comes first (get_fields), as SimpleJWT asks for it.
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)

    @property
    def username_field(self) -> str:
        return get_user_model().USERNAME_FIELD

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {self.username_field: serializers.CharField(write_only=True), **super().get_fields()}

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        user = api_settings.SIGN_IN_RULE(request=self.context.get("request"), **attrs)
        return token_pair_for(user)


class TokenRefreshSerializer(serializers.Serializer[Any]):
    refresh = serializers.CharField()
    access = serializers.CharField(read_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        """Reads the user as they are now: a revoked or deactivated user's refresh token never rotates."""
        refresh = RefreshToken(attrs["refresh"])
        identity = refresh.identity()
        user = api_settings.TOKEN_USER_RULE(identity=identity)
        api_settings.TOKEN_ACCEPTED_RULE(user=user, identity=identity)
        if api_settings.ROTATE_REFRESH_TOKENS and api_settings.BLACKLIST_AFTER_ROTATION:
            api_settings.BLACKLIST_RULE(refresh=refresh)
        else:
            api_settings.BLACKLIST_CHECK_RULE(jti=refresh.jti)
        if api_settings.ROTATE_REFRESH_TOKENS:
            return token_pair_for(user)
        return {"access": str(refresh.access_token)}


class TokenVerifySerializer(serializers.Serializer[Any]):
    token = serializers.CharField(write_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Valid when the API would accept the token now: signature, expiry, blacklist and the user's state."""
        identity = token_identity(attrs["token"], token_types=(AccessToken.token_type, RefreshToken.token_type))
        api_settings.TOKEN_VERIFY_RULE(identity=identity)
        return {}


class TokenBlacklistSerializer(serializers.Serializer[Any]):
    refresh = serializers.CharField(write_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        api_settings.BLACKLIST_RULE(refresh=RefreshToken(attrs["refresh"]))
        return {}
