"""Cases repository (``cases``, ``case_events``, ``routing_rules``).

Every change of a case goes through :func:`update_case_versioned`: one
``UPDATE cases SET …, version = version + 1 WHERE id = :id AND version = :seen``. Of two
agents who read version 4, the first update matches and the second matches no row, so
the service can tell the second agent that someone else changed the case (no lost
update, on SQLite and PostgreSQL alike, without holding locks while a person thinks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from manyi.domain.scope import DepartmentScope
from manyi.storage.scoping import in_scope
from manyi.storage.tables import (
    CaseEventRow,
    CaseRow,
    DepartmentRow,
    RoutingRuleRow,
    UserRow,
)
from manyi.storage.types import utcnow


def insert_case(session: Session, values: dict[str, Any]) -> CaseRow:
    row = CaseRow(**values)
    session.add(row)
    session.flush()
    return row


def case_row(session: Session, case_id: int, *, lock: bool = False) -> CaseRow | None:
    query = select(CaseRow).where(CaseRow.id == case_id)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def update_case_versioned(
    session: Session, case_id: int, seen_version: int, values: dict[str, Any]
) -> bool:
    """Apply ``values`` when the case is still at ``seen_version``; False when it is not."""
    result = session.execute(
        update(CaseRow)
        .where(CaseRow.id == case_id, CaseRow.version == seen_version)
        .values({"updated_at": utcnow(), **values, "version": CaseRow.version + 1})
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def add_case_event(session: Session, **values: Any) -> CaseEventRow:
    row = CaseEventRow(**values)
    session.add(row)
    session.flush()
    return row


def case_events(session: Session, case_id: int) -> list[CaseEventRow]:
    return list(
        session.scalars(
            select(CaseEventRow)
            .where(CaseEventRow.case_id == case_id)
            .order_by(CaseEventRow.at, CaseEventRow.id)
        )
    )


@dataclass(frozen=True)
class CaseFilter:
    states: Sequence[str] = ()
    priorities: Sequence[str] = ()
    department_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    overdue_at: datetime | None = None  # only cases whose resolution is due before this
    customer_id: int | None = None
    response_id: int | None = None
    feedback_id: int | None = None
    query: str = ""


def _conditions(f: CaseFilter, scope: DepartmentScope | None) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = [in_scope(CaseRow.department_id, scope)]
    if f.states:
        out.append(CaseRow.state.in_(list(f.states)))
    if f.priorities:
        out.append(CaseRow.priority.in_(list(f.priorities)))
    if f.department_id is not None:
        out.append(CaseRow.department_id == f.department_id)
    if f.assignee_id is not None:
        out.append(CaseRow.assignee_id == f.assignee_id)
    if f.unassigned:
        out.append(CaseRow.assignee_id.is_(None))
    if f.overdue_at is not None:
        out.append(
            or_(
                and_(CaseRow.resolution_due_at < f.overdue_at, CaseRow.resolved_at.is_(None)),
                and_(
                    CaseRow.first_response_due_at < f.overdue_at,
                    CaseRow.first_responded_at.is_(None),
                ),
            )
        )
        out.append(CaseRow.waiting_since.is_(None))
    for column, value in (
        (CaseRow.customer_id, f.customer_id),
        (CaseRow.response_id, f.response_id),
        (CaseRow.feedback_id, f.feedback_id),
    ):
        if value is not None:
            out.append(column == value)
    if f.query:
        out.append(CaseRow.title.contains(f.query))
    return out


def list_case_rows(
    session: Session,
    f: CaseFilter,
    scope: DepartmentScope | None,
    *,
    limit: int,
    offset: int,
) -> tuple[list[CaseRow], int]:
    conditions = _conditions(f, scope)
    total = session.scalar(select(func.count()).select_from(CaseRow).where(*conditions)) or 0
    rows = session.scalars(
        select(CaseRow)
        .where(*conditions)
        .order_by(CaseRow.priority, CaseRow.resolution_due_at, CaseRow.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


def earlier_case_for(
    session: Session, customer_id: int, aspect: str | None, since: datetime, exclude: int | None
) -> CaseRow | None:
    """The latest case of the same customer on the same aspect opened since ``since``
    (not merged away): the case a new one repeats."""
    query = select(CaseRow).where(
        CaseRow.customer_id == customer_id,
        CaseRow.opened_at >= since,
        CaseRow.merged_into_id.is_(None),
    )
    query = (
        query.where(CaseRow.aspect == aspect) if aspect else query.where(CaseRow.aspect.is_(None))
    )
    if exclude is not None:
        query = query.where(CaseRow.id != exclude)
    return session.scalars(query.order_by(CaseRow.opened_at.desc()).limit(1)).first()


def breached_cases(session: Session, now: datetime) -> list[CaseRow]:
    """Open, not yet escalated, not waiting for the customer, and past a due time."""
    return list(
        session.scalars(
            select(CaseRow)
            .where(
                CaseRow.state.in_(["new", "acknowledged", "in_progress"]),
                CaseRow.escalated_at.is_(None),
                CaseRow.merged_into_id.is_(None),
                or_(
                    CaseRow.resolution_due_at <= now,
                    and_(
                        CaseRow.first_response_due_at <= now,
                        CaseRow.first_responded_at.is_(None),
                    ),
                ),
            )
            .order_by(CaseRow.id)
        )
    )


# --------------------------------------------------------------------------- people


def department_users(session: Session, department_id: int, roles: Sequence[str]) -> list[UserRow]:
    """Active users of a department with one of ``roles``, by id."""
    return list(
        session.scalars(
            select(UserRow)
            .where(
                UserRow.department_id == department_id,
                UserRow.is_active.is_(True),
                UserRow.role.in_(list(roles)),
            )
            .order_by(UserRow.id)
        )
    )


def last_assignment_times(session: Session, user_ids: Sequence[int]) -> dict[int, datetime]:
    """Each user's latest ``assigned_at`` (users never assigned are missing)."""
    if not user_ids:
        return {}
    rows = session.execute(
        select(CaseRow.assignee_id, func.max(CaseRow.assigned_at))
        .where(CaseRow.assignee_id.in_(list(user_ids)))
        .group_by(CaseRow.assignee_id)
    ).all()
    return {uid: at for uid, at in rows if uid is not None and at is not None}


