"""An account's life after sign-up: its holder edits the profile, changes the password, exports and deletes it.

Deleting is erasing: the person's rows in other apps (their tasks:
accounts.personal_data) and the user row leave the database
(`user_erase`), every token of theirs fails, and only records that name no
one but by id stay (the refresh denylist, ended sessions, relink records,
the erased id itself, so earlier tokens never bring the account back).
"""

import json
import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth import authenticate, password_validation
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record

from .. import lockout
from ..exceptions import (
    PasswordIncorrect,
    PasswordManagedByBetterAuth,
    RecentSignInRequired,
    SignInLocked,
    StaffAccount,
)
from ..models import (
    ApiKey,
    DenylistedToken,
    EndedSession,
    Identity,
    RelinkedUserId,
    RelinkRecord,
    User,
)
from ..personal_data import personal_data_registered
from .relink import user_id_record_deleted
from .tokens import session_end, user_tokens_revoke
from .users import name_storable

if TYPE_CHECKING:
    from drf_better_auth.tokens import TokenIdentity

logger = logging.getLogger("accounts.auth")

# How fresh a Better Auth identity's token must be to delete its account: it stands for a recent sign-in.
RECENT_SIGN_IN = timedelta(minutes=5)
# What an erased account's admin history calls it: its address and name are gone.
ERASED_REPR = "(erased account)"


def user_profile_edit(*, user: User, name: str) -> User:
    """The holder renames the account; a Better Auth profile updated before this does not undo it."""
    user.name = name_storable(name)
    user.profile_edited_at = timezone.now()
    user.save(update_fields=["name", "profile_edited_at"])
    logger.info("profile edited", extra={"event": "profile_edited", "user_id": user.pk})
    return user


def user_password_ensure_here(*, user: User) -> None:
    """PasswordManagedByBetterAuth unless a local password reaches the account."""
    if user.identity != Identity.LOCAL:
        raise PasswordManagedByBetterAuth()


def user_password_check(*, request: HttpRequest, user: User, password: str | None) -> None:
    """The signed-in holder's password, checked as a sign-in is: django-axes counts failures per client IP.

    SignInLocked while the client's IP is locked out (checked before the
    password, so a locked IP learns nothing), PasswordIncorrect otherwise
    (None, no password at all, included).
    """
    authenticated = authenticate(request, email=user.email, password=password)
    if authenticated is not None and authenticated.pk == user.pk:
        return
    if lockout.is_locked_out(request):
        logger.warning("password check locked out", extra={"event": "sign_in_locked", "user_id": user.pk})
        raise SignInLocked(wait=lockout.retry_after(request))
    logger.info("password check failed", extra={"event": "password_check_failed", "user_id": user.pk})
    raise PasswordIncorrect()


def user_password_change(*, request: HttpRequest, user: User, current_password: str, new_password: str) -> User:
    """A new password for a local account, after its current one; every earlier token fails.

    PasswordManagedByBetterAuth for a Better Auth identity; the errors of
    `user_password_check`; Django's ValidationError when the validators
    refuse the new password (nothing changes then).
    """
    user_password_ensure_here(user=user)
    user_password_check(request=request, user=user, password=current_password)
    password_validation.validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        user_tokens_revoke(user=user, via="api")
        audit_record(event=AuditEvent.PASSWORD_CHANGED, user_id=user.pk, actor_id=user.impersonated_by, via="api")
    logger.info("password changed", extra={"event": "password_changed", "user_id": user.pk})
    return user


def user_delete_ensure_allowed(
    *, request: HttpRequest, user: User, identity: "TokenIdentity", current_password: str | None
) -> None:
    """Whether the signed-in holder may delete the account now; an APIException when not.

    A local account proves it with its current password (checked as a
    sign-in is); a Better Auth identity with a token at most
    `RECENT_SIGN_IN` old. Staff accounts are not deleted here: their admin
    history would go with them.
    """
    if user.is_staff or user.is_superuser:
        raise StaffAccount()
    if user.identity == Identity.LOCAL:
        user_password_check(request=request, user=user, password=current_password)
    elif time.time() - identity.issued_at > RECENT_SIGN_IN.total_seconds():
        raise RecentSignInRequired()


def user_erase(*, user: User, via: str, session_id: str | None = None, actor_id: str = "") -> bool:
    """Erase the account: its tasks, its row and what names it by address; answers whether it was there.

    In one transaction: the person's rows in other apps are erased (their
    tasks, with the tasks' titles in the admin history: accounts.personal_data),
    the admin history about the account keeps no address or name, the notes
    of its relink records are emptied, django-axes' records of sign-ins naming
    the address go, the id is recorded as erased
    (so no token issued before now brings the account back), the token's
    Better Auth session (`session_id`) ends, and the user row is deleted
    (groups, permissions and the retired ids' link with it). `via` says who
    asked, for the log and the audit trail: "api", "admin", "better_auth" or
    "command line"; `actor_id` the admin who did.
    """
    with transaction.atomic():
        locked = User.objects.select_for_update().filter(pk=user.pk).first()
        if locked is None:
            return False
        user_id, email = locked.pk, locked.email
        _admin_history_redact(user_id)
        # Its records stay (ids, who relinked, when); their notes may name the person.
        ids = [user_id, *RelinkedUserId.objects.filter(account_id=user_id).values_list("old_id", flat=True)]
        RelinkRecord.objects.filter(Q(old_id__in=ids) | Q(new_id__in=ids)).exclude(note="").notes_erase()
        deleted = {f"{data.name}_{data.erased_as}": data.erase(user_id=user_id) for data in personal_data_registered()}
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username=email).delete()
        user_id_record_deleted(user_id=user_id)
        if session_id is not None:
            session_end(session_id=session_id, user_id=user_id)
        locked.delete()
        audit_record(event=AuditEvent.ERASED, user_id=user_id, actor_id=actor_id or user.impersonated_by, via=via)
    logger.warning(
        "user erased",
        extra={"event": "user_erased", "user_id": user_id, **deleted, "via": via},
    )
    return True


