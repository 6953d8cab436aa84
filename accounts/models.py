"""The local user: keyed by the Better Auth user id, signed in by email."""

from datetime import datetime
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import get_random_string
from drf_better_auth.tokens import USER_ID_PATTERN

from core.models import AppendOnlyModel, AppendOnlyQuerySet

# Better Auth's default ids: 32 characters from [A-Za-z0-9]. Deployments that
# configure UUIDs (or another generator) send those; both fit this shape.
USER_ID_LENGTH = 32
USER_ID_MAX_LENGTH = 64
NAME_MAX_LENGTH = 255
RELINK_NOTE_MAX_LENGTH = 200


def generate_user_id() -> str:
    """A new id in Better Auth's default shape, for users created here."""
    return get_random_string(USER_ID_LENGTH)


def normalize_email(email: str | None) -> str:
    """Emails compare case-insensitively, as Better Auth stores them: lower-cased."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=normalize_email(email), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields["is_staff"] is not True or extra_fields["is_superuser"] is not True:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email: str | None) -> "User":
        return self.get(email=normalize_email(email))


class Identity(models.TextChoices):
    """Whose credentials reach an account: exactly one source, never both, never linked by an address."""

    # An email address and a password set here (sign-up, the admin, the operators' commands).
    LOCAL = "local", "Local password"
    # The Better Auth user whose id is the account's id: its tokens, and a password it brought along on import.
    BETTER_AUTH = "better_auth", "Better Auth"


class EmailProof(models.TextChoices):
    """How the account's holder proved its current address, if it did."""

    NONE = "", "Not proven"
    # Someone who could read the mailbox opened the sign-up link: it shows consent, not whose password the account has.
    VERIFICATION_LINK = "verification_link", "Verification link"
    # The mailbox's reader chose the account's password, or signed in and then confirmed the address.
    PASSWORD_RESET = "password_reset", "Password reset link"
    EMAIL_CHANGE = "email_change", "Confirmed change of address"
    # Better Auth's `emailVerified: true`: Better Auth saw the identity prove it.
    BETTER_AUTH = "better_auth", "Better Auth"


# Holders whose proof is this weak give their address up to someone who proves it with more.
YIELDING_PROOFS = frozenset({EmailProof.NONE, EmailProof.VERIFICATION_LINK})


