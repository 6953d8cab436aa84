"""Password hashers: bcrypt for new hashes, Better Auth's scrypt to verify imports."""

import hashlib
import hmac
import secrets
import unicodedata
from typing import TYPE_CHECKING, Any

from django.contrib.auth import hashers
from django.utils.translation import gettext_noop as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def normalize_password(password: str) -> str:
    """NFKC, as Better Auth hashes: one password typed in two Unicode forms stays one password."""
    return unicodedata.normalize("NFKC", password)


class BCryptSHA256PasswordHasher(hashers.BCryptSHA256PasswordHasher):
    """bcrypt over SHA-256 (no 72-byte truncation), at an explicit cost of 12, on NFKC passwords."""

    rounds = 12

    def encode(self, password: str, salt: str) -> str:
        return super().encode(normalize_password(password), salt)

    def verify(self, password: str, encoded: str) -> bool:
        return super().verify(normalize_password(password), encoded)


class BetterAuthScryptPasswordHasher(hashers.BasePasswordHasher):
    """Verifies Better Auth's `<salt hex>:<key hex>` scrypt hashes.

    Better Auth derives a 64-byte key with N=16384, r=16, p=1 from the
    NFKC-normalised password, using the hex salt *string* itself as the salt.
    Imported hashes are stored as `better_auth_scrypt$<salt hex>$<key hex>`;
    Django re-hashes them with bcrypt at the first successful sign-in.
    """

    algorithm = "better_auth_scrypt"
    work_factor = 2**14
    block_size = 16
    parallelism = 1
    key_length = 64
    # scrypt needs 128 * N * r * p bytes; leave headroom above that.
    maxmem = 2 * 128 * 2**14 * 16

    @classmethod
    def from_better_auth(cls, stored: str | None) -> str:
        """Django's encoding of a hash as Better Auth's `account.password` holds it."""
        salt, separator, key = (stored or "").partition(":")
        if not (salt and separator and key):
            raise ValueError("Not a Better Auth scrypt hash.")
        return f"{cls.algorithm}${salt}${key}"

    def salt(self) -> str:
        return secrets.token_hex(16)

    def _derive(self, password: str, salt: str) -> str:
        return hashlib.scrypt(
            normalize_password(password).encode(),
            salt=salt.encode(),
            n=self.work_factor,
            r=self.block_size,
            p=self.parallelism,
            dklen=self.key_length,
            maxmem=self.maxmem,
        ).hex()

    def encode(self, password: str, salt: str) -> str:
        self._check_encode_args(password, salt)  # type: ignore[attr-defined]  # Django's own, not in the stubs
        return f"{self.algorithm}${salt}${self._derive(password, salt)}"

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, salt, key = encoded.split("$", 2)
        if algorithm != self.algorithm:
            raise ValueError(f"Not a {self.algorithm} hash.")
        return {"algorithm": algorithm, "salt": salt, "hash": key}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        derived = self._derive(password, decoded["salt"])
        return hmac.compare_digest(derived, decoded["hash"].lower())

    def safe_summary(self, encoded: str) -> "dict[_StrOrPromise, Any]":
        decoded = self.decode(encoded)
        return {
            _("algorithm"): decoded["algorithm"],
            _("salt"): hashers.mask_hash(decoded["salt"]),
            _("hash"): hashers.mask_hash(decoded["hash"]),
        }

    def must_update(self, encoded: str) -> bool:
        return True

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass
