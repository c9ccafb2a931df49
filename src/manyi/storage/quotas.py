"""Quota counts (``survey_quota_counts``) and the screened-out mark of a draft.

A place in a quota is claimed by one conditional UPDATE in the caller's transaction, the
one that stores the response: on PostgreSQL the row lock makes a concurrent claim wait
and re-check ``count < limit`` on the committed count; on SQLite the write lock of the
transaction does the same. So a quota never holds more than its limit, and a store that
fails rolls its claim back with it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from manyi.storage.insert import insert_ignore
from manyi.storage.tables import CustomerRow, SurveyDraftRow, SurveyQuotaCountRow
from manyi.storage.types import utcnow


def claim_quota(session: Session, survey_id: int, quota: str, limit: int) -> int | None:
    """Take one place in the quota: its new count, or None when it already holds ``limit``."""
    insert_ignore(
        session,
        SurveyQuotaCountRow,
        [{"survey_id": survey_id, "quota": quota, "count": 0, "updated_at": utcnow()}],
        conflict=("survey_id", "quota"),
    )
    table = SurveyQuotaCountRow
    claimed = session.execute(
        update(table)
        .where(table.survey_id == survey_id, table.quota == quota, table.count < limit)
        .values(count=table.count + 1, updated_at=utcnow())
        .returning(table.count)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return None if claimed is None else int(claimed)


def quota_counts(session: Session, survey_id: int) -> dict[str, int]:
    """{quota code: responses it holds} of a survey (quotas never claimed are absent)."""
    rows = session.execute(
        select(SurveyQuotaCountRow.quota, SurveyQuotaCountRow.count).where(
            SurveyQuotaCountRow.survey_id == survey_id
        )
    ).all()
    return {quota: int(count) for quota, count in rows}


def full_quotas(session: Session, survey_id: int, limits: dict[str, int]) -> set[str]:
    """The codes among ``limits`` (code → limit) whose count has reached the limit."""
    if not limits:
        return set()
    counts = quota_counts(session, survey_id)
    return {code for code, limit in limits.items() if counts.get(code, 0) >= limit}


def customer_segments(
    session: Session, *, customer_id: int | None = None, external_id: str | None = None
) -> dict[str, Any]:
    """The stored segments (attributes) of a customer given by id or external id; {} if none."""
    if customer_id is not None:
        where = CustomerRow.id == customer_id
    elif external_id:
        where = CustomerRow.external_id == external_id
    else:
        return {}
    found = session.scalar(select(CustomerRow.segments).where(where))
    return dict(found or {})


def mark_draft_screened_out(session: Session, draft_id: int, quota: str) -> None:
    """Note in the draft which quota screened its respondent out (its answers stay)."""
    row = session.get(SurveyDraftRow, draft_id)
    if row is None:
        raise LookupError(f"no draft {draft_id}")
    row.screened_out = quota
    row.updated_at = utcnow()
