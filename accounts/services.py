"""Business rules about users and their tokens, kept out of views and the auth class."""

import logging

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .exceptions import TokenError, UserConflict, UserInactive, UserNotFound
from .models import DenylistedToken, User, normalize_email
from .settings import api_settings

logger = logging.getLogger("accounts.auth")

NAME_MAX_LENGTH = User._meta.get_field("name").max_length
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length


def user_sync_from_token(*, identity):
    """The local user a verified token names: found, created on first sight, or given its newer profile.

    Only Better Auth vouches for people we have not seen; a SimpleJWT token
    naming an unknown user is refused. Read from the database on every call:
    the user's current state is the truth every worker and replica shares.
    """
    try:
        user = User.objects.get(pk=identity.user_id)
    except User.DoesNotExist:
        if not identity.may_create_user:
            raise UserNotFound() from None
        return _create_from_identity(identity)
    if _profile_is_newer(identity, user):
        _sync_profile(user, identity)
    return user


def user_ensure_token_accepted(*, user, identity):
    """Refuse inactive users, and tokens issued before the user's `tokens_valid_after` (revoked)."""
    if not user.is_active:
        raise UserInactive()
    if user.tokens_valid_after and identity.issued_at < user.tokens_valid_after.timestamp():
        raise TokenError(_("Token has been revoked"))


def token_verify(*, identity):
    """Would this API accept the token now? Reads the user's current state, creates and changes nothing."""
    if identity.token_type == "refresh":
        refresh_token_ensure_not_denied(jti=identity.jti)
    user = User.objects.filter(pk=identity.user_id).first()
    if user is None:
        if not identity.may_create_user:
            raise UserNotFound()
        return
    user_ensure_token_accepted(user=user, identity=identity)


def _create_from_identity(identity):
    email = _usable_email(identity.email)
    if email is None:
        raise TokenError(_("Token carries no valid email address for a new user"))
    try:
        with transaction.atomic():
            user, created = User.objects.get_or_create(
                pk=identity.user_id,
                defaults={
                    "password": make_password(None),
                    "email": email,
                    "name": _storable_name(identity.name or ""),
                    "profile_synced_at": identity.profile_updated_at,
                },
            )
    except IntegrityError:
        # Another account already holds this email. Linking by email would let
        # whoever controls a Better Auth account take over a local one.
        logger.warning("token user conflicts with an existing email", extra={"event": "user_conflict"})
        raise UserConflict() from None
    if created:
        logger.info("user created on first sight", extra={"event": "user_created", "user_id": user.pk})
    return user


def _usable_email(raw):
    """The normalised address if the database can hold it and it is valid, else None."""
    if not isinstance(raw, str):
        return None
    email = normalize_email(raw)
    if len(email) > EMAIL_MAX_LENGTH:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email


def _storable_name(name):
    """The name as the database can hold it: no NUL or lone surrogates, cut to the column's length."""
    cleaned = name.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return cleaned[:NAME_MAX_LENGTH]


def _profile_is_newer(identity, user):
    if identity.profile_updated_at is None:
        return False
    if user.profile_synced_at is not None and identity.profile_updated_at <= user.profile_synced_at:
        return False
    return _profile_from(identity, user) != (user.email, user.name)


def _profile_from(identity, user):
    """The (email, name) the token asks for; what it lacks or we cannot hold stays ours."""
    email = _usable_email(identity.email) or user.email
    name = _storable_name(identity.name) if identity.name is not None else user.name
    return email, name


def _sync_profile(user, identity):
    """Take the token's newer email and name; keep ours if the email belongs to someone else."""
    new_email, user.name = _profile_from(identity, user)
    user.profile_synced_at = identity.profile_updated_at
    fields = ["name", "profile_synced_at"]
    if new_email != user.email:
        previous_email = user.email
        user.email = new_email
        try:
            with transaction.atomic():
                user.save(update_fields=[*fields, "email"])
            return
        except IntegrityError:
            user.email = previous_email
            logger.warning("newer email claim belongs to another account", extra={"event": "email_conflict"})
    user.save(update_fields=fields)


def refresh_token_deny(*, refresh):
    """Denylist a refresh token; using it twice, even in a race, fails the second time."""
    try:
        with transaction.atomic():
            DenylistedToken.objects.create(
                jti=refresh.jti, user_id=refresh.identity().user_id, expires_at=refresh.expires_at
            )
    except IntegrityError:
        raise TokenError(_("Token is blacklisted")) from None


def refresh_token_ensure_not_denied(*, jti):
    if DenylistedToken.objects.filter(jti=jti).exists():
        raise TokenError(_("Token is blacklisted"))


def denylist_flush_expired():
    """Delete entries of tokens that are refused as expired anyway; answers how many.

    A token passes verification until `exp + LEEWAY`, so its entry stays that long too.
    """
    cutoff = timezone.now() - api_settings.LEEWAY
    deleted, _details = DenylistedToken.objects.filter(expires_at__lt=cutoff).delete()
    return deleted


def revoke_all_tokens(user):
    """Log the user out everywhere: every token issued before now fails, ours and Better Auth's."""
    user.tokens_valid_after = timezone.now()
    user.save(update_fields=["tokens_valid_after"])
    logger.info("all tokens revoked", extra={"event": "tokens_revoked", "user_id": user.pk})


def deactivate(user):
    """Refuse the user from now on; their tokens fail at once."""
    user.is_active = False
    user.tokens_valid_after = timezone.now()
    user.save(update_fields=["is_active", "tokens_valid_after"])
    logger.info("user deactivated", extra={"event": "user_deactivated", "user_id": user.pk})