class User(AbstractBaseUser, PermissionsMixin):
    id = models.CharField(
        primary_key=True,
        max_length=USER_ID_MAX_LENGTH,
        default=generate_user_id,
        editable=False,
        validators=[RegexValidator(USER_ID_PATTERN)],
        help_text="The Better Auth user id (the token's `sub`), or one made here in the same shape.",
    )
    # Wider than Django's 128: imported Better Auth scrypt hashes take 180 characters.
    password = models.CharField("password", max_length=255)
    email = models.EmailField("email address", max_length=254, unique=True)
    identity = models.CharField(
        max_length=16,
        choices=Identity.choices,
        default=Identity.LOCAL,
        db_default=Identity.LOCAL,
        editable=False,
        help_text="Whose credentials reach this account: a local password, or the Better Auth user with this id.",
    )
    email_verified = models.BooleanField(
        default=False,
        editable=False,
        help_text="The holder proved the address (`email_proof` says how).",
    )
    email_proof = models.CharField(
        max_length=24,
        choices=EmailProof.choices,
        default=EmailProof.NONE,
        db_default=EmailProof.NONE,
        blank=True,
        editable=False,
        help_text="How the holder proved the address: decides who keeps it when someone else proves it too.",
    )
    name = models.CharField(max_length=NAME_MAX_LENGTH, blank=True)
    is_active = models.BooleanField(default=True, help_text="Inactive users are refused on every request.")
    is_staff = models.BooleanField(default=False, help_text="Can log into the admin site.")
    date_joined = models.DateTimeField(default=timezone.now)
    tokens_valid_after = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Tokens issued before this moment are refused (log out everywhere).",
    )
    profile_synced_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Better Auth's `updatedAt` of the email and name last taken from a token.",
    )
    profile_edited_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the holder last edited the profile here (PATCH /api/auth/me/): "
        "a Better Auth profile updated before it does not undo the edit.",
    )
    deactivated_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the account was deactivated; `purge_inactive_users` erases it some days later.",
    )
    banned = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="Banned through Better Auth's admin plugin (its `user.banned` event): refused on every request.",
    )
    ban_expires = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the ban ends by itself; empty: until it is lifted."
    )
    better_auth_role = models.CharField(
        max_length=NAME_MAX_LENGTH,
        blank=True,
        db_default="",
        editable=False,
        help_text="Better Auth's `role` as last seen; grants nothing unless BETTER_AUTH_ROLE_GROUPS maps it.",
    )

    objects: ClassVar[UserManager] = UserManager()
    # Not a column: the Better Auth admin acting as this person in the current request (accounts.services.users).
    impersonated_by: str | None = None

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            # `email_verified` is what clients read; `email_proof` is the record behind it.
            models.CheckConstraint(
                condition=models.Q(email_verified=False, email_proof=EmailProof.NONE)
                | (models.Q(email_verified=True) & ~models.Q(email_proof=EmailProof.NONE)),
                name="accounts_user_email_verified_has_proof",
            ),
        ]
        # The admin's two support actions, grantable without the rest of "change user".
        permissions = [
            ("deactivate_user", "Can deactivate user"),
            ("revoke_user_tokens", "Can revoke every token of user"),
            ("relink_user", "Can relink user to a new Better Auth id"),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    def email_prove(self, proof: str) -> None:
        """Record that the holder proved its current address, and how; the caller saves."""
        self.email_proof = proof
        self.email_verified = proof != EmailProof.NONE

    def is_banned(self, now: datetime) -> bool:
        """Banned now: a ban with no end, or one that ends later."""
        return self.banned and (self.ban_expires is None or self.ban_expires > now)

    @property
    def email_yields(self) -> bool:
        """Whether someone who proves this address with more than a click may take it from this account."""
        return self.email_proof in YIELDING_PROOFS

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email


class DenylistedToken(models.Model):
    """A refresh token that may no longer be used: rotated away or logged out."""

    jti = models.CharField(max_length=64, unique=True)
    # The token's user id as the token says it; the user may be gone since.
    user_id = models.CharField(max_length=64, db_index=True)
    expires_at = models.DateTimeField(db_index=True, help_text="Safe to delete after this moment.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.jti} (user {self.user_id})"


class RelinkedUserId(models.Model):
    """A user id retired by a relink: tokens naming it are refused, and no other account ever takes it.

    The current state, not the history (that is `RelinkRecord`): the row goes
    when the account relinked away from the id takes it back (an undo).
    """

    old_id = models.CharField(primary_key=True, max_length=USER_ID_MAX_LENGTH)
    # A foreign key, so later relinks move it along with the account; null once
    # the account is deleted, and then nobody takes the id back.
    account = models.ForeignKey(
        User,
        null=True,
        on_delete=models.SET_NULL,
        related_name="retired_ids",
        help_text="The account relinked away from this id, under whatever id it has now.",
    )
    relinked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-relinked_at"]

    def __str__(self) -> str:
        return f"{self.old_id} -> {self.account_id}"


class DeletedUserId(models.Model):
    """The id of an account erased here: no token issued before `deleted_at` brings the account back.

    Holds no personal data, only the id and the moment. A Better Auth token
    issued after it (a new sign-in) is a new first sight.
    """

    user_id = models.CharField(primary_key=True, max_length=USER_ID_MAX_LENGTH)
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-deleted_at"]

    def __str__(self) -> str:
        return f"{self.user_id} (erased {self.deleted_at:%Y-%m-%d %H:%M})"


class RelinkRecordQuerySet(AppendOnlyQuerySet):
    def notes_erase(self) -> int:
        """Empty the notes: the one change a record allows, when the person a note may name is erased."""
        return models.QuerySet.update(self, note="")


class RelinkRecord(AppendOnlyModel):
    """One relink, as it happened: the audit trail beside the `user_relinked` log line.

    Append-only: written once by `services.user_relink`, never updated or
    deleted (an undo is a relink of its own, recorded as another row). The
    one exception is `notes_erase`: erasing an account empties the notes of
    its records, which may name the person who asked.
    """

    class Via(models.TextChoices):
        ADMIN = "admin", "admin"
        COMMAND_LINE = "command line", "command line"

    old_id = models.CharField(max_length=USER_ID_MAX_LENGTH, db_index=True)
    new_id = models.CharField(max_length=USER_ID_MAX_LENGTH, db_index=True)
    via = models.CharField(max_length=20, choices=Via.choices)
    # Plain text, not foreign keys: a record outlives the accounts it names and never follows their relinks.
    actor_id = models.CharField(
        max_length=USER_ID_MAX_LENGTH, blank=True, help_text="The admin user who relinked, by their id then."
    )
    os_user = models.CharField(max_length=150, blank=True, help_text="The operating system user who ran `relink_user`.")
    note = models.CharField(
        max_length=RELINK_NOTE_MAX_LENGTH, blank=True, help_text="`relink_user --actor`: who asked, a ticket."
    )
    # A default rather than auto_now_add, which would overwrite the times of the records migration 0006 copies.
    relinked_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RelinkRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-relinked_at", "-id"]
        # Related-object code (deletions, relinks) goes through the base manager: it must refuse too.
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"{self.old_id} -> {self.new_id}"


class EndedSession(models.Model):
    """A Better Auth session that has ended: tokens carrying its id are refused.

    Kept until every token minted during the session has expired.
    """

    session_id = models.CharField(max_length=64, unique=True)
    # The session's user id as Better Auth said it; the user may be gone since.
    user_id = models.CharField(max_length=USER_ID_MAX_LENGTH, db_index=True)
    ended_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True, help_text="Safe to delete after this moment.")

    class Meta:
        ordering = ["-ended_at"]

    def __str__(self) -> str:
        return f"{self.session_id} (user {self.user_id})"


class ReceivedEvent(models.Model):
    """The id of a Better Auth event already applied, so a replay within its time window is not."""

    event_id = models.CharField(max_length=100, unique=True)
    event_type = models.CharField(max_length=50)
    received_at = models.DateTimeField(auto_now_add=True)
    # Past this moment its timestamp is refused anyway, so the id need not be kept.
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class ApiKeyScope(models.TextChoices):
    """What a personal API key may do; a view names the scope its reads and its writes need."""

    TASKS_READ = "tasks:read", "Read tasks"
    TASKS_WRITE = "tasks:write", "Create, change and delete tasks"


class ApiKey(models.Model):
    """A person's key for scripts and services: only its SHA-256 is kept (drf_better_auth.api_keys).

    Revoking one deletes its row. Every key of a person stops working when
    their account is deleted (the rows go with it), deactivated or relinked,
    or when they log out everywhere or change their password
    (`tokens_valid_after`; `user_tokens_revoke` deletes the rows too).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    # The key's public start ("tdk_1a2b3c4d"), shown so that people can tell their keys apart.
    prefix = models.CharField(max_length=32)
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key, in hex.")
    # Space-separated ApiKeyScope values.
    scopes = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Written at most once a minute per key (accounts.services.api_keys).
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()
