"""Request and response bodies of the account endpoints; the token endpoints' are drf_better_auth's.

A serializer whose `save()` runs a service keeps DRF's contract: keyword
arguments join the validated data.
"""

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_better_auth import serializers as token_serializers
from drf_better_auth.serializers import token_pair_for
from drf_better_auth.tokens import RefreshToken
from rest_framework import serializers

from . import services
from .models import ApiKey, ApiKeyScope, Identity, User, normalize_email


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "email_verified", "name", "date_joined"]
        read_only_fields = fields


class ProfileSerializer(UserSerializer):
    """PATCH /api/auth/me/: the holder edits the name; every other field is read-only (and ignored)."""

    class Meta(UserSerializer.Meta):
        read_only_fields = ["id", "email", "email_verified", "date_joined"]
        extra_kwargs = {"name": {"max_length": 255, "allow_blank": True}}

    def update(self, user: User, validated_data: dict[str, Any]) -> User:
        if "name" in validated_data:
            services.user_profile_edit(user=user, name=validated_data["name"])
        return user


def _password_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        write_only=True, trim_whitespace=False, max_length=1024, style={"input_type": "password"}, **kwargs
    )


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)


class PasswordChangeSerializer(serializers.Serializer):
    """A local account's new password, after its current one; answers a fresh token pair."""

    current_password = _password_field()
    new_password = _password_field()

    def save(self, **kwargs: Any) -> dict[str, str]:
        request = self.context["request"]
        data = {**self.validated_data, **kwargs}
        try:
            user = services.user_password_change(
                request=request,
                user=request.user,
                current_password=data["current_password"],
                new_password=data["new_password"],
            )
        except ValidationError as error:
            raise serializers.ValidationError({"new_password": list(error.messages)}) from None
        return token_pair_for(user)


class AccountDeleteSerializer(serializers.Serializer):
    """DELETE /api/auth/me/: a local account's current password (a Better Auth identity needs a recent token)."""

    current_password = _password_field(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        if user.identity == Identity.LOCAL and "current_password" not in attrs:
            raise serializers.ValidationError({"current_password": [_("This field is required.")]}, code="required")
        return attrs


class SignupSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, max_length=1024, style={"input_type": "password"}
    )
    name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    def validate_email(self, value: str) -> str:
        return normalize_email(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(email=attrs["email"], name=attrs["name"])
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except ValidationError as error:
            raise serializers.ValidationError({"password": list(error.messages)}) from None
        return attrs

    def create(self, validated_data: dict[str, Any]) -> User:
        try:
            return services.user_sign_up(**validated_data)
        except ValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None

    def to_representation(self, user: User) -> dict[str, Any]:
        return {"user": UserSerializer(user).data, **token_pair_for(user)}


class DetailSerializer(serializers.Serializer):
    """An answer that is only a message for people."""

    detail = serializers.CharField(read_only=True)


class EmailAddressSerializer(serializers.Serializer):
    """An address to mail a link to, normalised as every stored address is."""

    email = serializers.EmailField(max_length=254)

    def validate_email(self, value: str) -> str:
        return normalize_email(value)


class LinkSerializer(serializers.Serializer):
    """The `uid` and `token` of a link we mailed, as the front end's page received them."""

    uid = serializers.CharField(max_length=128)
    token = serializers.CharField(max_length=128)


class EmailVerifySerializer(LinkSerializer):
    def save(self, **kwargs: Any) -> User:
        return services.email_verify(**{**self.validated_data, **kwargs})


class EmailDeclineSerializer(LinkSerializer):
    def save(self, **kwargs: Any) -> None:
        services.email_decline(**{**self.validated_data, **kwargs})


class EmailChangeSerializer(serializers.Serializer):
    """A signed-in local account asks to move to `new_email`, with its password as a second proof of who asks."""

    new_email = serializers.EmailField(max_length=254)
    current_password = serializers.CharField(
        write_only=True, trim_whitespace=False, max_length=1024, style={"input_type": "password"}
    )

    def validate_new_email(self, value: str) -> str:
        email = normalize_email(value)
        if email == self.context["request"].user.email:
            raise serializers.ValidationError(_("This is already the account's address."), code="same_email")
        return email

    def save(self, **kwargs: Any) -> None:
        request = self.context["request"]
        data = {**self.validated_data, **kwargs}
        services.user_password_check(request=request, user=request.user, password=data["current_password"])
        services.email_change_request(user=request.user, new_email=data["new_email"])


class EmailChangeConfirmSerializer(LinkSerializer):
    # The token carries the new address, signed.
    token = serializers.CharField(max_length=1024)

    def save(self, **kwargs: Any) -> User:
        return services.email_change_confirm(**{**self.validated_data, **kwargs})


class PasswordResetConfirmSerializer(LinkSerializer):
    new_password = serializers.CharField(
        write_only=True, trim_whitespace=False, max_length=1024, style={"input_type": "password"}
    )

    def save(self, **kwargs: Any) -> User:
        data = {**self.validated_data, **kwargs}
        try:
            return services.password_reset_confirm(uid=data["uid"], token=data["token"], password=data["new_password"])
        except ValidationError as error:
            raise serializers.ValidationError({"new_password": list(error.messages)}) from None


# `/token/blacklist/`: the package's, with the sign-out recorded in the audit trail (a rotation is not).
# No docstring: it would become the schema's description, which clients read for the package's.
class TokenBlacklistSerializer(token_serializers.TokenBlacklistSerializer):
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        services.refresh_token_sign_out(refresh=RefreshToken(attrs["refresh"]))
        return {}


class ApiKeySerializer(serializers.ModelSerializer):
    """A personal API key as its holder sees it: never the key itself, which is shown once, at creation."""

    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ApiKeyScope.choices), source="scope_list")
    prefix = serializers.CharField(read_only=True, help_text="The key's public start, to tell keys apart.")

    class Meta:
        model = ApiKey
        fields = ["id", "name", "prefix", "scopes", "created_at", "expires_at", "last_used_at"]
        read_only_fields = ["id", "created_at", "last_used_at"]


class ApiKeyCreateSerializer(serializers.Serializer):
    """A new key's name, its scopes (at least one) and, optionally, when it expires (in the future)."""

    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiKeyScope.choices), min_length=1, max_length=len(ApiKeyScope)
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_scopes(self, scopes: list[str]) -> list[str]:
        if len(set(scopes)) != len(scopes):
            raise serializers.ValidationError(_("Each scope once."))
        return scopes

    def validate_expires_at(self, expires_at: Any) -> Any:
        if expires_at is not None and expires_at <= timezone.now():
            raise serializers.ValidationError(_("The expiry must be in the future."))
        return expires_at


class ApiKeyCreatedSerializer(ApiKeySerializer):
    """The answer to a creation: the key, in `key`, this once; only its SHA-256 is kept."""

    key = serializers.CharField(read_only=True, help_text="The key itself. It is not stored and never shown again.")

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
