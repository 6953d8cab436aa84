"""Personal API keys: made, listed, revoked, and resolved to their user on each request (API_KEY_RULE)."""

import logging
from collections.abc import Collection
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_better_auth.api_keys import ApiKeyAuth, NewApiKey, api_key_generate
from drf_better_auth.exceptions import ApiKeyInvalid, UserBanned, UserInactive

from ..exceptions import ApiKeyLimitReached
from ..models import ApiKey, User
from ..selectors import user_get_for_api_key

logger = logging.getLogger("accounts.auth")

# The most keys one person holds at once: enough for every script, few enough to list on one page.
API_KEYS_MAX_PER_USER = 20
# `last_used_at` is this precise: a key used all day is written once a minute, not once a request.
LAST_USED_PRECISION = timedelta(minutes=1)


def api_keys_of(*, user: User) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(user=user)


def api_key_create(
    *, user: User, name: str, scopes: Collection[str], expires_at: datetime | None
) -> tuple[ApiKey, NewApiKey]:
    """A new key for `user`; answers its row and the key itself, which is never stored nor shown again."""
    new = api_key_generate()
    with transaction.atomic():
        # The lock makes two parallel creations count each other.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if api_keys_of(user=user).count() >= API_KEYS_MAX_PER_USER:
            raise ApiKeyLimitReached(API_KEYS_MAX_PER_USER)
        key = ApiKey.objects.create(
            user=user,
            name=name,
            prefix=new.public_prefix,
            digest=new.digest,
            scopes=" ".join(sorted(set(scopes))),
            expires_at=expires_at,
        )
    logger.info("api key created", extra={"event": "api_key_created", "user_id": user.pk, "key_id": key.pk})
    return key, new


def api_key_revoke(*, user: User, key_id: int) -> bool:
    """Delete one of `user`'s keys; answers whether they had it (another person's key id is not theirs)."""
    deleted, _details = api_keys_of(user=user).filter(pk=key_id).delete()
    if deleted:
        logger.info("api key revoked", extra={"event": "api_key_revoked", "user_id": user.pk, "key_id": key_id})
    return bool(deleted)


def api_keys_revoke_all(*, user: User) -> int:
    """Delete every key of `user` (logging out everywhere, changing the password); answers how many."""
    deleted, _details = api_keys_of(user=user).delete()
    return deleted


def api_key_authenticate(*, digest: str) -> tuple[User, ApiKeyAuth]:
    """API_KEY_RULE: the user and scopes of the key with this digest, if it may be used now.

    Refused (401) when unknown or revoked, expired, created before the
    account's `tokens_valid_after` (deactivated, relinked), or when the
    account is inactive; 403 `user_banned` while the account is banned. `last_used_at` is written when it is more than a
    minute old, by a conditional UPDATE: parallel requests write it once.
    """
    user = user_get_for_api_key(digest=digest)
    if user is None:
        raise ApiKeyInvalid()
    if not user.is_active:
        raise UserInactive()
    now = timezone.now()
    if user.is_banned(now):
        raise UserBanned()
    expires_at: datetime | None = user.api_key_expires_at  # type: ignore[attr-defined]
    created_at: datetime = user.api_key_created_at  # type: ignore[attr-defined]
    if expires_at is not None and expires_at <= now:
        raise ApiKeyInvalid()
    if user.tokens_valid_after is not None and created_at < user.tokens_valid_after:
        raise ApiKeyInvalid()
    key_id: int = user.api_key_id  # type: ignore[attr-defined]
    last_used_at: datetime | None = user.api_key_last_used_at  # type: ignore[attr-defined]
    if last_used_at is None or last_used_at <= now - LAST_USED_PRECISION:
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
        ApiKey.objects.filter(stale, pk=key_id).update(last_used_at=now)
    return user, ApiKeyAuth(key_id=key_id, scopes=frozenset(user.api_key_scopes.split()))  # type: ignore[attr-defined]