def _admin_history_redact(user_id: str) -> None:
    # Django's entries show the account by `str()`: its address.
    user_type = ContentType.objects.get_for_model(User)
    LogEntry.objects.filter(content_type=user_type, object_id=user_id).update(object_repr=ERASED_REPR)


def users_purge_inactive(*, older_than: timedelta) -> tuple[list[str], list[str]]:
    """Erase every account deactivated more than `older_than` ago; staff accounts are left alone.

    Answers (the ids erased, the ids of staff accounts left).
    """
    cutoff = timezone.now() - older_than
    erased: list[str] = []
    left: list[str] = []
    for user in User.objects.filter(is_active=False, deactivated_at__lt=cutoff).order_by("deactivated_at"):
        if user.is_staff or user.is_superuser:
            left.append(user.pk)
        elif user_erase(user=user, via="command line"):
            erased.append(user.pk)
    return erased, left


def user_export_record(*, user: User, via: str, actor_id: str = "") -> None:
    """Record that the account's data leaves (an export), and who took it: the holder, an admin, an impersonator."""
    audit_record(event=AuditEvent.EXPORTED, user_id=user.pk, actor_id=actor_id or user.impersonated_by, via=via)


def user_export(*, user: User) -> Iterator[str]:
    """The account's data as one JSON document, in pieces: the profile, its security events, then every task.

    The profile and the events are read at once; then each other app's rows
    about the person (their tasks: accounts.personal_data), each a list,
    read while the pieces are consumed, one piece per row: no number of
    tasks is ever held in memory or in one string.
    """
    head = {"profile": _profile_of(user), "security": _security_events_of(user)}
    # The head's JSON without its closing brace, then each app's list.
    yield _json(head)[:-1]
    for data in personal_data_registered():
        yield f", {_json(data.name)}: ["
        for position, row in enumerate(data.export(user=user)):
            yield ("," if position else "") + _json(row)
        yield "]"
    yield "}"


def _json(value: object) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def _profile_of(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "email_verified": user.email_verified,
        "email_proof": user.email_proof,
        "identity": user.identity,
        "name": user.name,
        "is_active": user.is_active,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "profile_edited_at": user.profile_edited_at,
        "profile_synced_at": user.profile_synced_at,
    }


def _security_events_of(user: User) -> dict[str, Any]:
    """What the database records of the account's sign-ins and sign-outs; nobody else's address or IP."""
    ids = [user.pk, *RelinkedUserId.objects.filter(account_id=user.pk).values_list("old_id", flat=True)]
    user_type = ContentType.objects.get_for_model(User)
    return {
        "tokens_valid_after": user.tokens_valid_after,
        "deactivated_at": user.deactivated_at,
        "former_ids": ids[1:],
        "relinks": [
            {"relinked_at": record.relinked_at, "old_id": record.old_id, "new_id": record.new_id, "via": record.via}
            for record in RelinkRecord.objects.filter(Q(old_id__in=ids) | Q(new_id__in=ids)).order_by(
                "relinked_at", "id"
            )
        ],
        "signed_out_refresh_tokens": [
            {"jti": entry.jti, "signed_out_at": entry.created_at, "expires_at": entry.expires_at}
            for entry in DenylistedToken.objects.filter(user_id__in=ids).order_by("created_at")
        ],
        "ended_sessions": [
            {"session_id": entry.session_id, "ended_at": entry.ended_at}
            for entry in EndedSession.objects.filter(user_id__in=ids).order_by("ended_at")
        ],
        # The keys as their list shows them: never their digest.
        "api_keys": [
            {
                "name": key.name,
                "prefix": key.prefix,
                "scopes": key.scope_list,
                "created_at": key.created_at,
                "expires_at": key.expires_at,
                "last_used_at": key.last_used_at,
            }
            for key in ApiKey.objects.filter(user_id=user.pk).order_by("created_at", "id")
        ],
        # Failed sign-ins naming the address, from any IP: the IPs may be strangers', so they stay out.
        "failed_sign_ins": [
            {"last_attempt_at": attempt.attempt_time, "failures": attempt.failures_since_start}
            for attempt in AccessAttempt.objects.filter(username=user.email).order_by("attempt_time")
        ],
        "admin_sign_ins": [
            {"signed_in_at": entry.attempt_time, "signed_out_at": entry.logout_time}
            for entry in AccessLog.objects.filter(username=user.email).order_by("attempt_time")
        ],
        "admin_changes": [
            {
                "at": entry.action_time,
                "action": _ACTIONS.get(entry.action_flag, ""),
                "change": entry.get_change_message(),
            }
            for entry in LogEntry.objects.filter(content_type=user_type, object_id=user.pk).order_by("action_time")
        ],
    }


_ACTIONS = {1: "added", 2: "changed", 3: "deleted"}
