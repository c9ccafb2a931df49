"""Feedback repository: inserts, duplicate and idempotency look-ups for feedback items, and
their paged, filtered listing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manyi.domain.scope import DepartmentScope
from manyi.storage.insert import insert_ignore
from manyi.storage.paging import fetch_page
from manyi.storage.scoping import feedback_in_scope
from manyi.storage.tables import DepartmentRow, FeedbackItemRow

#: (id, external_id, idempotency_key) of an inserted feedback item.
Inserted = tuple[int, str | None, str | None]


def stored_feedback_hashes(session: Session, hashes: Iterable[str]) -> set[str]:
    """Which of ``hashes`` a stored feedback item already has (duplicate check)."""
    wanted = set(hashes)
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(FeedbackItemRow.content_hash).where(FeedbackItemRow.content_hash.in_(wanted))
        ).all()
    )


def insert_feedback(session: Session, rows: list[dict[str, Any]]) -> list[Inserted]:
    """Insert rows not stored yet: by idempotency key when they have one, else by
    (source, external_id). Returns (id, external_id, key) of the rows inserted now."""
    returning = (FeedbackItemRow.id, FeedbackItemRow.external_id, FeedbackItemRow.idempotency_key)
    keyed = [r for r in rows if r.get("idempotency_key")]
    plain = [r for r in rows if not r.get("idempotency_key")]
    out: list[Inserted] = []
    for batch, conflict in ((keyed, ("idempotency_key",)), (plain, ("source", "external_id"))):
        if batch:
            inserted = insert_ignore(
                session, FeedbackItemRow, batch, conflict=conflict, returning=returning
            )
            out += [(int(r[0]), r[1], r[2]) for r in inserted]
    return out


def stored_feedback(
    session: Session, *, source: str, external_id: str | None, idempotency_key: str | None
) -> FeedbackItemRow | None:
    """The stored item a retry or re-import refers to (by key, else by source + external id)."""
    if idempotency_key:
        condition = FeedbackItemRow.idempotency_key == idempotency_key
    else:
        condition = (FeedbackItemRow.source == source) & (
            FeedbackItemRow.external_id == external_id
        )
    return session.scalar(select(FeedbackItemRow).where(condition))


def feedback_by_id(session: Session, feedback_id: int) -> FeedbackItemRow | None:
    return session.get(FeedbackItemRow, feedback_id)


def _like_pattern(text: str) -> str:
    """A LIKE pattern for "contains ``text``": its own % and _ match only themselves."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def feedback_page(
    session: Session,
    *,
    kind: str | None = None,
    department: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    q: str | None = None,
    limit: int,
    offset: int,
    scope: DepartmentScope | None = None,
) -> tuple[list[FeedbackItemRow], int]:
    """Feedback items that occurred in [since, until), newest first: one page and the total.

    ``department`` is a department code; ``q`` keeps items whose (redacted) text contains it;
    ``scope``: only the items of these departments (storage/scoping.py).
    """
    query = select(FeedbackItemRow).where(feedback_in_scope(scope))
    if kind:
        query = query.where(FeedbackItemRow.kind == kind)
    if department:
        query = query.join(DepartmentRow, DepartmentRow.id == FeedbackItemRow.department_id).where(
            DepartmentRow.code == department
        )
    if since:
        query = query.where(FeedbackItemRow.occurred_at >= since)
    if until:
        query = query.where(FeedbackItemRow.occurred_at < until)
    if q:
        query = query.where(FeedbackItemRow.text.like(_like_pattern(q), escape="\\"))
    # The id breaks ties between items of the same instant, so pages are stable.
    query = query.order_by(FeedbackItemRow.occurred_at.desc(), FeedbackItemRow.id.desc())
    return fetch_page(session, query, limit=limit, offset=offset)


def count_feedback(session: Session, *, source: str) -> int:
    """Feedback items stored from ``source``."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(FeedbackItemRow)
            .where(FeedbackItemRow.source == source)
        )
        or 0
    )
