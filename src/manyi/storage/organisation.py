"""Organisation repository: departments, channels and journey touchpoints, each known by code."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from manyi.storage.insert import insert_ignore
from manyi.storage.tables import ChannelRow, DepartmentRow, TouchpointRow
from manyi.storage.unique import add_unique


def department_id(session: Session, code: str) -> int | None:
    """The id of the department with code ``code``, or None."""
    return session.scalar(select(DepartmentRow.id).where(DepartmentRow.code == code))


def department_ids(session: Session) -> dict[str, int]:
    """code -> id of every department."""
    rows = session.execute(select(DepartmentRow.code, DepartmentRow.id)).all()
    return {str(code): int(i) for code, i in rows}


def department_tree(session: Session) -> dict[int, int | None]:
    """id -> parent id of every department (the tree scoping walks; parent None: a root)."""
    rows = session.execute(select(DepartmentRow.id, DepartmentRow.parent_id)).all()
    return {int(i): (int(p) if p is not None else None) for i, p in rows}


def set_department_parent(session: Session, department: int, parent: int | None) -> None:
    """Put department ``department`` under ``parent`` (None: a root). Callers refuse cycles."""
    session.execute(
        update(DepartmentRow).where(DepartmentRow.id == department).values(parent_id=parent)
    )


def add_department(session: Session, *, code: str, name_zh: str, name_en: str) -> DepartmentRow:
    """Store a department; Conflict when the code is taken."""
    return add_unique(
        session,
        DepartmentRow(code=code, name_zh=name_zh, name_en=name_en),
        f"a department with code {code!r} already exists",
    )


def add_channel(
    session: Session, *, code: str, kind: str, name_zh: str, name_en: str
) -> ChannelRow:
    """Store a channel; Conflict when the code is taken."""
    return add_unique(
        session,
        ChannelRow(code=code, kind=kind, name_zh=name_zh, name_en=name_en),
        f"a channel with code {code!r} already exists",
    )


def add_touchpoint(
    session: Session,
    *,
    code: str,
    stage: str,
    name_zh: str,
    name_en: str,
    department_id: int | None,
) -> TouchpointRow:
    """Store a touchpoint; Conflict when the code is taken."""
    return add_unique(
        session,
        TouchpointRow(
            code=code, stage=stage, name_zh=name_zh, name_en=name_en, department_id=department_id
        ),
        f"a touchpoint with code {code!r} already exists",
    )


def departments(session: Session) -> list[DepartmentRow]:
    """Every department, by code."""
    return list(session.scalars(select(DepartmentRow).order_by(DepartmentRow.code)).all())


def channels(session: Session) -> list[ChannelRow]:
    """Every channel, by code."""
    return list(session.scalars(select(ChannelRow).order_by(ChannelRow.code)).all())


def touchpoints(session: Session) -> list[TouchpointRow]:
    """Every touchpoint, by code."""
    return list(session.scalars(select(TouchpointRow).order_by(TouchpointRow.code)).all())


# Bulk loads (the demo company): rows whose code is already stored are skipped, so a second
# load of the same set-up adds nothing.


def insert_departments(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert departments (dicts of DepartmentRow attributes) whose code is new."""
    insert_ignore(session, DepartmentRow, rows, conflict=("code",))


def insert_channels(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert channels (dicts of ChannelRow attributes) whose code is new."""
    insert_ignore(session, ChannelRow, rows, conflict=("code",))


def insert_touchpoints(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert touchpoints (dicts of TouchpointRow attributes) whose code is new."""
    insert_ignore(session, TouchpointRow, rows, conflict=("code",))
