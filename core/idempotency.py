"""`Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header) for the POST and PATCH of any DRF view.

A view that mixes in `IdempotencyMixin` answers a retried request (same
person, same key, same method, path and body, within
`IDEMPOTENCY_KEY_LIFETIME`) with the first request's answer again (status,
body, Content-Type, Location, ETag, plus `Idempotent-Replayed: true`) and
changes nothing. The same key with another request answers 422
`idempotency_key_reused`; a duplicate while the first is still running
answers 409 `idempotency_key_in_flight` (`Retry-After: 1`). A malformed key
answers 400 `idempotency_key_invalid`.

Keys are per person: the key is looked up with the caller's id, so a
stranger sending someone's key starts a request of their own. Only
authenticated requests use keys (an anonymous one has no person to keep
them for); a request without the header runs exactly as before, with no
query added.

Only a 2xx answer is kept. Any other answer releases the key, so that the
client may correct the request and send it again with the same key. A
request that fails with an exception (a 500, the database gone, the process
killed) rolls back everything it did, its answer included; the key is then
free for a retry of the same request. How: `core.models.IdempotencyKey`.
The 409 relies on PostgreSQL's row locks (`NOWAIT`); on SQLite, which has
none, a concurrent duplicate waits for the first instead.

Expired keys are deleted by `manage.py flush_idempotency_keys`; until then
an expired key is treated as new.
"""

import hashlib
import re
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.views import APIView

from .exceptions import IdempotencyKeyInFlight, IdempotencyKeyInvalid, IdempotencyKeyReused
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
META_KEY = "HTTP_IDEMPOTENCY_KEY"
REPLAYED_HEADER = "Idempotent-Replayed"
METHODS = frozenset({"POST", "PATCH"})
MAX_KEY_LENGTH = IdempotencyKey._meta.get_field("key").max_length
# Visible ASCII without `"` and `\\`: the draft's structured-field string, quoted or bare, without escapes.
_KEY = re.compile(rf'^"?([\x21\x23-\x5b\x5d-\x7e]{{1,{MAX_KEY_LENGTH}}})"?$')
# The answer's headers a replay repeats; the rest (request id, Vary, Allow) are the replay's own.
REPLAYED_HEADERS = ("Content-Type", "Location", "ETag")
# PostgreSQL's lock_not_available: what SELECT ... FOR UPDATE NOWAIT raises on a locked row.
LOCK_NOT_AVAILABLE = "55P03"


def idempotency_key_parse(value: str) -> str:
    """The key a header value names; IdempotencyKeyInvalid when it is malformed."""
    match = _KEY.match(value)
    # A lone quote on one side is no structured-field string.
    if match is None or value.startswith('"') != value.endswith('"') or value == '"':
        raise IdempotencyKeyInvalid()
    return match.group(1)


def request_fingerprint(request: HttpRequest) -> str:
    """What makes two requests the same request: method, path and query string, body."""
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path_info()):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def idempotency_keys_flush_expired() -> int:
    """Delete the keys older than IDEMPOTENCY_KEY_LIFETIME; answers how many."""
    deleted, _ = IdempotencyKey.objects.filter(
        created_at__lt=timezone.now() - settings.IDEMPOTENCY_KEY_LIFETIME
    ).delete()
    return deleted


class Replay(Exception):
    """The stored answer of a request already served, raised from `initial` and answered by `handle_exception`."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__("replayed")
        self.response = response


class Claim:
    """The key's row, locked for one request in the transaction `stack` holds, until its answer is stored."""

    def __init__(self, *, user_id: Any, key: str, fingerprint: str, stack: ExitStack) -> None:
        self.user_id = user_id
        self.key = key
        self.fingerprint = fingerprint
        self.row = self._claim(stack)

    def _claim(self, stack: ExitStack) -> IdempotencyKey:
        keys = IdempotencyKey.objects.filter(user_id=self.user_id, key=self.key)
        expired_before = timezone.now() - settings.IDEMPOTENCY_KEY_LIFETIME
        # Most duplicates are answered from this one read, with no lock taken.
        row = keys.first()
        if row is not None and row.created_at >= expired_before:
            self._ensure_same_request(row)
        elif row is None:
            # In a statement of its own, committed at once: a duplicate must see it while this request runs.
            IdempotencyKey.objects.bulk_create(
                [
                    IdempotencyKey(
                        user_id=self.user_id, key=self.key, fingerprint=self.fingerprint, created_at=timezone.now()
                    )
                ],
                ignore_conflicts=True,
            )
        stack.enter_context(transaction.atomic())
        try:
            row = keys.select_for_update(nowait=True).get()
        except DatabaseError as error:
            if getattr(error.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            # Locked: the first request holds it. (The transaction is spoilt; the 409 rolls it back.)
            transaction.set_rollback(True)
            raise IdempotencyKeyInFlight() from error
        if row.created_at < expired_before:
            row.fingerprint, row.created_at, row.status, row.headers, row.body = (
                self.fingerprint,
                timezone.now(),
                None,
                {},
                b"",
            )
        self._ensure_same_request(row)
        return row

    def _ensure_same_request(self, row: IdempotencyKey) -> None:
        if row.fingerprint != self.fingerprint:
            raise IdempotencyKeyReused()
        if row.status is not None:
            response = HttpResponse(bytes(row.body), status=row.status)
            for name, value in row.headers.items():
                response[name] = value
            response[REPLAYED_HEADER] = "true"
            raise Replay(response)

    def finish(self, response: HttpResponseBase) -> None:
        """Store a 2xx answer with the key; release the key after any other."""
        if not 200 <= response.status_code < 300:
            self.row.delete()
            return
        render = getattr(response, "render", None)
        if render is not None:
            render()
        self.row.status = response.status_code
        self.row.headers = {name: response[name] for name in REPLAYED_HEADERS if name in response}
        self.row.body = getattr(response, "content", b"")
        self.row.save()


class IdempotencyMixin(APIView):
    """Honours `Idempotency-Key` on the view's POST and PATCH (module docstring).

    The key is read after authentication, permissions and throttles: a
    request refused by them is answered as without a key.
    """

    _idempotency_stack: ExitStack | None = None
    _idempotency_claim: Claim | None = None
    _idempotency_fingerprint = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in METHODS or META_KEY not in request.META:
            return super().dispatch(request, *args, **kwargs)
        # Read before DRF parses it (and before a view reads the stream), while Django can still keep it.
        self._idempotency_fingerprint = request_fingerprint(request)
        with ExitStack() as stack:
            self._idempotency_stack = stack
            response = super().dispatch(request, *args, **kwargs)
            if self._idempotency_claim is not None:
                self._idempotency_claim.finish(response)
            return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if self._idempotency_stack is None or not request.user.is_authenticated:
            return
        self._idempotency_claim = Claim(
            user_id=request.user.pk,
            key=idempotency_key_parse(request.META[META_KEY]),
            fingerprint=self._idempotency_fingerprint,
            stack=self._idempotency_stack,
        )

    # The stubs say Response; DRF takes any HttpResponse from here, and a replay is stored bytes, not data to render.
    def handle_exception(self, exc: Exception) -> HttpResponseBase:  # type: ignore[override]
        if isinstance(exc, Replay):
            return exc.response
        return super().handle_exception(exc)
