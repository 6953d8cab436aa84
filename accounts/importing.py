"""Bringing the people of a Better Auth database over as local users, under the same ids.

Better Auth's PostgreSQL tables are read directly (read-only) with psycopg;
its column names are camelCase quoted identifiers. Each Better Auth user
becomes a local user with the same id, so tokens Better Auth issues keep
naming the same person here. Credential (email and password) accounts bring
their scrypt hash along, which `BetterAuthScryptPasswordHasher` verifies and
Django replaces with bcrypt at the person's first sign-in here.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from psycopg.rows import class_row

from . import services
from .hashers import BetterAuthScryptPasswordHasher
from .models import (
    NAME_MAX_LENGTH,
    USER_ID_PATTERN,
    YIELDING_PROOFS,
    DeletedUserId,
    EmailProof,
    Identity,
    RelinkedUserId,
    User,
    normalize_email,
)

# Both fields set one (the stubs allow None).
EMAIL_MAX_LENGTH: int = User._meta.get_field("email").max_length  # type: ignore[assignment]
PASSWORD_MAX_LENGTH: int = User._meta.get_field("password").max_length  # type: ignore[assignment]

# One row per Better Auth user; a user has at most one credential account,
# but should a database hold more, the most recently updated one wins.
BETTER_AUTH_USERS_QUERY = """
    SELECT DISTINCT ON (u.id)
        u.id, u.email, u.name, u."createdAt" AS created_at, u."updatedAt" AS updated_at,
        a.password AS password_hash, u."emailVerified" AS email_verified
    FROM "user" AS u
    LEFT JOIN account AS a ON a."userId" = u.id AND a."providerId" = 'credential'
    ORDER BY u.id, a."updatedAt" DESC NULLS LAST
