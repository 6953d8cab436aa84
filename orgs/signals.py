"""A person's memberships go with their local account (Membership names them by id, with no foreign key)."""

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from accounts.models import User

from .models import Membership


@receiver(post_delete, sender=User, dispatch_uid="orgs_memberships_of_deleted_user")
def memberships_delete(sender: type[User], instance: User, **kwargs: Any) -> None:
    Membership.objects.filter(user_id=instance.pk).delete()
