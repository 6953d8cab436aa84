"""Business rules about users and their tokens, kept out of views and the auth class."""

import logging

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from . import emails, links
from .exceptions import InvalidLink, TokenError, UserConflict, UserInactive, UserNotFound
from .models import (
    USER_ID_PATTERN,
    DenylistedToken,
    EndedSession,
    RelinkedUserId,
    User,
    normalize_email,
)
from .selectors import user_get_for_token
from .settings import api_settings

logger = logging.getLogger("accounts.auth")

NAME_MAX_LENGTH = User._meta.get_field("name").max_length
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length
# Addresses of released accounts: `.invalid` is reserved (RFC 2606), so no mail ever reaches one.
RELEASED_EMAIL_DOMAIN = "released.invalid"
RELEASED_ADDRESS_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


def user_sync_from_token(*, identity):
    """The local user a verified token names: found, created on first sight, or given its newer profile.

    Only Better Auth vouches for people we have not seen; a SimpleJWT token
    naming an unknown user is refused. Read from the database on every call:
    the user's current state is the truth every worker and replica shares.
    """
    user = user_get_for_token(identity=identity)
    if user is None:
        if not identity.may_create_user:
            raise UserNotFound()
        user_id_ensure_not_relinked(user_id=identity.user_id)
        return _create_from_identity(identity)
    user_profile_sync(user=user, profile=identity)
    return user


def user_ensure_token_accepted(*, user, identity):
    """Refuse inactive users, and tokens issued before the user's `tokens_valid_after` (revoked)."""
    if not user.is_active:
        raise UserInactive()
    if user.tokens_valid_after and identity.issued_at < user.tokens_valid_after.timestamp():
        raise TokenError(_("Token has been revoked"))
    if identity.session_id is not None and _token_session_ended(user, identity):
        raise TokenError(_("Token's session has ended"))


def token_verify(*, identity):
    """Would this API accept the token now? Reads the user's current state, creates and changes nothing."""
    if identity.token_type == "refresh":
        refresh_token_ensure_not_denied(jti=identity.jti)
    user = user_get_for_token(identity=identity)
    if user is None:
        if not identity.may_create_user:
            raise UserNotFound()
        user_id_ensure_not_relinked(user_id=identity.user_id)
        return
    user_ensure_token_accepted(user=user, identity=identity)


def _token_session_ended(user, identity):
    ended = getattr(user, "token_session_ended", None)
    if ended is None:
        # A user created from this very token was not read through `user_get_for_token`.
        ended = EndedSession.objects.filter(session_id=identity.session_id).exists()
    return ended


def _create_from_identity(identity):
    email = usable_email(identity.email)
    if email is None:
        raise TokenError(_("Token carries no valid email address for a new user"))
    try:
        with transaction.atomic():
            if identity.email_verified:
                email_release(email=email, to_user_id=identity.user_id)
            user, created = User.objects.get_or_create(
                pk=identity.user_id,
                defaults={
                    "password": make_password(None),
                    "email": email,
                    "email_verified": identity.email_verified,
                    "name": _storable_name(identity.name or ""),
                    "profile_synced_at": identity.profile_updated_at,
                },
            )
    except IntegrityError:
        # Another account holds this email, and proved it (or this token does
        # not prove ours). Linking by email would let whoever controls a Better
        # Auth account take over a local one.
        logger.warning("token user conflicts with an existing email", extra={"event": "user_conflict"})
        raise UserConflict() from None
    if created:
        logger.info("user created on first sight", extra={"event": "user_created", "user_id": user.pk})
    return user


def usable_email(raw):
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
    return _profile_from(identity, user) != (user.email, user.name, user.email_verified)


def _profile_from(identity, user):
    """The (email, name, email_verified) the token asks for; what it lacks or we cannot hold stays ours."""
    claimed = usable_email(identity.email)
    email = claimed or user.email
    name = _storable_name(identity.name) if identity.name is not None else user.name
    verified = email_verified_after(user=user, email=email, proven=claimed == email and identity.email_verified)
    return email, name, verified


def _sync_profile(user, identity):
    """Take the token's newer profile; keep our email if another account holds it and may keep it."""
    new_email, user.name, new_verified = _profile_from(identity, user)
    user.profile_synced_at = identity.profile_updated_at
    fields = ["name", "profile_synced_at"]
    if (new_email, new_verified) != (user.email, user.email_verified):
        previous = user.email, user.email_verified
        user.email, user.email_verified = new_email, new_verified
        try:
            with transaction.atomic():
                if new_verified and new_email != previous[0]:
                    email_release(email=new_email, to_user_id=user.pk)
                user.save(update_fields=[*fields, "email", "email_verified"])
            return
        except IntegrityError:
            user.email, user.email_verified = previous
            logger.warning("newer email claim belongs to another account", extra={"event": "email_conflict"})
    user.save(update_fields=fields)


