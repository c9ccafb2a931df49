"""Report schedules and their runs (``report_schedules``, ``report_runs``).

A run is claimed by inserting the (schedule, period) row: the unique constraint lets
one of two racing workers have it, so a period's report is sent once. A failed run is
claimed again by a conditional UPDATE (``status = 'failed' AND attempts < limit``).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from manyi.storage.insert import insert_ignore
from manyi.storage.tables import DepartmentRow, ReportRunRow, ReportScheduleRow


def add_schedule(session: Session, **values: Any) -> ReportScheduleRow:
    row = ReportScheduleRow(**values)
    session.add(row)
    session.flush()
    return row


def schedule_row(session: Session, schedule_id: int) -> ReportScheduleRow | None:
    return session.get(ReportScheduleRow, schedule_id)


def schedule_rows(
    session: Session, department_ids: Collection[int] | None = None
) -> list[ReportScheduleRow]:
    """Every schedule, newest first; with ``department_ids``, only those departments'
    schedules (a department-scoped user sees no company schedules)."""
    query = select(ReportScheduleRow).order_by(ReportScheduleRow.id.desc())
    if department_ids is not None:
        query = query.where(ReportScheduleRow.department_id.in_(list(department_ids)))
    return list(session.scalars(query))


def set_schedule_active(session: Session, schedule_id: int, active: bool, at: datetime) -> bool:
    """Pause or resume; False when there is no such schedule."""
    result = session.execute(
        update(ReportScheduleRow)
        .where(ReportScheduleRow.id == schedule_id)
        .values(active=active, updated_at=at)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def due_schedule_ids(session: Session, now: datetime) -> list[int]:
    """Active schedules whose next run time has come, oldest due first."""
    query = (
        select(ReportScheduleRow.id)
        .where(ReportScheduleRow.active.is_(True), ReportScheduleRow.next_run_at <= now)
        .order_by(ReportScheduleRow.next_run_at, ReportScheduleRow.id)
    )
    return [int(i) for i in session.scalars(query)]


def advance_schedule(
    session: Session, schedule_id: int, due: datetime, following: datetime
) -> bool:
    """Move the schedule from ``due`` to ``following``; False when another worker moved
    it already (the condition on the old time makes the move happen once)."""
    result = session.execute(
        update(ReportScheduleRow)
        .where(ReportScheduleRow.id == schedule_id, ReportScheduleRow.next_run_at == due)
        .values(next_run_at=following)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def claim_run(
    session: Session,
    schedule_id: int,
    period_start: datetime,
    period_end: datetime,
    now: datetime,
    *,
    max_attempts: int,
) -> int | None:
    """Claim the report of one schedule and period; the run id, or None when it is sent,
    being sent, or failed ``max_attempts`` times already."""
    inserted = insert_ignore(
        session,
        ReportRunRow,
        [
            {
                "schedule_id": schedule_id,
                "period_start": period_start,
                "period_end": period_end,
                "status": "claimed",
                "attempts": 1,
                "started_at": now,
            }
        ],
        conflict=("schedule_id", "period_start"),
        returning=(ReportRunRow.id,),
    )
    if inserted:
        return int(inserted[0][0])
    retry = (
        update(ReportRunRow)
        .where(
            ReportRunRow.schedule_id == schedule_id,
            ReportRunRow.period_start == period_start,
            ReportRunRow.status == "failed",
            ReportRunRow.attempts < max_attempts,
        )
        .values(status="claimed", attempts=ReportRunRow.attempts + 1, started_at=now)
        .returning(ReportRunRow.id)
    )
    again = session.scalar(retry)
    return int(again) if again is not None else None


def failed_runs(session: Session, max_attempts: int) -> list[tuple[int, datetime]]:
    """(schedule id, period start) of failed runs that may be tried again."""
    query = (
        select(ReportRunRow.schedule_id, ReportRunRow.period_start)
        .join(ReportScheduleRow, ReportScheduleRow.id == ReportRunRow.schedule_id)
        .where(
            ReportRunRow.status == "failed",
            ReportRunRow.attempts < max_attempts,
            ReportScheduleRow.active.is_(True),
        )
        .order_by(ReportRunRow.id)
    )
    return [(int(s), p) for s, p in session.execute(query).all()]


def finish_run(session: Session, run_id: int, **values: Any) -> None:
    session.execute(update(ReportRunRow).where(ReportRunRow.id == run_id).values(**values))


def run_rows(
    session: Session, schedule_ids: Collection[int] | None = None, *, limit: int = 50
) -> list[ReportRunRow]:
    """The latest runs, newest first (of ``schedule_ids`` only, when given)."""
    query = select(ReportRunRow).order_by(ReportRunRow.id.desc()).limit(limit)
    if schedule_ids is not None:
        query = query.where(ReportRunRow.schedule_id.in_(list(schedule_ids)))
    return list(session.scalars(query))


def run_row(session: Session, run_id: int) -> ReportRunRow | None:
    return session.get(ReportRunRow, run_id)


def department_row(session: Session, department_id: int) -> DepartmentRow | None:
    return session.get(DepartmentRow, department_id)


def department_by_code(session: Session, code: str) -> DepartmentRow | None:
    return session.scalar(select(DepartmentRow).where(DepartmentRow.code == code))


def department_rows(session: Session, ids: Collection[int] | None = None) -> list[DepartmentRow]:
    """Departments by code (only ``ids`` when given)."""
    query = select(DepartmentRow).order_by(DepartmentRow.code)
    if ids is not None:
        query = query.where(and_(DepartmentRow.id.in_(list(ids))))
    return list(session.scalars(query))
