"""The organisation's set-up: departments, channels and journey touchpoints (all by code)."""

from __future__ import annotations

from dataclasses import dataclass

from manyi.domain.enums import ChannelKind, JourneyStage
from manyi.errors import InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.organisation import (
    add_channel,
    add_touchpoint,
    channels,
    department_id,
    departments,
    touchpoints,
)


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
        add_channel(s, code=code, kind=kind, name_zh=name_zh, name_en=name_en or name_zh)
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
        dep_id = None
        if department:
            dep_id = department_id(s, department)
            if dep_id is None:
                raise NotFound(f"no department with code {department!r}")
        add_touchpoint(
            s,
            code=code,
            stage=stage,
            name_zh=name_zh,
            name_en=name_en or name_zh,
            department_id=dep_id,
        )
    return Entry(code, stage, name_zh, name_en or name_zh, department)


def list_organisation(db: Database) -> dict[str, list[Entry]]:
    """Departments, channels and touchpoints, each sorted by code."""
    with db.session() as s:
        deps = departments(s)
        code_of = {d.id: d.code for d in deps}
        return {
            "departments": [Entry(d.code, "department", d.name_zh, d.name_en) for d in deps],
            "channels": [Entry(c.code, c.kind, c.name_zh, c.name_en) for c in channels(s)],
            "touchpoints": [
                Entry(
                    t.code,
                    t.stage,
                    t.name_zh,
                    t.name_en,
                    code_of.get(t.department_id) if t.department_id else None,
                )
                for t in touchpoints(s)
            ],
        }
