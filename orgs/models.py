"""Better Auth's organizations and their members, as its signed events (orgs.events) last reported them."""

from django.db import models
from django.utils import timezone

from accounts.models import USER_ID_PATTERN

# Better Auth makes organization ids with the generator of user ids.
ORGANIZATION_ID_PATTERN = USER_ID_PATTERN
NAME_MAX_LENGTH = 200
ROLE_MAX_LENGTH = 200


class Organization(models.Model):
    id = models.CharField(primary_key=True, max_length=64, help_text="Better Auth's organization id.")
    name = models.CharField(max_length=NAME_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or self.id


class Membership(models.Model):
    """A person's membership of an organization, with their Better Auth role (`owner`, `admin`, `member`, ...).

    The user is named by their Better Auth id, not a foreign key: Better Auth
    reports a member before the API has seen them (their first token creates
    the local user). A user's memberships go with their local account (orgs.signals).
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user_id = models.CharField(max_length=64, help_text="The member's Better Auth user id.")
    # As Better Auth stores it: one role, or several separated by commas.
    role = models.CharField(max_length=ROLE_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)
    # When the event that last set this membership happened in Better Auth (its `occurredAt`), if it said:
    # an older event arriving later (a retry) changes nothing (orgs.services).
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Also the index every organization request reads: (organization, user) finds the membership.
            models.UniqueConstraint(fields=["organization", "user_id"], name="orgs_membership_one_per_person"),
        ]
        # The organizations of one person (GET /api/orgs/).
        indexes = [models.Index(fields=["user_id"], name="orgs_membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.role}) in {self.organization_id}"


class MembershipEnded(models.Model):
    """When a person last left an organization, as the event that removed them said.

    An older `member.added` or `member.updated` that arrives after the removal
    (a delivery retried while the removal went through) does not bring them
    back (orgs.services.membership_set).
    """

    organization_id = models.CharField(max_length=64)
    user_id = models.CharField(max_length=64)
    ended_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization_id", "user_id"], name="orgs_membershipended_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} left {self.organization_id} at {self.ended_at:%Y-%m-%d %H:%M:%S}"


class DeletedOrganization(models.Model):
    """An organization Better Auth deleted. Its ids are never reused, so a member event that arrives
    after the deletion (a retry) recreates nothing (orgs.services.membership_set)."""

    id = models.CharField(primary_key=True, max_length=64, help_text="Better Auth's organization id.")
    deleted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.id
