"""Business rules about users and their tokens, kept out of views and the auth class."""

import logging

from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .exceptions import TokenError, UserConflict, UserInactive, UserNotFound
from .models import DenylistedToken, User, normalize_email
from .settings import api_settings

logger = logging.getLogger("accounts.auth")

NAME_MAX_LENGTH = User._meta.get_field("name").max_length
# What authentication and the API read; the rest loads lazily if ever touched.
# A tuple of plain values unpickles several times faster than a model instance.
# Model.from_db takes them in the model's field order.
CACHED_FIELDS = tuple(
    field.attname
    for field in User._meta.concrete_fields
    if field.attname
    in {"id", "email", "name", "is_active", "is_staff", "is_superuser", "date_joined",
        "tokens_valid_after", "profile_synced_at"}
)


def _cache_key(user_id):
    return f"accounts:user:{user_id}"


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _forget_cached_user(sender, instance, **kwargs):
    cache.delete(_cache_key(instance.pk))


def user_for_identity(identity):
    """The active local user a verified token speaks for, created on first sight.

    Refuses revoked tokens (issued before the user's `tokens_valid_after`),
    inactive users, and SimpleJWT tokens naming an unknown user.
    """
    user = _cached_user(identity.user_id)
    if user is None:
        user = _load_or_create(identity)
    elif _profile_is_newer(identity, user):
        user = _load_or_create(identity)
    if not user.is_active:
        raise UserInactive()
    if user.tokens_valid_after and identity.issued_at < user.tokens_valid_after.timestamp():
        raise TokenError(_("Token has been revoked"))
    return user


def _cached_user(user_id):
    if not api_settings.USER_CACHE_LIFETIME:
        return None
    values = cache.get(_cache_key(user_id))
    if values is None:
        return None
    return User.from_db("default", CACHED_FIELDS, values)


def _remember(user):
    lifetime = api_settings.USER_CACHE_LIFETIME.total_seconds()
    if lifetime:
        values = tuple(getattr(user, field) for field in CACHED_FIELDS)
        cache.set(_cache_key(user.pk), values, lifetime)


def _load_or_create(identity):
    try:
        user = User.objects.get(pk=identity.user_id)
    except User.DoesNotExist:
        if not identity.may_create_user:
            raise UserNotFound() from None
        user = _create_from_identity(identity)
    else:
        if _profile_is_newer(identity, user):
            _sync_profile(user, identity)
    _remember(user)
    return user


def _create_from_identity(identity):
    email = normalize_email(identity.email)
    try:
        validate_email(email)
    except ValidationError:
        raise TokenError(_("Token carries no valid email address for a new user")) from None
    try:
        with transaction.atomic():
            user, created = User.objects.get_or_create(
                pk=identity.user_id,
                defaults={
                    "password": make_password(None),
                    "email": email,
                    "name": (identity.name or "")[:NAME_MAX_LENGTH],
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


def _profile_is_newer(identity, user):
    if identity.profile_updated_at is None:
        return False
    if user.profile_synced_at is not None and identity.profile_updated_at <= user.profile_synced_at:
        return False
    email = normalize_email(identity.email) if identity.email else user.email
    name = (identity.name if identity.name is not None else user.name)[:NAME_MAX_LENGTH]
    return email != user.email or name != user.name


def _sync_profile(user, identity):
    """Take the token's newer email and name; keep ours if the email belongs to someone else."""
    if identity.name is not None:
        user.name = identity.name[:NAME_MAX_LENGTH]
    user.profile_synced_at = identity.profile_updated_at
    new_email = normalize_email(identity.email) if identity.email else user.email
    fields = ["name", "profile_synced_at"]
    if new_email != user.email:
        try:
            validate_email(new_email)
        except ValidationError:
            new_email = user.email
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


def deny_refresh_token(refresh):
    """Denylist a refresh token; using it twice, even in a race, fails the second time."""
    try:
        with transaction.atomic():
            DenylistedToken.objects.create(
                jti=refresh.jti, user_id=refresh.identity().user_id, expires_at=refresh.expires_at
            )
    except IntegrityError:
        raise TokenError(_("Token is blacklisted")) from None


def ensure_not_denied(token):
    if DenylistedToken.objects.filter(jti=token.jti).exists():
        raise TokenError(_("Token is blacklisted"))


def flush_expired_denylist():
    """Delete denylist entries of tokens that have expired anyway; returns how many."""
    deleted, _details = DenylistedToken.objects.filter(expires_at__lt=timezone.now()).delete()
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
