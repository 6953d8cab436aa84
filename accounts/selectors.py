"""The read every authenticated request makes: the user a token names, with its SQL compiled once (`core.compiled`)."""

import functools

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists

from core.compiled import CompiledQuery, Placeholder

from .models import EndedSession, User

# Values no token can carry (ids are plain printable text): they only mark where the real ones go.
_USER_ID = "\x00user-id\x00"
_SESSION_ID = "\x00session-id\x00"


def user_get_for_token(*, identity):
    """The user the token names, or None; annotated `token_session_ended` when the token names a session."""
    query = _user_query(connections[DEFAULT_DB_ALIAS].vendor, identity.session_id is not None)
    users = query.fetch(user_id=identity.user_id, session_id=identity.session_id)
    return users[0] if users else None


@functools.cache
def _user_query(vendor, with_session):
    # `vendor` keys the cache: the SQL is the default database's dialect.
    users = User.objects.filter(pk=_USER_ID)
    placeholders = {"user_id": Placeholder(_USER_ID, User._meta.pk)}
    if with_session:
        users = users.annotate(token_session_ended=Exists(EndedSession.objects.filter(session_id=_SESSION_ID)))
        placeholders["session_id"] = Placeholder(_SESSION_ID, EndedSession._meta.get_field("session_id"))
    return CompiledQuery(users, **placeholders)