def email_verified_after(*, user, email, proven):
    """Whether `user` holding `email` has proven it: a proof now, or theirs already for this very address.

    An address once proven stays proven until it changes; a new one starts unproven.
    """
    return proven or (email == user.email and user.email_verified)


def email_release(*, email, to_user_id):
    """The ownership rule: an unverified account holding `email` gives it up to `to_user_id`, who proved it.

    The holder keeps its id, password and tasks under a placeholder address of
    the reserved `.invalid` domain, and can take and verify another. A
    verified holder keeps the address: two proven holders are never merged,
    and the caller's save then fails on the unique email. Call it inside the
    transaction that gives the address away, so both happen or neither; the
    release is logged once that transaction commits. Answers the released
    account, or None.
    """
    holder = (
        User.objects.select_for_update()
        .filter(email=email, email_verified=False)
        .exclude(pk=to_user_id)
        .first()
    )
    if holder is None:
        return None
    holder.email = f"unverified-{get_random_string(20, RELEASED_ADDRESS_CHARS)}@{RELEASED_EMAIL_DOMAIN}"
    holder.save(update_fields=["email"])
    transaction.on_commit(
        lambda: logger.warning(
            "unverified account released its email address to a verified owner",
            extra={"event": "email_released", "user_id": holder.pk, "to_user_id": to_user_id},
        )
    )
    return holder


def _mark_email_verified(user):
    user.email_verified = True
    user.save(update_fields=["email_verified"])
    logger.info("email address verified", extra={"event": "email_verified", "user_id": user.pk})


def email_verification_send(*, user):
    """Mail `user` a fresh link that verifies their address."""
    emails.send_verification_email(user)


def email_verification_resend(*, email):
    """A fresh link for the active, unverified account holding `email`; nothing for any other address."""
    user = User.objects.filter(email=email, is_active=True, email_verified=False).first()
    if user is not None:
        email_verification_send(user=user)


def email_verify(*, uid, token):
    """Mark verified the address a verification link was mailed to; InvalidLink unless the link holds."""
    with transaction.atomic():
        user = _user_of_link(uid=uid, token=token, generator=links.email_verification_tokens)
        _mark_email_verified(user)
    return user


def password_reset_request(*, email):
    """Mail `email` a reset link if an active account holds it, otherwise a note that none does.

    Either way one email is rendered and handed to the backend, so the answer
    takes comparable time and says nothing about the address; the note tells
    its owner that someone asked. The per-address rate limit bounds both.
    """
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        emails.send_password_reset_no_account_email(email)
    else:
        emails.send_password_reset_email(user)


def password_reset_confirm(*, uid, token, password):
    """Set a new password from a reset link; every earlier token of the user fails from now on.

    InvalidLink unless the link holds; Django's ValidationError when the
    password fails the validators (the link stays usable then). The link
    proved the address too, so it counts as verified.
    """
    with transaction.atomic():
        user = _user_of_link(uid=uid, token=token, generator=links.password_reset_tokens)
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.email_verified = True
        user.save(update_fields=["password", "email_verified"])
        revoke_all_tokens(user)
    logger.info("password reset", extra={"event": "password_reset", "user_id": user.pk})
    return user


def _user_of_link(*, uid, token, generator):
    """The active user a link names, locked until the transaction ends, if its token holds; else InvalidLink.

    The lock makes a link single-use under races too: whoever comes second
    sees the state the first one changed, which the token no longer matches.
    """
    user_id = links.user_id_from_uid(uid)
    user = None
    if user_id is not None:
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
    if user is None or not generator.check_token(user, token):
        raise InvalidLink()
    return user


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


def user_profile_sync(*, user, profile):
    """Take Better Auth's email and name when they are newer than what we took last.

    `profile` has `email`, `name` and `profile_updated_at` (Better Auth's
    `updatedAt`): a token's identity, or a user-updated event.
    """
    if _profile_is_newer(profile, user):
        _sync_profile(user, profile)
    elif profile.email_verified and not user.email_verified and usable_email(profile.email) == user.email:
        # A proof stands whenever it comes: no newer profile is needed to take it.
        _mark_email_verified(user)


