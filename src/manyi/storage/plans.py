"""Improvement plans repository (``improvement_plans``, ``plan_milestones``, ``plan_cases``)
and the rows a plan's effect is measured on that the rollups do not hold (aspect mentions).

Plan changes go through :func:`update_plan_versioned`, the same optimistic check as
cases (``UPDATE … WHERE id = :id AND version = :seen``): of two people saving the same
version, the second is told, nothing is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from manyi.storage.tables import (
    AspectMentionRow,
    CaseRow,
    ChannelRow,
    CustomerRow,
    FeedbackItemRow,
    ImprovementPlanRow,
    PlanCaseRow,
    PlanMilestoneRow,
    SurveyRow,
    TouchpointRow,
)
from manyi.storage.types import utcnow


def insert_plan(session: Session, values: dict[str, Any]) -> ImprovementPlanRow:
    row = ImprovementPlanRow(**values)
    session.add(row)
    session.flush()
    return row


def plan_row(session: Session, plan_id: int) -> ImprovementPlanRow | None:
    return session.get(ImprovementPlanRow, plan_id)


def plan_by_token(session: Session, token: str) -> ImprovementPlanRow | None:
    query = select(ImprovementPlanRow).where(ImprovementPlanRow.public_token == token)
    return session.scalars(query).first()


def plan_rows(
    session: Session, *, status: str | None = None, published_only: bool = False
) -> list[ImprovementPlanRow]:
    query = select(ImprovementPlanRow)
    if status is not None:
        query = query.where(ImprovementPlanRow.status == status)
    if published_only:
        query = query.where(ImprovementPlanRow.published.is_(True))
    return list(session.scalars(query.order_by(ImprovementPlanRow.id.desc())))


def update_plan_versioned(
    session: Session, plan_id: int, seen_version: int, values: dict[str, Any]
) -> bool:
    """Apply ``values`` when the plan is still at ``seen_version``; False when it is not."""
    result = session.execute(
        update(ImprovementPlanRow)
        .where(ImprovementPlanRow.id == plan_id, ImprovementPlanRow.version == seen_version)
        .values(**values, version=ImprovementPlanRow.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def milestone_rows(session: Session, plan_id: int) -> list[PlanMilestoneRow]:
    query = select(PlanMilestoneRow).where(PlanMilestoneRow.plan_id == plan_id)
    return list(session.scalars(query.order_by(PlanMilestoneRow.position, PlanMilestoneRow.id)))


def milestone_counts(session: Session) -> dict[int, tuple[int, int]]:
    """plan id -> (milestones done, milestones in all)."""
    rows = session.execute(
        select(
            PlanMilestoneRow.plan_id,
            func.count(PlanMilestoneRow.done_at),
            func.count(),
        ).group_by(PlanMilestoneRow.plan_id)
    )
    return {int(p): (int(done), int(total)) for p, done, total in rows}


def add_milestones(session: Session, plan_id: int, items: Sequence[dict[str, Any]]) -> None:
    start = len(milestone_rows(session, plan_id))
    session.add_all(
        [
            PlanMilestoneRow(plan_id=plan_id, position=start + i, **item)
            for i, item in enumerate(items)
        ]
    )
    session.flush()


def milestone_row(session: Session, milestone_id: int) -> PlanMilestoneRow | None:
    return session.get(PlanMilestoneRow, milestone_id)


def linked_case_rows(session: Session, plan_id: int) -> list[CaseRow]:
    query = (
        select(CaseRow)
        .join(PlanCaseRow, PlanCaseRow.case_id == CaseRow.id)
        .where(PlanCaseRow.plan_id == plan_id)
        .order_by(CaseRow.opened_at.desc())
    )
    return list(session.scalars(query))


def link_cases(session: Session, plan_id: int, case_ids: Sequence[int]) -> list[int]:
    """Link the existing cases among ``case_ids`` (once each); returns the ids linked now."""
    wanted = set(case_ids)
    existing = set(session.scalars(select(CaseRow.id).where(CaseRow.id.in_(wanted))))
    linked = set(
        session.scalars(
            select(PlanCaseRow.case_id).where(
                PlanCaseRow.plan_id == plan_id, PlanCaseRow.case_id.in_(wanted)
            )
        )
    )
    new = sorted(existing - linked)
    session.add_all([PlanCaseRow(plan_id=plan_id, case_id=c, linked_at=utcnow()) for c in new])
    session.flush()
    return new


def unlink_case(session: Session, plan_id: int, case_id: int) -> bool:
    result = session.execute(
        delete(PlanCaseRow).where(PlanCaseRow.plan_id == plan_id, PlanCaseRow.case_id == case_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def case_ids_with_aspect(session: Session, aspect: str, since: datetime) -> list[int]:
    """Cases about ``aspect`` opened since ``since`` (a cluster of cases for a plan)."""
    query = (
        select(CaseRow.id)
        .where(CaseRow.aspect == aspect, CaseRow.opened_at >= since)
        .order_by(CaseRow.opened_at)
    )
    return list(session.scalars(query))


def survey_titles(session: Session) -> dict[int, str]:
    return {int(i): str(t) for i, t in session.execute(select(SurveyRow.id, SurveyRow.title))}


def touchpoint_ids_by_code(session: Session) -> dict[str, int]:
    rows = session.execute(select(TouchpointRow.code, TouchpointRow.id))
    return {str(c): int(i) for c, i in rows}


def channel_ids_by_code(session: Session) -> dict[str, int]:
    return {str(c): int(i) for c, i in session.execute(select(ChannelRow.code, ChannelRow.id))}


def aspect_mention_rows(
    session: Session, aspect: str, since: datetime, until: datetime
) -> list[tuple[datetime, str, str | None, dict[str, Any] | None, int | None]]:
    """(time, label, touchpoint code, customer segments, channel id) of each counted
    mention of ``aspect`` in feedback items with since <= time < until."""
    query = (
        select(
            AspectMentionRow.occurred_at,
            AspectMentionRow.label,
            TouchpointRow.code,
            CustomerRow.segments,
            FeedbackItemRow.channel_id,
        )
        .join(FeedbackItemRow, FeedbackItemRow.id == AspectMentionRow.feedback_id)
        .outerjoin(TouchpointRow, TouchpointRow.id == FeedbackItemRow.touchpoint_id)
        .outerjoin(CustomerRow, CustomerRow.id == FeedbackItemRow.customer_id)
        .where(
            AspectMentionRow.aspect == aspect,
            AspectMentionRow.counted.is_(True),
            AspectMentionRow.occurred_at >= since,
            AspectMentionRow.occurred_at < until,
        )
    )
    return [(t, str(lab), tp, seg, ch) for t, lab, tp, seg, ch in session.execute(query)]
