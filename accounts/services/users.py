"""The local user: found or created from a token, given a newer profile, signed up, signed in, deactivated."""

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, cast

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, update_last_login
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_better_auth.exceptions import NoActiveAccount, TokenError, UserNotFound
from drf_better_auth.settings import api_settings

from audit.models import AuditEvent
from audit.services import audit_record

from .. import emails, lockout
from ..exceptions import SignInLocked, UserConflict
from ..models import NAME_MAX_LENGTH, EmailProof, Identity, User
from ..selectors import user_get_for_token
from .ownership import ReleaseReason, email_clean, email_proof_after, email_release
from .relink import user_id_ensure_not_deleted, user_id_ensure_not_relinked

if TYPE_CHECKING:
    from drf_better_auth.tokens import TokenIdentity

logger = logging.getLogger("accounts.auth")

EMAIL_TAKEN = _("An account with this email address already exists.")


class Profile(Protocol):
    """What Better Auth says of a person: a token's identity, or a user-updated event."""

    @property
    def email(self) -> str | None: ...
    @property
    def name(self) -> str | None: ...
    @property
    def email_verified(self) -> bool: ...
    @property
    def profile_updated_at(self) -> datetime | None: ...
    @property
    def role(self) -> str | None: ...


def user_sync_from_token(*, identity: "TokenIdentity") -> User:
    """The local user a verified token names: found, created on first sight, or given its newer profile.

    Only Better Auth vouches for people we have not seen; a SimpleJWT token
    naming an unknown user is refused. Read from the database on every call:
    the user's current state is the truth every worker and replica shares.
    The user is marked `impersonated_by` when a Better Auth admin is acting
    as the person (audit.middleware records their writes under that id).
    """
    user = user_get_for_token(identity=identity)
    if user is None:
        if not identity.may_create_user:
            raise UserNotFound()
        user_id_ensure_not_relinked(user_id=identity.user_id)
        user_id_ensure_not_deleted(user_id=identity.user_id, issued_at=identity.issued_at)
        user = _user_create_from_identity(identity)
    else:
        user_ensure_reached_by(user=user, identity=identity)
        user_profile_sync(user=user, profile=identity)
    user_role_sync(user=user, profile=identity)
    user.impersonated_by = identity.impersonated_by
    return user


def user_ensure_reached_by(*, user: User, identity: "TokenIdentity") -> None:
    """Refuse a Better Auth token naming an account that is not that Better Auth user's.

    Our own tokens are minted only for their account; a Better Auth token
    reaches only the account Better Auth's identity created (or support relinked).
    """
    if identity.may_create_user and user.identity != Identity.BETTER_AUTH:
        logger.warning("better auth token names a local account", extra={"event": "identity_mismatch"})
        raise UserConflict()


def _user_create_from_identity(identity: "TokenIdentity") -> User:
    email = email_clean(identity.email)
    if email is None:
        raise TokenError(_("Token carries no valid email address for a new user"))
    proof = EmailProof.BETTER_AUTH if identity.email_verified else EmailProof.NONE
    try:
        with transaction.atomic():
            if proof != EmailProof.NONE:
                email_release(email=email, to_user_id=identity.user_id, reason=ReleaseReason.BETTER_AUTH_PROOF)
            user, created = User.objects.get_or_create(
                pk=identity.user_id,
                defaults={
                    "password": make_password(None),
                    "identity": Identity.BETTER_AUTH,
                    "email": email,
                    "email_verified": proof != EmailProof.NONE,
                    "email_proof": proof,
                    "name": name_storable(identity.name or ""),
                    "profile_synced_at": identity.profile_updated_at,
                },
            )
    except IntegrityError:
        # Another account holds this email and may keep it (it proved it, or
        # this token does not). Linking by email would let whoever controls a
        # Better Auth account take over a local one.
        logger.warning("token user conflicts with an existing email", extra={"event": "user_conflict"})
        raise UserConflict() from None
    if created:
        logger.info("user created on first sight", extra={"event": "user_created", "user_id": user.pk})
    else:
        user_ensure_reached_by(user=user, identity=identity)
    return user