def session_end(*, session_id, user_id):
    """Refuse every token minted in this Better Auth session from now on.

    The entry stays until the session's last token has expired
    (`ENDED_SESSION_RETENTION`); older entries are cleared on the way.
    """
    now = timezone.now()
    EndedSession.objects.filter(expires_at__lt=now).delete()
    EndedSession.objects.bulk_create(
        [EndedSession(session_id=session_id, user_id=user_id, expires_at=now + api_settings.ENDED_SESSION_RETENTION)],
        ignore_conflicts=True,
    )
    logger.info("session ended", extra={"event": "session_ended", "user_id": user_id, "session_id": session_id})


def user_id_ensure_not_relinked(*, user_id):
    """Refuse a token naming an id a relink retired; a fresh token from Better Auth names the new id."""
    if RelinkedUserId.objects.filter(old_id=user_id).exists():
        raise TokenError(_("Token names a user id that has been relinked to another"))


# Columns that name a user without a foreign key (foreign keys are found by `_move_references`).
_PLAIN_USER_ID_COLUMNS = [(DenylistedToken, "user_id"), (EndedSession, "user_id")]


def user_relink(*, user, new_id, actor):
    """Give a local user a new id (their new Better Auth id), keeping everything that points at them.

    For a person refused with `user_conflict` after Better Auth's database was
    reset or migrated: the same email came back with a new id. In one
    transaction the user's primary key changes and every reference follows
    (tasks, groups, permissions, admin history, denylist entries); the old id
    is retired, so tokens naming it are refused and no user is ever created
    with it again. `actor` is the admin user relinking, or None for the
    command line. ValidationError when the relink is refused.
    """
    old_id = user.pk
    try:
        with transaction.atomic():
            if not User.objects.select_for_update().filter(pk=old_id).exists():
                raise ValidationError(_("The user no longer exists."), code="user_gone")
            user_relink_ensure_allowed(user=user, new_id=new_id, actor=actor)
            # The new Better Auth account is the profile's source from now on.
            User.objects.filter(pk=old_id).update(id=new_id, profile_synced_at=None)
            _move_references(old_id, new_id)
            # Undoing a relink brings a retired id back; earlier relinks point at the current id.
            RelinkedUserId.objects.filter(old_id=new_id).delete()
            RelinkedUserId.objects.filter(new_id=old_id).update(new_id=new_id)
            RelinkedUserId.objects.create(old_id=old_id, new_id=new_id, actor_id=actor.pk if actor else "")
    except IntegrityError:
        # The new id was created by a concurrent request after the check.
        raise ValidationError(
            _("The id %(id)s already belongs to a local user."), code="id_taken", params={"id": new_id}
        ) from None
    user.id = new_id
    user.profile_synced_at = None
    logger.warning(
        "user relinked to a new id",
        extra={
            "event": "user_relinked",
            "user_id": new_id,
            "old_user_id": old_id,
            "actor_id": actor.pk if actor else None,
            "via": "admin" if actor else "command line",
        },
    )
    return user


def user_relink_ensure_allowed(*, user, new_id, actor):
    """ValidationError when `user_relink` would refuse: a malformed, unchanged or taken id, or one's own account."""
    if not isinstance(new_id, str) or not USER_ID_PATTERN.fullmatch(new_id):
        raise ValidationError(
            _("A Better Auth user id is 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'."), code="invalid_id"
        )
    if new_id == user.pk:
        raise ValidationError(_("The new id is the user's current id."), code="same_id")
    if actor is not None and actor.pk == user.pk:
        # Their own session and history would move under them; another superuser can do it.
        raise ValidationError(_("Nobody may relink their own account."), code="own_account")
    holder = User.objects.filter(pk=new_id).first()
    if holder is not None:
        raise ValidationError(
            _("The id %(id)s already belongs to the local user %(email)s."),
            code="id_taken",
            params={"id": new_id, "email": holder.email},
        )


def _move_references(old_id, new_id):
    # Every foreign key to the user, also those of many-to-many tables
    # (groups, permissions) and of models added later. The database checks
    # them at commit (Django makes them deferrable), after the user has moved.
    for relation in User._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one):
            column = relation.field.attname
            relation.related_model._base_manager.filter(**{column: old_id}).update(**{column: new_id})
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=old_id
    ).update(object_id=new_id)
    for model, column in _PLAIN_USER_ID_COLUMNS:
        model.objects.filter(**{column: old_id}).update(**{column: new_id})
