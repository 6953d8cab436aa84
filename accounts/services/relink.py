"""Relinking: moving a local account to a new Better Auth id, the ids a relink retired, and the record of each."""

import logging

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_better_auth.exceptions import TokenError

from audit.models import AuditEvent
from audit.services import audit_record

from ..models import (
    USER_ID_PATTERN,
    DeletedUserId,
    DenylistedToken,
    EndedSession,
    Identity,
    RelinkedUserId,
    RelinkRecord,
    User,
)
from ..signals import user_relinked

logger = logging.getLogger("accounts.auth")

# Columns that name a user without a foreign key (foreign keys are found by `_move_references`).
_PLAIN_USER_ID_COLUMNS: list[tuple[type[DenylistedToken | EndedSession], str]] = [
    (DenylistedToken, "user_id"),
    (EndedSession, "user_id"),
]


def user_id_ensure_not_relinked(*, user_id: str) -> None:
    """Refuse a token naming an id a relink retired; a fresh token from Better Auth names the new id."""
    if RelinkedUserId.objects.filter(old_id=user_id).exists():
        raise TokenError(_("Token names a user id that has been relinked to another"))


def user_id_ensure_not_deleted(*, user_id: str, issued_at: float) -> None:
    """Refuse a token naming an erased account's id when it was issued before the erasure.

    Such a token must not bring the account back, empty, on first sight; a
    token issued afterwards (the person signed in again) is a new first sight.
    """
    deleted = DeletedUserId.objects.filter(user_id=user_id).values_list("deleted_at", flat=True).first()
    if deleted is not None and issued_at < deleted.timestamp():
        raise TokenError(_("Token was issued before its account was deleted"))


def user_id_record_deleted(*, user_id: str) -> None:
    """Remember that the account with this id was erased now (again, if it came back since)."""
    DeletedUserId.objects.update_or_create(user_id=user_id, defaults={"deleted_at": timezone.now()})


def user_relink(*, user: User, new_id: str, actor: User | None, os_user: str = "", note: str = "") -> User:
    """Give a local user a new id (their new Better Auth id), keeping everything that points at them.

    For a person refused with `user_conflict` after Better Auth's database was
    reset or migrated: the same email came back with a new id. In one
    transaction the user's primary key changes and every reference follows
    (tasks, groups, permissions, admin history, denylist entries, and what
    other apps move on `accounts.signals.user_relinked`: memberships); the old id
    is retired, so tokens naming it are refused and no other account ever
    takes it. Every token issued before the relink is revoked, under either
    id: the person fetches a fresh one from Better Auth.

    `actor` is the admin user relinking, or None for the command line, which
    gives `os_user` (who ran it) and perhaps a `note` (who asked, a ticket).
    Each relink is a new `RelinkRecord`. ValidationError when it is refused.
    """
    old_id = user.pk
    try:
        with transaction.atomic():
            if not User.objects.select_for_update().filter(pk=old_id).exists():
                raise ValidationError(_("The user no longer exists."), code="user_gone")
            user_relink_ensure_allowed(user=user, new_id=new_id, actor=actor)
            now = timezone.now()
            # The Better Auth user with the new id reaches the account from now
            # on, and is the profile's source: support checked it is the same person.
            User.objects.filter(pk=old_id).update(
                id=new_id, identity=Identity.BETTER_AUTH, profile_synced_at=None, tokens_valid_after=now
            )
            _move_references(old_id, new_id)
            user_relinked.send(sender=User, old_id=old_id, new_id=new_id)
            # An undo: the account takes back an id it was relinked away from.
            RelinkedUserId.objects.filter(old_id=new_id).delete()
            RelinkedUserId.objects.create(old_id=old_id, account_id=new_id)
            RelinkRecord.objects.create(
                old_id=old_id,
                new_id=new_id,
                via=RelinkRecord.Via.ADMIN if actor else RelinkRecord.Via.COMMAND_LINE,
                actor_id=actor.pk if actor else "",
                os_user="" if actor else os_user,
                note="" if actor else note,
            )
            audit_record(
                event=AuditEvent.RELINKED,
                user_id=new_id,
                actor_id=actor.pk if actor else "",
                via="admin" if actor else "command line",
                detail={"old_id": old_id, "new_id": new_id},
            )
    except IntegrityError:
        # The new id was created by a concurrent request after the check.
        raise ValidationError(
            _("The id %(id)s already belongs to a local user."), code="id_taken", params={"id": new_id}
        ) from None
    user.id = new_id
    user.identity = Identity.BETTER_AUTH
    user.profile_synced_at = None
    user.tokens_valid_after = now
    # Never the note: it is free text, and may well hold an email address.
    logger.warning(
        "user relinked to a new id",
        extra={
            "event": "user_relinked",
            "user_id": new_id,
            "old_user_id": old_id,
            "actor_id": actor.pk if actor else None,
            "os_user": None if actor else os_user,
            "via": "admin" if actor else "command line",
        },
    )
    return user


def user_relink_ensure_allowed(*, user: User, new_id: str, actor: User | None) -> None:
    """ValidationError when `user_relink` would refuse.

    A malformed, unchanged, taken or retired id (but for the account's own, an undo), or one's own account.
    """
    if not isinstance(new_id, str) or not USER_ID_PATTERN.fullmatch(new_id):
        raise ValidationError(
            _("A Better Auth user id is 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'."), code="invalid_id"
        )
    if new_id == user.pk:
        raise ValidationError(_("The new id is the user's current id."), code="same_id")
    if actor is not None and actor.pk == user.pk:
        # Their own session and history would move under them; another superuser can do it.
        raise ValidationError(_("Nobody may relink their own account."), code="own_account")
    # The holder first, then the retired ids: a concurrent relink away from
    # `new_id` commits both at once, so a holder gone means its retirement shows.
    holder = User.objects.filter(pk=new_id).first()
    if holder is not None:
        raise ValidationError(
            _("The id %(id)s already belongs to the local user %(email)s."),
            code="id_taken",
            params={"id": new_id, "email": holder.email},
        )
    retired = RelinkedUserId.objects.filter(old_id=new_id).first()
    if retired is not None and retired.account_id != user.pk:
        # Whoever took it would answer to the old id's tokens, links and history.
        raise ValidationError(
            _("The id %(id)s was retired by a relink; only the account relinked away from it may take it back."),
            code="id_retired",
            params={"id": new_id},
        )


def _move_references(old_id: str, new_id: str) -> None:
    # Every foreign key to the user, also those of many-to-many tables
    # (groups, permissions) and of models added later. The database checks
    # them at commit (Django makes them deferrable), after the user has moved.
    for relation in User._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one):
            # A reverse relation (ForeignObjectRel): its field is the foreign key, its model the one holding it.
            column = relation.field.attname  # type: ignore[union-attr]
            relation.related_model._base_manager.filter(**{column: old_id}).update(**{column: new_id})  # type: ignore[union-attr]
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=old_id).update(
        object_id=new_id
    )
    for model, column in _PLAIN_USER_ID_COLUMNS:
        model.objects.filter(**{column: old_id}).update(**{column: new_id})
