"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
# Verifying against this when the user does not exist keeps the response time the same,
# so an attacker cannot learn which e-mail addresses have accounts (timing attack).
_DUMMY_HASH = _HASHER.hash("manyi-dummy-password")

MIN_PASSWORD_LENGTH = 8
#: Stored instead of a hash for users who sign in by single sign-on only: no password
#: matches it (argon2 hashes start with "$").
UNUSABLE_PREFIX = "!"


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def unusable_password() -> str:
    """A stored "hash" that no password matches (single sign-on only)."""
    return UNUSABLE_PREFIX + "sso-only"


def verify_password(password_hash: str | None, password: str) -> bool:
    # An SSO-only user costs the same argon2 check as anyone else, so the response time
    # does not tell which accounts have a password.
    usable = password_hash is not None and not password_hash.startswith(UNUSABLE_PREFIX)
    try:
        return (
            _HASHER.verify((password_hash or _DUMMY_HASH) if usable else _DUMMY_HASH, password)
            and usable
        )
    except (VerificationError, InvalidHashError):
        return False
