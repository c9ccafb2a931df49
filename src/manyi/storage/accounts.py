"""Account repository: users and their API tokens (stored as hashes only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from manyi.storage.tables import ApiTokenRow, UserRow
from manyi.storage.unique import add_unique


def user_by_email(session: Session, email: str) -> UserRow | None:
    """The user whose stored (lower-case) e-mail address is ``email``, or None."""
    return session.scalar(select(UserRow).where(UserRow.email == email))


def user_by_id(session: Session, user_id: int) -> UserRow | None:
    return session.get(UserRow, user_id)


def add_user(
    session: Session,
    *,
    email: str,
    name: str,
    password_hash: str,
    role: str,
    department_id: int | None,
) -> UserRow:
    """Store a user; Conflict when the e-mail address is taken."""
    return add_unique(
        session,
        UserRow(
            email=email,
            name=name,
            password_hash=password_hash,
            role=role,
            department_id=department_id,
        ),
        f"a user with e-mail {email} already exists",
    )


def add_api_token(
    session: Session, *, user_id: int, token_hash: str, prefix: str, name: str
) -> ApiTokenRow:
    """Store an API token's hash (the token itself is never stored)."""
    row = ApiTokenRow(user_id=user_id, token_hash=token_hash, prefix=prefix, name=name)
    session.add(row)
    return row


def live_token(session: Session, token_hash: str) -> ApiTokenRow | None:
    """The token with hash ``token_hash`` unless it was revoked, or None."""
    return session.scalar(
        select(ApiTokenRow).where(
            ApiTokenRow.token_hash == token_hash, ApiTokenRow.revoked_at.is_(None)
        )
    )


def mark_token_used(token: ApiTokenRow, at: datetime) -> None:
    """Record when the token was last used (written when the session commits)."""
    token.last_used_at = at
