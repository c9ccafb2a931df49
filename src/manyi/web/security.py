"""Session login and CSRF protection for the pages."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from manyi.accounts.service import User, get_user
from manyi.storage.database import Database


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def csrf_ok(request: Request, submitted: str | None) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and submitted and hmac.compare_digest(str(expected), submitted))


def session_user(request: Request, db: Database) -> User | None:
    user_id = request.session.get("user_id")
    if not isinstance(user_id, int):
        return None
    return get_user(db, user_id)
