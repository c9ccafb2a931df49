"""What scorecards, the mechanism-health review and the reports' closed-loop section read:
cases in a period, open cases, cases finished in a period, cases open at a moment,
invitations by channel, and the incentive points ledger (``points_ledger``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from manyi.storage.tables import (
    CaseRow,
    ChannelRow,
    CustomerRow,
    DepartmentRow,
    InvitationRow,
    PointsEntryRow,
    UserRow,
)

OPEN_STATES = ("new", "acknowledged", "in_progress", "waiting_customer")


@dataclass(frozen=True)
class CaseFacts:
    """The columns of one case a scorecard uses."""

    id: int
    department_id: int | None
    assignee_id: int | None
    state: str
    opened_at: datetime
    first_response_due_at: datetime | None
    first_responded_at: datetime | None
    resolution_due_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    reopen_count: int
    post_csat: float | None
    repeat_of_id: int | None


_COLUMNS = (
    CaseRow.id, CaseRow.department_id, CaseRow.assignee_id, CaseRow.state, CaseRow.opened_at,
    CaseRow.first_response_due_at, CaseRow.first_responded_at, CaseRow.resolution_due_at,
    CaseRow.resolved_at, CaseRow.closed_at, CaseRow.reopen_count, CaseRow.post_csat,
    CaseRow.repeat_of_id,
)  # fmt: skip


def _facts(row: Any) -> CaseFacts:
    return CaseFacts(**dict(row._mapping))


def cases_opened_between(session: Session, since: datetime, until: datetime) -> list[CaseFacts]:
    """Cases opened in [since, until), merged duplicates left out (they count once)."""
    query = select(*_COLUMNS).where(
        CaseRow.opened_at >= since, CaseRow.opened_at < until, CaseRow.merged_into_id.is_(None)
    )
    return [_facts(row) for row in session.execute(query)]


def open_cases(session: Session) -> list[CaseFacts]:
    query = select(*_COLUMNS).where(
        CaseRow.state.in_(OPEN_STATES), CaseRow.merged_into_id.is_(None)
    )
    return [_facts(row) for row in session.execute(query)]


def cases_finished_between(
    session: Session, since: datetime, until: datetime
) -> list[tuple[CaseFacts, str | None]]:
    """(case, root-cause code) of the cases that left the open states in [since, until):
    resolved then, or closed then without a resolution; merged duplicates left out."""
    finished = func.coalesce(CaseRow.resolved_at, CaseRow.closed_at)
    query = select(*_COLUMNS, CaseRow.root_cause_code).where(
        finished >= since, finished < until, CaseRow.merged_into_id.is_(None)
    )
    return [(_facts_of(row), row.root_cause_code) for row in session.execute(query)]


def cases_open_at(session: Session, at: datetime) -> list[CaseFacts]:
    """Cases opened before ``at`` and not resolved or closed by then (merged ones left
    out). A case reopened since has lost its old resolution time and counts as open."""
    finished = func.coalesce(CaseRow.resolved_at, CaseRow.closed_at)
    query = select(*_COLUMNS).where(
        CaseRow.opened_at < at,
        CaseRow.merged_into_id.is_(None),
        or_(finished.is_(None), finished >= at),
    )
    return [_facts(row) for row in session.execute(query)]


def _facts_of(row: Any) -> CaseFacts:
    values = dict(row._mapping)
    values.pop("root_cause_code", None)
    return CaseFacts(**values)


def department_labels(session: Session) -> dict[int, tuple[str, str, str]]:
    rows = session.execute(
        select(DepartmentRow.id, DepartmentRow.code, DepartmentRow.name_zh, DepartmentRow.name_en)
    )
    return {int(i): (str(c), str(zh), str(en or zh)) for i, c, zh, en in rows}


def user_labels(session: Session) -> dict[int, tuple[str, int | None]]:
    """user id -> (name or e-mail, department id)."""
    rows = session.execute(select(UserRow.id, UserRow.name, UserRow.email, UserRow.department_id))
    return {int(i): (str(n or e), d) for i, n, e, d in rows}


def invitations_by_channel(
    session: Session, since: datetime, until: datetime
) -> list[tuple[str, str, str, int, int]]:
    """(channel code, name zh, name en, invitations, answered) for invitations made in
    [since, until); invitations without a channel under code ``""``."""
    query = (
        select(
            func.coalesce(ChannelRow.code, ""),
            func.coalesce(ChannelRow.name_zh, ""),
            func.coalesce(ChannelRow.name_en, ""),
            func.count(InvitationRow.id),
            func.count(InvitationRow.response_id),
        )
        .select_from(InvitationRow)
        .outerjoin(ChannelRow, ChannelRow.id == InvitationRow.channel_id)
        .where(InvitationRow.created_at >= since, InvitationRow.created_at < until)
        .group_by(ChannelRow.code, ChannelRow.name_zh, ChannelRow.name_en)
    )
    return [(str(c), str(z), str(e), int(n), int(a)) for c, z, e, n, a in session.execute(query)]


def add_points(session: Session, values: dict[str, Any]) -> PointsEntryRow:
    row = PointsEntryRow(**values)
    session.add(row)
    session.flush()
    return row


def points_balances(session: Session, holder_kind: str) -> dict[int, int]:
    rows = session.execute(
        select(PointsEntryRow.holder_id, func.sum(PointsEntryRow.points))
        .where(PointsEntryRow.holder_kind == holder_kind)
        .group_by(PointsEntryRow.holder_id)
    )
    return {int(h): int(p or 0) for h, p in rows}


def points_entries(
    session: Session,
    *,
    holder_kind: str | None = None,
    holder_id: int | None = None,
    limit: int = 100,
) -> list[PointsEntryRow]:
    query = select(PointsEntryRow)
    if holder_kind is not None:
        query = query.where(PointsEntryRow.holder_kind == holder_kind)
    if holder_id is not None:
        query = query.where(PointsEntryRow.holder_id == holder_id)
    return list(session.scalars(query.order_by(PointsEntryRow.id.desc()).limit(limit)))


def holder_exists(session: Session, holder_kind: str, holder_id: int) -> bool:
    table = {"customer": CustomerRow, "department": DepartmentRow, "user": UserRow}[holder_kind]
    return session.get(table, holder_id) is not None
