"""The read every authenticated request makes: the user a token or an API key names, its SQL compiled once."""

from typing import TYPE_CHECKING

from django.db.models import Exists, F

from core.compiled import CompiledQuery, Placeholder

from .models import ApiKey, EndedSession, User

if TYPE_CHECKING:
    from drf_better_auth.tokens import TokenIdentity

# Values no token can carry (ids are plain printable text): they only mark where the real ones go.
_USER_ID = Placeholder("\x00user-id\x00", User._meta.pk)
_DIGEST = Placeholder("\x00digest\x00", ApiKey._meta.get_field("digest"))
_SESSION_ID = Placeholder("\x00session-id\x00", EndedSession._meta.get_field("session_id"))


def user_get_for_token(*, identity: "TokenIdentity") -> User | None:
    """The user the token names, or None; annotated `token_session_ended` when the token names a session."""
    if identity.session_id is None:
        query = CompiledQuery.once("user_get_for_token", _user_query)
    else:
        query = CompiledQuery.once("user_get_for_token with session", _user_with_session_query)
    users = query.fetch(user_id=identity.user_id, session_id=identity.session_id)
    return users[0] if users else None


def _user_query() -> CompiledQuery:
    return CompiledQuery(User.objects.filter(pk=_USER_ID.value), user_id=_USER_ID)


def _user_with_session_query() -> CompiledQuery:
    ended = Exists(EndedSession.objects.filter(session_id=_SESSION_ID.value))
    users = User.objects.filter(pk=_USER_ID.value).annotate(token_session_ended=ended)
    return CompiledQuery(users, user_id=_USER_ID, session_id=_SESSION_ID)


def user_get_for_api_key(*, digest: str) -> User | None:
    """The user holding the key with this digest, or None, in one indexed query.

    Annotated with the key's `api_key_id`, `api_key_scopes`,
    `api_key_created_at`, `api_key_expires_at` and `api_key_last_used_at`:
    one round trip, as for a token's user.
    """
    users = CompiledQuery.once("user_get_for_api_key", _user_for_api_key_query).fetch(digest=digest)
    return users[0] if users else None


def _user_for_api_key_query() -> CompiledQuery:
    # The annotations reuse the filter's join: they are the columns of the key found.
    users = User.objects.filter(api_keys__digest=_DIGEST.value).annotate(
        api_key_id=F("api_keys__id"),
        api_key_scopes=F("api_keys__scopes"),
        api_key_created_at=F("api_keys__created_at"),
        api_key_expires_at=F("api_keys__expires_at"),
        api_key_last_used_at=F("api_keys__last_used_at"),
    )
    return CompiledQuery(users, digest=_DIGEST)
