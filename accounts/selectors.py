"""The read every authenticated request makes: the user a token names, with its SQL compiled once.

Django compiles a queryset's SQL each time it runs it. For this query, the
compiling cost about as much as the database round trip itself, on every
request. So the queryset is built and compiled once per process, with
placeholder values that mark where each real value goes, and then run as a
raw query (`QuerySet.raw`, which applies the database's converters as the
ORM does) with the request's values in their places. The SQL is the ORM's own.
"""

import functools

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists

from .models import EndedSession, User

# Values no token can carry (ids are plain printable text): they only mark where the real ones go.
_USER_ID = "\x00user-id\x00"
_SESSION_ID = "\x00session-id\x00"


def user_get_for_token(*, identity):
    """The user the token names, or None; annotated `token_session_ended` when the token names a session."""
    sql, placeholders = _user_query(connections[DEFAULT_DB_ALIAS].vendor, identity.session_id is not None)
    values = {_USER_ID: identity.user_id, _SESSION_ID: identity.session_id}
    params = [values.get(placeholder, placeholder) for placeholder in placeholders]
    return next(iter(User.objects.raw(sql, params)), None)


@functools.cache
def _user_query(vendor, with_session):
    # `vendor` keys the cache: the SQL is the default database's dialect.
    users = User.objects.filter(pk=_USER_ID)
    if with_session:
        users = users.annotate(token_session_ended=Exists(EndedSession.objects.filter(session_id=_SESSION_ID)))
    sql, params = users.query.sql_with_params()
    return sql, tuple(params)
