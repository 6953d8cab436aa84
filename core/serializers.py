"""Serializers that describe bodies shared by every app (for the OpenAPI schema)."""

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The body of every API error; see `core.exceptions`."""

    detail = serializers.CharField(help_text="What went wrong, for people.")
    code = serializers.CharField(help_text="What went wrong, for programs.")
    # DRF's metaclass takes declared fields out of the class, so Serializer.errors stays as it is.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors only: field name -> messages.",
    )
    messages = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="Token errors only: why each token type refused the token.",
    )
