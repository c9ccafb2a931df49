"""The organisation's set-up: departments, channels and journey touchpoints (all by code)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from manyi.domain.enums import ChannelKind, JourneyStage
from manyi.errors import Conflict, InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.tables import ChannelRow, DepartmentRow, TouchpointRow


@dataclass(frozen=True)
class Entry:
    code: str
    kind: str
    name_zh: str
    name_en: str
    department: str | None = None


def _choice(value: str, enum: type[ChannelKind] | type[JourneyStage], what: str) -> str:
    try:
        return enum(value).value
    except ValueError:
        raise InvalidInput(
            f"unknown {what} {value!r}; use one of {', '.join(e.value for e in enum)}"
        ) from None


def create_channel(db: Database, code: str, kind: str, name_zh: str, name_en: str = "") -> Entry:
    kind = _choice(kind, ChannelKind, "channel kind")
    with db.session() as s:
        s.add(ChannelRow(code=code, kind=kind, name_zh=name_zh, name_en=name_en or name_zh))
        try:
            s.flush()
        except IntegrityError:
            raise Conflict(f"a channel with code {code!r} already exists") from None
    return Entry(code, kind, name_zh, name_en or name_zh)


def create_touchpoint(
    db: Database,
    code: str,
    stage: str,
    name_zh: str,
    name_en: str = "",
    department: str | None = None,
) -> Entry:
    stage = _choice(stage, JourneyStage, "journey stage")
    with db.session() as s:
        department_id = None
        if department:
            department_id = s.scalar(
                select(DepartmentRow.id).where(DepartmentRow.code == department)
            )
            if department_id is None:
                raise NotFound(f"no department with code {department!r}")
        s.add(
            TouchpointRow(
                code=code,
                stage=stage,
                name_zh=name_zh,
                name_en=name_en or name_zh,
                department_id=department_id,
            )
        )
        try:
            s.flush()
        except IntegrityError:
            raise Conflict(f"a touchpoint with code {code!r} already exists") from None
    return Entry(code, stage, name_zh, name_en or name_zh, department)


def list_organisation(db: Database) -> dict[str, list[Entry]]:
    """Departments, channels and touchpoints, each sorted by code."""
    with db.session() as s:
        departments = {d.id: d.code for d in s.scalars(select(DepartmentRow))}
        return {
            "departments": [
                Entry(d.code, "department", d.name_zh, d.name_en)
                for d in s.scalars(select(DepartmentRow).order_by(DepartmentRow.code))
            ],
            "channels": [
                Entry(c.code, c.kind, c.name_zh, c.name_en)
                for c in s.scalars(select(ChannelRow).order_by(ChannelRow.code))
            ],
            "touchpoints": [
                Entry(
                    t.code,
                    t.stage,
                    t.name_zh,
                    t.name_en,
                    departments.get(t.department_id) if t.department_id else None,
                )
                for t in s.scalars(select(TouchpointRow).order_by(TouchpointRow.code))
            ],
        }
