"""Whether a token is accepted now: the user's state, the refresh denylist, revocation and ended sessions."""

import logging
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_better_auth.exceptions import TokenError, UserBanned, UserInactive, UserNotFound
from drf_better_auth.settings import api_settings
from drf_better_auth.users import token_ensure_not_banned

from audit.models import AuditEvent
from audit.services import audit_record

from ..models import DenylistedToken, EndedSession, User
from ..selectors import user_get_for_token
from .api_keys import api_keys_revoke_all
from .relink import user_id_ensure_not_deleted, user_id_ensure_not_relinked
from .users import user_ensure_reached_by

if TYPE_CHECKING:
    from drf_better_auth.tokens import RefreshToken, TokenIdentity

logger = logging.getLogger("accounts.auth")


def user_ensure_token_accepted(*, user: User, identity: "TokenIdentity") -> None:
    """Refuse inactive and banned users, and tokens issued before the user's `tokens_valid_after` (revoked).

    A ban is the account's state here (Better Auth's `user.banned` event), read
    with the user in the one query that loads it, or the token's own `banned`.
    """
    if not user.is_active:
        raise UserInactive()
    if user.is_banned(timezone.now()):
        raise UserBanned()
    token_ensure_not_banned(identity=identity)
    if user.tokens_valid_after and identity.issued_at < user.tokens_valid_after.timestamp():
        raise TokenError(_("Token has been revoked"))
    if identity.session_id is not None and _token_session_ended(user, identity):
        raise TokenError(_("Token's session has ended"))


def token_verify(*, identity: "TokenIdentity") -> None:
    """Would this API accept the token now? Reads the user's current state, creates and changes nothing."""
    if identity.token_type == "refresh":
        refresh_token_ensure_not_denied(jti=identity.jti)
    user = user_get_for_token(identity=identity)
    if user is None:
        if not identity.may_create_user:
            raise UserNotFound()
        user_id_ensure_not_relinked(user_id=identity.user_id)
        user_id_ensure_not_deleted(user_id=identity.user_id, issued_at=identity.issued_at)
        return
    user_ensure_reached_by(user=user, identity=identity)
    user_ensure_token_accepted(user=user, identity=identity)


def _token_session_ended(user: User, identity: "TokenIdentity") -> bool:
    ended = getattr(user, "token_session_ended", None)
    if ended is None:
        # A user created from this very token was not read through `user_get_for_token`.
        ended = EndedSession.objects.filter(session_id=identity.session_id).exists()
    return ended


def refresh_token_deny(*, refresh: "RefreshToken") -> None:
    """Denylist a refresh token; using it twice, even in a race, fails the second time."""
    if refresh.jti is None:
        # Not one drf_better_auth hands over: a refresh token is verified, and so has an id.
        raise TokenError(_("Token has no id"))
    try:
        with transaction.atomic():
            DenylistedToken.objects.create(
                jti=refresh.jti, user_id=refresh.identity().user_id, expires_at=refresh.expires_at
            )
    except IntegrityError:
        raise TokenError(_("Token is blacklisted")) from None


def refresh_token_sign_out(*, refresh: "RefreshToken") -> None:
    """Sign out on one device (`/token/blacklist/`): the refresh token is denylisted, and the sign-out recorded."""
    with transaction.atomic():
        refresh_token_deny(refresh=refresh)
        audit_record(
            event=AuditEvent.SIGNED_OUT, user_id=refresh.identity().user_id, via="api", detail={"jti": refresh.jti}
        )


def refresh_token_ensure_not_denied(*, jti: str | None) -> None:
    if DenylistedToken.objects.filter(jti=jti).exists():
        raise TokenError(_("Token is blacklisted"))


def denylist_flush_expired() -> int:
    """Delete entries of tokens that are refused as expired anyway; answers how many.

    A token passes verification until `exp + LEEWAY`, so its entry stays that long too.
    """
    cutoff = timezone.now() - api_settings.LEEWAY
    deleted, _details = DenylistedToken.objects.filter(expires_at__lt=cutoff).delete()
    return deleted


def user_tokens_revoke(*, user: User, via: str = "", actor_id: str = "") -> None:
    """Log the user out everywhere: every token issued before now fails, ours and Better Auth's, and every API key.

    Recorded with `actor_id` (an admin's), or the impersonator's when a Better Auth admin acts as the person.
    """
    with transaction.atomic():
        user.tokens_valid_after = timezone.now()
        user.save(update_fields=["tokens_valid_after"])
        api_keys_revoke_all(user=user)
        audit_record(
            event=AuditEvent.TOKENS_REVOKED, user_id=user.pk, actor_id=actor_id or user.impersonated_by, via=via
        )
    logger.info("all tokens revoked", extra={"event": "tokens_revoked", "user_id": user.pk})


def session_end(*, session_id: str, user_id: str) -> None:
    """Refuse every token minted in this Better Auth session from now on.

    The entry stays until the session's last token has expired
    (`ENDED_SESSION_RETENTION`); older entries are cleared on the way.
    """
    now = timezone.now()
    with transaction.atomic():
        EndedSession.objects.filter(expires_at__lt=now).delete()
        EndedSession.objects.bulk_create(
            [
                EndedSession(
                    session_id=session_id, user_id=user_id, expires_at=now + api_settings.ENDED_SESSION_RETENTION
                )
            ],
            ignore_conflicts=True,
        )
        audit_record(event=AuditEvent.SESSION_ENDED, user_id=user_id, detail={"session_id": session_id})
    logger.info("session ended", extra={"event": "session_ended", "user_id": user_id, "session_id": session_id})