def name_storable(name: str) -> str:
    """The name as the database can hold it: no NUL or lone surrogates, cut to the column's length."""
    cleaned = name.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return cleaned[:NAME_MAX_LENGTH]


def user_profile_sync(*, user: User, profile: Profile) -> None:
    """Take Better Auth's email and name when they are newer than what we took last.

    `profile` has `email`, `name`, `email_verified` and `profile_updated_at`
    (Better Auth's `updatedAt`): a token's identity, or a user-updated event.
    A newer address is taken only while no other account holds it: a token
    never moves an address away from another account, whatever it proves.
    A name edited here (`profile_edited_at`) stays until Better Auth's
    profile is updated after the edit: the later change wins.
    """
    if _profile_is_newer(profile, user):
        _profile_take(user, profile)
    elif profile.email_verified and not user.email_verified and email_clean(profile.email) == user.email:
        # A proof stands whenever it comes: no newer profile is needed to take it.
        user.email_prove(EmailProof.BETTER_AUTH)
        user.save(update_fields=["email_verified", "email_proof"])
        logger.info("email address verified", extra={"event": "email_verified", "user_id": user.pk})


def _profile_is_newer(profile: Profile, user: User) -> bool:
    if profile.profile_updated_at is None:
        return False
    if user.profile_synced_at is not None and profile.profile_updated_at <= user.profile_synced_at:
        return False
    return _profile_from(profile, user) != (user.email, user.name, user.email_proof)


def _profile_from(profile: Profile, user: User) -> tuple[str, str, str]:
    """The (email, name, email_proof) the profile asks for; what it lacks or we cannot hold stays ours."""
    claimed = email_clean(profile.email)
    email = claimed or user.email
    name = name_storable(profile.name) if profile.name is not None and _name_is_newer(profile, user) else user.name
    brought = EmailProof.BETTER_AUTH if claimed == email and profile.email_verified else EmailProof.NONE
    return email, name, email_proof_after(user=user, email=email, proof=brought)


def _name_is_newer(profile: Profile, user: User) -> bool:
    """A name edited here wins over Better Auth's until Better Auth's profile changes after the edit."""
    edited = user.profile_edited_at
    return edited is None or (profile.profile_updated_at is not None and profile.profile_updated_at > edited)


def _profile_take(user: User, profile: Profile) -> None:
    new_email, user.name, new_proof = _profile_from(profile, user)
    user.profile_synced_at = profile.profile_updated_at
    fields = ["name", "profile_synced_at"]
    if (new_email, new_proof) != (user.email, user.email_proof):
        previous = user.email, user.email_proof
        user.email = new_email
        user.email_prove(new_proof)
        try:
            with transaction.atomic():
                user.save(update_fields=[*fields, "email", "email_verified", "email_proof"])
                if new_email != previous[0]:
                    audit_record(event=AuditEvent.EMAIL_CHANGED, user_id=user.pk, via="better_auth")
            return
        except IntegrityError:
            user.email = previous[0]
            user.email_prove(previous[1])
            logger.warning("newer email claim belongs to another account", extra={"event": "email_conflict"})
    user.save(update_fields=fields)


def user_ban_set(*, user_id: str, banned: bool, expires: datetime | None = None) -> bool:
    """Ban the account (until `expires`, or until lifted) or lift its ban; answers whether the account is here.

    The state every worker and replica reads with the user on the next
    request (`User.is_banned`), so the ban holds at once everywhere. A person
    not seen here yet has no row to hold it: their first token says `banned`
    itself when Better Auth minted it after the ban.
    """
    changed = User.objects.filter(pk=user_id).update(banned=banned, ban_expires=expires if banned else None)
    logger.info(
        "user banned" if banned else "user unbanned",
        extra={"event": "user_banned" if banned else "user_unbanned", "user_id": user_id},
    )
    return bool(changed)


def role_is_current(profile: Profile, user: User) -> bool:
    """Better Auth's role, as of a profile no older than the one taken last: an old token never undoes a change."""
    updated = profile.profile_updated_at
    return updated is not None and (user.profile_synced_at is None or updated >= user.profile_synced_at)


