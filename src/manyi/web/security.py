"""Session login and CSRF protection for the pages."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from manyi.edge.deps import session_user

__all__ = ["csrf_ok", "csrf_token", "safe_next", "session_user"]


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def csrf_ok(request: Request, submitted: str | None) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and submitted and hmac.compare_digest(str(expected), submitted))


def safe_next(url: str | None) -> str | None:
    """``url`` when it is a path on this site, else ``None``.

    The login page sends the person back where they came from; accepting only local paths
    keeps it from being an open redirect (``//evil.example`` and ``/\\evil.example`` are
    other hosts to a browser)."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 32 for ch in url):  # control characters never belong in a path
        return None
    return url
