"""The audit log as services and entry points use it: who did what, to what, when.

A service that changes something accountable writes its entry with
:func:`manyi.storage.audit.add_audit_entry` in the same session as the change (services
do not call each other); :func:`record` is for a caller with no session of its own, and
:func:`audit_log` reads the log for administrators.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

from manyi.errors import InvalidInput
from manyi.storage.audit import AuditEntry, add_audit_entry, audit_entries
from manyi.storage.database import Database

MAX_PAGE = 500


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user (id and e-mail) or a process (``cli:root``, ``job:purge``)."""

    label: str
    user_id: int | None = None

    @classmethod
    def command_line(cls) -> Actor:
        """The person at the terminal, as far as the operating system knows them."""
        try:
            who = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry (some containers)
            who = "unknown"
        return cls(f"cli:{who}")


#: The periodic retention purge.
PURGE_JOB = Actor("job:purge")


def record(
    db: Database,
    actor: Actor,
    action: str,
    subject_kind: str,
    subject_id: str | int = "",
    detail: dict[str, Any] | None = None,
) -> int:
    """Write one entry in its own transaction; returns its id."""
    with db.session() as s:
        return add_audit_entry(
            s,
            action=action,
            subject_kind=subject_kind,
            subject_id=subject_id,
            detail=detail,
            actor=actor.label,
            actor_user_id=actor.user_id,
        )


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditEntry]
    count: int
    limit: int
    offset: int


def audit_log(
    db: Database,
    *,
    subject_kind: str | None = None,
    subject_id: str | None = None,
    action: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> AuditPage:
    """A page of the log, newest first, filtered by subject and action."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    if offset < 0:
        raise InvalidInput("offset must not be negative")
    with db.session() as s:
        items, count = audit_entries(
            s,
            subject_kind=subject_kind,
            subject_id=subject_id,
            action=action,
            limit=limit,
            offset=offset,
        )
    return AuditPage(items, count, limit, offset)
