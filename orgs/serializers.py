from rest_framework import serializers

from .models import Membership


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    """One of the caller's organizations, with their role in it."""

    id = serializers.CharField(source="organization_id", read_only=True, help_text="The organization's id.")
    name = serializers.CharField(source="organization.name", read_only=True, help_text="The organization's name.")
    role = serializers.CharField(
        read_only=True,
        help_text="The caller's Better Auth role: `owner`, `admin`, `member`, or another the operator mapped "
        "(several are comma-separated).",
    )

    class Meta:
        model = Membership
        fields = ["id", "name", "role"]
