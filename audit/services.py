"""Writing the audit trail, and pruning it past retention: the only two ways rows come and go."""

from collections.abc import Mapping
from datetime import timedelta

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from core.logging import request_id_var
from core.throttling import client_ip

from .models import AuditEntry, AuditEvent

# The facts an entry's `detail` may hold, each a short scalar or a list of them. A fixed list, so
# no caller can put a token, a password or a request body there by passing it along.
DETAIL_KEYS = frozenset(
    {
        "type",  # a Better Auth event's type
        "event_id",  # its Webhook-Id
        "method",  # an impersonated write: the HTTP method,
        "route",  # the URL pattern (never the path: it may hold ids of other people's things),
        "status",  # and the answer's status
        "action",  # the admin's added/changed/deleted
        "fields",  # names of the fields the admin changed, never their values
        "role",  # a Better Auth role
        "staff",  # whether a role mapping made the account staff
        "ban_expires",
        "old_id",
        "new_id",
        "session_id",  # a Better Auth session's id (not its token)
        "jti",  # a refresh token's id (not the token)
    }
)
MAX_DETAIL_LENGTH = 200
# A prune sets this PostgreSQL setting for its own transaction: the trigger refuses every other DELETE.
PRUNE_SETTING = "audit.prune"


def audit_record(
    *,
    event: AuditEvent,
    user_id: str = "",
    actor_id: str | None = "",
    via: str = "",
    request: HttpRequest | None = None,
    detail: Mapping[str, object] | None = None,
) -> AuditEntry:
    """Append one entry; ValueError for a detail key not in DETAIL_KEYS or a value too long to be a fact.

    `request`, when there is one, gives the client's IP; the request id is the
    current request's (core.logging), so the entry and the request's log lines meet.
    """
    facts = dict(detail or {})
    _check_detail(facts)
    return AuditEntry.objects.create(
        event=event,
        user_id=user_id or "",
        actor_id=actor_id or "",
        via=via,
        ip_address=_ip_of(request),
        request_id=request_id_var.get() or "",
        detail=facts,
    )


def _check_detail(facts: dict[str, object]) -> None:
    unknown = facts.keys() - DETAIL_KEYS
    if unknown:
        raise ValueError(f"Audit detail keys not allowed: {sorted(unknown)}")
    for key, value in facts.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if not (item is None or isinstance(item, (bool, int))) and not (
                isinstance(item, str) and len(item) <= MAX_DETAIL_LENGTH
            ):
                raise ValueError(f"Audit detail {key!r} must be a short string, a number, a boolean or null.")


def _ip_of(request: HttpRequest | None) -> str | None:
    # client_ip answers a valid address or None: never the text of a header.
    return client_ip(request) if request is not None else None


def audit_prune(*, older_than: timedelta) -> int:
    """Delete the entries recorded more than `older_than` ago; answers how many."""
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [PRUNE_SETTING])
        old = AuditEntry.objects.filter(at__lt=cutoff)
        return old._raw_delete(old.db)
