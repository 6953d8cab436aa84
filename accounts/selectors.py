"""The read every authenticated request makes: the user a token names, with its SQL compiled once (`core.compiled`)."""

from typing import TYPE_CHECKING

from django.db.models import Exists

from core.compiled import CompiledQuery, Placeholder

from .models import EndedSession, User

if TYPE_CHECKING:
    from drf_better_auth.tokens import TokenIdentity

# Values no token can carry (ids are plain printable text): they only mark where the real ones go.
_USER_ID = Placeholder("\x00user-id\x00", User._meta.pk)
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
