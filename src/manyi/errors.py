"""The one exception tree of manyi.

Services raise these; only the edges (``manyi.api``, ``manyi.web``, ``manyi.cli``) turn
them into HTTP responses, pages or exit codes. Every error carries an HTTP-like
``status`` and a list of field-level ``errors`` so that one handler can render the JSON
shape ``{"ok": false, "error": "...", "errors": [...], "status": N}``.

::

    ManyiError                    500  base class; never raised directly
    ├── InvalidInput              422  bad data from a user or a file (also a ValueError)
    ├── NotFound                  404  the thing asked for does not exist
    ├── Conflict                  409  the request clashes with stored state
    │   └── QuotaFull             409  a response in a full quota (screened out)
    ├── NotAllowed                403  authenticated but not permitted
    ├── NotAuthenticated          401  no or bad credentials
    ├── ChannelError              502  an outside channel (SMTP, SMS, webhook) failed
    └── StorageUnavailable        503  the database cannot be reached
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One problem with one field; ``loc`` is the path to it, e.g. ``("answers", "q3")``."""

    loc: tuple[str | int, ...]
    msg: str
    type: str = "invalid"

    def as_dict(self) -> dict[str, Any]:
        return {"loc": list(self.loc), "msg": self.msg, "type": self.type}


@dataclass
class ManyiError(Exception):
    """Base of every error manyi raises on purpose."""

    message: str
    errors: list[FieldError] = field(default_factory=list)
    status: int = 500

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        if not self.errors:
            return self.message
        details = "; ".join(f"{'.'.join(map(str, e.loc))}: {e.msg}" for e in self.errors)
        return f"{self.message} ({details})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": False,
            "error": self.message,
            "errors": [e.as_dict() for e in self.errors],
            "status": self.status,
        }


@dataclass
class InvalidInput(ManyiError, ValueError):
    """Input that cannot be accepted: a wrong answer, a malformed file, a bad argument."""

    status: int = 422


@dataclass
class NotFound(ManyiError):
    status: int = 404


@dataclass
class Conflict(ManyiError):
    status: int = 409


@dataclass
class QuotaFull(Conflict):
    """A response falls in a survey quota that already holds its limit: the respondent
    is screened out (``quota`` is its code) and nothing is stored."""

    quota: str = ""


@dataclass
class NotAllowed(ManyiError):
    status: int = 403


@dataclass
class NotAuthenticated(ManyiError):
    status: int = 401


@dataclass
class ChannelError(ManyiError):
    status: int = 502


@dataclass
class StorageUnavailable(ManyiError):
    status: int = 503


__all__ = [
    "ChannelError",
    "Conflict",
    "FieldError",
    "InvalidInput",
    "ManyiError",
    "NotAllowed",
    "NotAuthenticated",
    "NotFound",
    "QuotaFull",
    "StorageUnavailable",
]
