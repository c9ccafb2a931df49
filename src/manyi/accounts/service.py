"""Use cases for accounts: create users and departments, log in, issue and check API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from manyi.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from manyi.domain.enums import Role
from manyi.errors import InvalidInput, NotAuthenticated, NotFound
from manyi.storage.accounts import (
    add_api_token,
    add_user,
    live_token,
    mark_token_used,
    user_by_email,
    user_by_id,
)
from manyi.storage.database import Database
from manyi.storage.organisation import add_department, department_id
from manyi.storage.tables import UserRow
from manyi.storage.types import utcnow

TOKEN_PREFIX = "manyi_"
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    role: Role
    department_id: int | None

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        return cls(row.id, row.email, row.name, Role(row.role), row.department_id)


def _hash_token(token: str) -> str:
    # Tokens are long random strings, so a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(token.encode()).hexdigest()


def create_department(db: Database, code: str, name_zh: str, name_en: str = "") -> int:
    """The id of the department ``code``, stored now unless it exists already."""
    with db.session() as s:
        existing = department_id(s, code)
        if existing is not None:
            return existing
        return add_department(s, code=code, name_zh=name_zh, name_en=name_en or name_zh).id


def create_user(
    db: Database,
    email: str,
    password: str,
    role: Role | str,
    *,
    name: str = "",
    department: str | None = None,
) -> User:
    """Create a user; ``department`` is a department code that must exist."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise InvalidInput(f"not an e-mail address: {email!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput(
            f"unknown role {role!r}; roles are {', '.join(r.value for r in Role)}"
        ) from None
    with db.session() as s:
        dep_id = None
        if department:
            dep_id = department_id(s, department)
            if dep_id is None:
                raise NotFound(f"no department with code {department!r}")
        row = add_user(
            s,
            email=email,
            name=name,
            password_hash=hash_password(password),
            role=role.value,
            department_id=dep_id,
        )
        return User.from_row(row)


def authenticate(db: Database, email: str, password: str) -> User:
    with db.session() as s:
        row = user_by_email(s, email.strip().lower())
        ok = verify_password(row.password_hash if row else None, password)
        if row is None or not ok or not row.is_active:
            raise NotAuthenticated("wrong e-mail or password")
        return User.from_row(row)


def get_user(db: Database, user_id: int) -> User | None:
    with db.session() as s:
        row = user_by_id(s, user_id)
        return User.from_row(row) if row is not None and row.is_active else None


def create_token(db: Database, email: str, name: str = "") -> str:
    """Issue an API token for the user; the token is returned once and stored only hashed."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.session() as s:
        user = user_by_email(s, email.strip().lower())
        if user is None:
            raise NotFound(f"no user with e-mail {email}")
        add_api_token(
            s, user_id=user.id, token_hash=_hash_token(token), prefix=token[:10], name=name
        )
    return token


def user_for_token(db: Database, token: str) -> User:
    with db.session() as s:
        row = live_token(s, _hash_token(token))
        if row is None:
            raise NotAuthenticated("invalid or revoked API token")
        user = user_by_id(s, row.user_id)
        if user is None or not user.is_active:
            raise NotAuthenticated("the token's user is disabled")
        mark_token_used(row, utcnow())
        return User.from_row(user)