def user_role_sync(*, user: User, profile: Profile, via: str = "api") -> None:
    """Take the role a Better Auth profile carries when it differs from the account's and the profile is current."""
    if profile.role is not None and profile.role != user.better_auth_role and role_is_current(profile, user):
        user_role_take(user=user, role=profile.role, updated_at=profile.profile_updated_at, via=via)


def role_groups(role: str) -> set[str]:
    """The Django groups BETTER_AUTH_ROLE_GROUPS grants a Better Auth role (several are comma-separated)."""
    # accounts.checks stops start-up on any other shape.
    mapping = cast("dict[str, list[str]]", settings.BETTER_AUTH_ROLE_GROUPS)
    return {group for name in role.split(",") for group in mapping.get(name.strip(), ())}


def user_role_take(*, user: User, role: str, updated_at: datetime | None, via: str = "api") -> None:
    """Record Better Auth's role for the account, and what the operator's mapping grants for it.

    Nothing is granted unless BETTER_AUTH_ROLE_GROUPS maps the role: then the
    account is staff in the mapped groups. A role that loses its mapping
    takes back what the old one granted. Superuser never comes from a role.
    `updated_at` (Better Auth's `updatedAt` of the profile carrying the role)
    becomes the profile taken last, so no older token takes the old role back.
    """
    before, after = role_groups(user.better_auth_role), role_groups(role)
    user.better_auth_role = role
    user.profile_synced_at = max(filter(None, (user.profile_synced_at, updated_at)), default=None)
    fields = ["better_auth_role", "profile_synced_at"]
    if before or after:
        user.is_staff = bool(after)
        fields.append("is_staff")
    with transaction.atomic():
        user.save(update_fields=fields)
        if before - after:
            user.groups.remove(*Group.objects.filter(name__in=before - after))
        if after:
            user.groups.add(*Group.objects.filter(name__in=after))
        audit_record(
            event=AuditEvent.ROLE_CHANGED,
            user_id=user.pk,
            via=via,
            detail={"role": role[:200], "staff": user.is_staff if (before or after) else None},
        )
    logger.info("better auth role taken", extra={"event": "role_changed", "user_id": user.pk})


def user_deactivate(*, user: User, via: str = "", actor_id: str = "") -> None:
    """Refuse the user from now on; their tokens fail at once. `via` and `actor_id` (an admin's) go to the audit."""
    user.is_active = False
    user.tokens_valid_after = user.deactivated_at = timezone.now()
    with transaction.atomic():
        user.save(update_fields=["is_active", "tokens_valid_after", "deactivated_at"])
        audit_record(event=AuditEvent.DEACTIVATED, user_id=user.pk, actor_id=actor_id, via=via)
    logger.info("user deactivated", extra={"event": "user_deactivated", "user_id": user.pk})


def user_sign_up(*, email: str, password: str, name: str = "") -> User:
    """A new local account signed in with `email` and `password`; mails it a verification link.

    ValidationError on `email` when an account already holds the address.
    """
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, name=name)
    except IntegrityError:
        raise ValidationError({"email": [EMAIL_TAKEN]}) from None
    logger.info("user signed up", extra={"event": "sign_up", "user_id": user.pk})
    emails.send_verification_email(user)
    return user


def user_sign_in(*, request: HttpRequest, email: str, password: str) -> User:
    """The active user these credentials name, their sign-in recorded; SignInLocked or NoActiveAccount otherwise.

    django-axes counts a failure inside `authenticate` and marks the request
    when its client is locked out; the audit trail records it (accounts.receivers).
    """
    user = authenticate(request, email=email, password=password)
    if user is None and lockout.is_locked_out(request):
        logger.warning("sign-in locked out", extra={"event": "sign_in_locked"})
        raise SignInLocked(wait=lockout.retry_after(request))
    if user is None:
        logger.info("sign-in failed", extra={"event": "sign_in_failed"})
        raise NoActiveAccount()
    if api_settings.UPDATE_LAST_LOGIN:
        update_last_login(None, user)  # type: ignore[arg-type]  # a signal receiver called directly: no sender
    audit_record(event=AuditEvent.SIGN_IN_SUCCEEDED, user_id=user.pk, via="api", request=request)
    logger.info("sign-in succeeded", extra={"event": "sign_in_succeeded", "user_id": user.pk})
    return user
