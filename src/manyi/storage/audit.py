"""Audit log repository (``audit_log``): who did what to which subject, and when.

Any service records an entry with :func:`add_audit_entry` in the session of the change
it audits, so the entry and the change commit together (or not at all). Subjects are
named by a kind (``customer``, ``survey``, ``response``, ``case``, …) and an id as text
(a customer's external id, a survey's number).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manyi.storage.tables import AuditLogRow
from manyi.storage.types import utcnow


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor_user_id: int | None
    actor: str
    action: str
    subject_kind: str
    subject_id: str
    detail: dict[str, Any]


def add_audit_entry(
    session: Session,
    *,
    action: str,
    subject_kind: str,
    subject_id: str | int = "",
    detail: dict[str, Any] | None = None,
    actor: str = "",
    actor_user_id: int | None = None,
    at: datetime | None = None,
) -> int:
    """Add one entry (flushed: its id is returned)."""
    row = AuditLogRow(
        at=at or utcnow(),
        actor_user_id=actor_user_id,
        actor=actor[:200],
        action=action[:64],
        subject_kind=subject_kind[:32],
        subject_id=str(subject_id)[:200],
        detail=dict(detail or {}),
    )
    session.add(row)
    session.flush()
    return row.id


def audit_entries(
    session: Session,
    *,
    subject_kind: str | None = None,
    subject_id: str | None = None,
    action: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[AuditEntry], int]:
    """Entries matching the filters, newest first, and how many match in all."""
    conditions = []
    if subject_kind is not None:
        conditions.append(AuditLogRow.subject_kind == subject_kind)
    if subject_id is not None:
        conditions.append(AuditLogRow.subject_id == subject_id)
    if action is not None:
        conditions.append(AuditLogRow.action == action)
    count = session.scalar(select(func.count()).select_from(AuditLogRow).where(*conditions)) or 0
    rows = session.scalars(
        select(AuditLogRow)
        .where(*conditions)
        .order_by(AuditLogRow.at.desc(), AuditLogRow.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        AuditEntry(
            r.id,
            r.at,
            r.actor_user_id,
            r.actor,
            r.action,
            r.subject_kind,
            r.subject_id,
            dict(r.detail or {}),
        )
        for r in rows
    ], count
