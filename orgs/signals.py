"""A person's memberships go with their local account (Membership names them by id, with no foreign key):
deleted with it, moved with a relink."""

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from accounts.models import User
from accounts.signals import user_relinked

from .models import Membership, MembershipEnded


@receiver(post_delete, sender=User, dispatch_uid="orgs_memberships_of_deleted_user")
def memberships_delete(sender: type[User], instance: User, **kwargs: Any) -> None:
    Membership.objects.filter(user_id=instance.pk).delete()


@receiver(user_relinked, dispatch_uid="orgs_memberships_of_relinked_user")
def memberships_move(sender: type[User], old_id: str, new_id: str, **kwargs: Any) -> None:
    """The memberships (and recorded removals) of the old id become the new id's.

    Where Better Auth has already reported the new id in an organization, that
    report is the newer one and stays; the old id's there goes.
    """
    for model in (Membership, MembershipEnded):
        reported = model.objects.filter(user_id=new_id).values("organization_id")
        model.objects.filter(user_id=old_id, organization_id__in=reported).delete()
        model.objects.filter(user_id=old_id).update(user_id=new_id)