def user_row(session: Session, user_id: int) -> UserRow | None:
    return session.get(UserRow, user_id)


def department_row(session: Session, department_id: int) -> DepartmentRow | None:
    return session.get(DepartmentRow, department_id)


def department_by_code(session: Session, code: str) -> DepartmentRow | None:
    return session.scalars(select(DepartmentRow).where(DepartmentRow.code == code)).first()


def user_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(UserRow.id, UserRow.name, UserRow.email).where(UserRow.id.in_(list(ids)))
    )
    return {uid: name or email for uid, name, email in rows}


def department_names(session: Session) -> dict[int, tuple[str, str, str]]:
    """id → (code, name_zh, name_en) of every department."""
    rows = session.execute(
        select(DepartmentRow.id, DepartmentRow.code, DepartmentRow.name_zh, DepartmentRow.name_en)
    )
    return {did: (code, zh, en or zh) for did, code, zh, en in rows}


# --------------------------------------------------------------------------- routing


def routing_rule_rows(session: Session) -> list[RoutingRuleRow]:
    return list(
        session.scalars(select(RoutingRuleRow).order_by(RoutingRuleRow.position, RoutingRuleRow.id))
    )


def insert_routing_rule(session: Session, values: dict[str, Any]) -> RoutingRuleRow:
    row = RoutingRuleRow(**values)
    session.add(row)
    session.flush()
    return row


def delete_routing_rule(session: Session, rule_id: int) -> bool:
    row = session.get(RoutingRuleRow, rule_id)
    if row is None:
        return False
    session.delete(row)
    return True


def case_workers(session: Session) -> list[tuple[int, str, int | None]]:
    """(id, name or e-mail, department id) of every active agent and manager."""
    rows = session.execute(
        select(UserRow.id, UserRow.name, UserRow.email, UserRow.department_id)
        .where(UserRow.is_active.is_(True), UserRow.role.in_(["agent", "manager"]))
        .order_by(UserRow.name, UserRow.id)
    )
    return [(uid, name or email, dep) for uid, name, email, dep in rows]