"""


class BetterAuthDatabaseError(Exception):
    """The Better Auth database could not be read."""


@dataclass(frozen=True)
class BetterAuthUser:
    id: str
    email: str
    name: str
    created_at: datetime
    updated_at: datetime
    # Better Auth's `<salt hex>:<key hex>`, or None without a credential account.
    password_hash: str | None
    email_verified: bool = False


@dataclass(frozen=True)
class Skipped:
    user: BetterAuthUser
    reason: str


@dataclass(frozen=True)
class Released:
    """An unverified local account that gave its address to a verified Better Auth user."""

    user: BetterAuthUser
    released_user_id: str


@dataclass
class ImportReport:
    created: list[BetterAuthUser] = field(default_factory=list)
    updated: list[BetterAuthUser] = field(default_factory=list)
    unchanged: list[BetterAuthUser] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    released: list[Released] = field(default_factory=list)


def read_better_auth_users(database_url: str) -> list[BetterAuthUser]:
    """Every user of the Better Auth database at `database_url`, with its password hash if any."""
    try:
        with psycopg.connect(database_url) as connection:
            connection.read_only = True
            with connection.cursor(row_factory=class_row(BetterAuthUser)) as cursor:
                return cursor.execute(BETTER_AUTH_USERS_QUERY).fetchall()
    except psycopg.Error as error:
        raise BetterAuthDatabaseError(str(error).strip()) from error


def import_users(better_auth_users: Iterable[BetterAuthUser], dry_run: bool = False) -> ImportReport:
    """Create or update a local user for each Better Auth user; answers what happened to each.

    A user the local database cannot hold is skipped and reported; the rest
    still come in. One transaction, rolled back on a dry run so that the
    report says exactly what a real run would do.
    """
    report = ImportReport()
    with transaction.atomic():
        for better_auth_user in better_auth_users:
            try:
                # A savepoint per user: a refused row would otherwise abort the whole transaction.
                with transaction.atomic():
                    _import_one(better_auth_user, report)
            except DatabaseError as error:
                report.skipped.append(Skipped(better_auth_user, f"the local database refused it ({_summary(error)})"))
        if dry_run:
            transaction.set_rollback(True)
    return report


def _import_one(better_auth_user: BetterAuthUser, report: ImportReport) -> None:
    email = normalize_email(better_auth_user.email)
    user = User.objects.filter(pk=better_auth_user.id).first()
    problem = _problem_with(better_auth_user, email, user)
    if problem:
        report.skipped.append(Skipped(better_auth_user, problem))
        return
    _claim_email(better_auth_user, email, user, report)
    if user is None:
        _create(better_auth_user, email)
        report.created.append(better_auth_user)
    elif _update(user, better_auth_user, email):
        report.updated.append(better_auth_user)
    else:
        report.unchanged.append(better_auth_user)


def _problem_with(better_auth_user: BetterAuthUser, email: str, user: User | None) -> str | None:
    """Why this user cannot be imported, or None."""
    if not USER_ID_PATTERN.fullmatch(better_auth_user.id):
        return "its id is not a valid local user id"
    if user is not None and user.identity != Identity.BETTER_AUTH:
        # A Better Auth user never reaches an account a local password made.
        return "its id belongs to a local account"
    if user is None and RelinkedUserId.objects.filter(old_id=better_auth_user.id).exists():
        # A new account under it would answer to the old id's tokens; `relink_user` undoes a relink.
        return "its id was retired by a relink"
    if user is None and DeletedUserId.objects.filter(user_id=better_auth_user.id).exists():
        # Its holder, or Better Auth, asked for the account to be erased here; importing would bring the data back.
        return "its account was erased here"
    # Better Auth's columns are unbounded text; ours are not, and PostgreSQL text never holds NUL.
    if len(email) > EMAIL_MAX_LENGTH:
        return f"its email address is longer than {EMAIL_MAX_LENGTH} characters"
    try:
        validate_email(email)
    except ValidationError:
        return "its email address is not valid"
    if "\x00" in better_auth_user.name:
        return "its name contains a NUL character"
    if better_auth_user.password_hash is not None:
        try:
            password = BetterAuthScryptPasswordHasher.from_better_auth(better_auth_user.password_hash)
        except ValueError:
            return "its password hash is not a Better Auth scrypt hash"
        if len(password) > PASSWORD_MAX_LENGTH:
            return f"its password hash is longer than the {PASSWORD_MAX_LENGTH} characters stored here"
    if user is None or _takes_profile(user, better_auth_user):
        holder = _holder_keeping(better_auth_user, email, user)
        if holder is not None:
            # Merging by email would hand one person's account to another.
            return f"its email address belongs to another local user ({holder})"
    return None


def _holder_keeping(better_auth_user: BetterAuthUser, email: str, user: User | None) -> str | None:
    """The id of another local user who keeps `email` from this Better Auth user, or None.

    The ownership rule, as on first sight from a token (`services.email_release`):
    a new verified Better Auth user takes the address from a holder whose proof
    yields (`_claim_email`); an existing one never moves an address away from another account.
    """
    holders = User.objects.filter(email=email).exclude(pk=better_auth_user.id)
    if better_auth_user.email_verified and user is None:
        holders = holders.exclude(email_proof__in=YIELDING_PROOFS)
    return holders.values_list("pk", flat=True).first()


def _claim_email(better_auth_user: BetterAuthUser, email: str, user: User | None, report: ImportReport) -> None:
    """Before a new verified Better Auth user takes its address: release it from a holder whose proof yields."""
    if better_auth_user.email_verified and user is None:
        released = services.email_release(
            email=email, to_user_id=better_auth_user.id, reason=services.ReleaseReason.BETTER_AUTH_PROOF
        )
        if released is not None:
            report.released.append(Released(better_auth_user, released.pk))


def _create(better_auth_user: BetterAuthUser, email: str) -> None:
    User.objects.create(
        id=better_auth_user.id,
        identity=Identity.BETTER_AUTH,
        email=email,
        email_verified=better_auth_user.email_verified,
        email_proof=EmailProof.BETTER_AUTH if better_auth_user.email_verified else EmailProof.NONE,
        name=better_auth_user.name[:NAME_MAX_LENGTH],
        password=_imported_password(better_auth_user),
        date_joined=better_auth_user.created_at,
        profile_synced_at=better_auth_user.updated_at,
    )


def _update(user: User, better_auth_user: BetterAuthUser, email: str) -> bool:
    """Bring a user up to date with Better Auth; answers whether anything changed."""
    changed = []
    if _takes_profile(user, better_auth_user):
        brought = EmailProof.BETTER_AUTH if better_auth_user.email_verified else EmailProof.NONE
        user.email_prove(services.email_proof_after(user=user, email=email, proof=brought))
        user.email = email
        user.name = better_auth_user.name[:NAME_MAX_LENGTH]
        user.profile_synced_at = better_auth_user.updated_at
        changed += ["email", "email_verified", "email_proof", "name", "profile_synced_at"]
    if _takes_password(user, better_auth_user):
        user.password = _imported_password(better_auth_user)
        changed.append("password")
    if changed:
        user.save(update_fields=changed)
    return bool(changed)


def _takes_profile(user: User, better_auth_user: BetterAuthUser) -> bool:
    """Same rule as profiles taken from tokens: only a newer Better Auth profile wins."""
    return user.profile_synced_at is None or better_auth_user.updated_at > user.profile_synced_at


def _takes_password(user: User, better_auth_user: BetterAuthUser) -> bool:
    """A password set or upgraded here is newer than any import; only replace what came from one."""
    if better_auth_user.password_hash is None:
        return False
    if user.password == _imported_password(better_auth_user):
        return False
    return not user.has_usable_password() or user.password.startswith(f"{BetterAuthScryptPasswordHasher.algorithm}$")


def _imported_password(better_auth_user: BetterAuthUser) -> str:
    if better_auth_user.password_hash is None:
        return make_password(None)
    return BetterAuthScryptPasswordHasher.from_better_auth(better_auth_user.password_hash)


def _summary(error: BaseException) -> str:
    # The first line only: PostgreSQL's DETAIL line can show the whole row, password hash included.
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
