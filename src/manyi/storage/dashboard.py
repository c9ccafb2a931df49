"""What the overview dashboard reads besides the rollups (:mod:`manyi.storage.rollups`):
the names behind filter codes, and the drill-down page of responses behind a number.

The drill-down applies the same filters as the rollups (the same definitions: a
response's department is its touchpoint's, segments are the customer's ``segments``,
the language its first 8 characters, quality ≤ 1 with flagged ones only on request), so
the count it shows equals the number it was opened from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from manyi.storage.tables import (
    AnswerRow,
    ChannelRow,
    CustomerRow,
    DepartmentRow,
    ResponseRow,
    TouchpointRow,
)


@dataclass(frozen=True)
class Named:
    id: int
    code: str
    name_zh: str
    name_en: str
    #: A touchpoint's department (None for the others).
    department_id: int | None = None


@dataclass(frozen=True)
class Directory:
    """Departments, touchpoints and channels by id (small tables, read whole)."""

    departments: dict[int, Named]
    touchpoints: dict[int, Named]
    channels: dict[int, Named]

    def find(self, kind: str, code: str) -> Named | None:
        table = {"department": self.departments, "touchpoint": self.touchpoints}.get(
            kind, self.channels
        )
        return next((n for n in table.values() if n.code == code), None)


def directory(session: Session) -> Directory:
    departments = {
        r.id: Named(r.id, r.code, r.name_zh, r.name_en or r.code)
        for r in session.scalars(select(DepartmentRow))
    }
    touchpoints = {
        r.id: Named(r.id, r.code, r.name_zh, r.name_en or r.code, r.department_id)
        for r in session.scalars(select(TouchpointRow))
    }
    channels = {
        r.id: Named(r.id, r.code, r.name_zh, r.name_en or r.code)
        for r in session.scalars(select(ChannelRow))
    }
    return Directory(departments, touchpoints, channels)


@dataclass(frozen=True)
class DrillFilters:
    """The responses behind a number: survey → questions answered with a value in
    ``low``..``high`` (None: any value), in ``start``..``end`` (UTC days, both included)."""

    questions: dict[int, tuple[str, ...]]
    start: date
    end: date
    low: float | None = None
    high: float | None = None
    #: None: every touchpoint; else only these (the scope, department and touchpoint
    #: filters already intersected by the service).
    touchpoint_ids: frozenset[int] | None = None
    channel_id: int | None = None
    language: str | None = None
    segments: tuple[tuple[str, str], ...] = ()
    include_flagged: bool = False


def _segment(key: str) -> Any:
    # '' when absent, as the rollups store it (a segment filter never matches "absent").
    return func.coalesce(CustomerRow.segments[key].as_string(), "")


def _conditions(f: DrillFilters) -> list[ColumnElement[bool]]:
    start = datetime(f.start.year, f.start.month, f.start.day)
    until = datetime(f.end.year, f.end.month, f.end.day) + timedelta(days=1)
    out: list[ColumnElement[bool]] = [
        ResponseRow.submitted_at >= start,
        ResponseRow.submitted_at < until,
        ResponseRow.quality <= (1 if f.include_flagged else 0),
    ]
    if f.touchpoint_ids is not None:
        out.append(
            ResponseRow.touchpoint_id.in_(sorted(f.touchpoint_ids)) if f.touchpoint_ids else false()
        )
    if f.channel_id is not None:
        out.append(ResponseRow.channel_id == f.channel_id)
    if f.language is not None:
        out.append(func.substr(ResponseRow.language, 1, 8) == f.language)
    for key, value in f.segments:
        out.append(_segment(key) == value)
    answered = []
    for survey_id, questions in sorted(f.questions.items()):
        value_ok: ColumnElement[bool] = AnswerRow.value.is_not(None)
        if f.low is not None:
            value_ok = and_(value_ok, AnswerRow.value >= f.low)
        if f.high is not None:
            value_ok = and_(value_ok, AnswerRow.value <= f.high)
        answered.append(
            and_(
                ResponseRow.survey_id == survey_id,
                exists().where(
                    AnswerRow.response_id == ResponseRow.id,
                    AnswerRow.question.in_(questions),
                    AnswerRow.item == "",
                    AnswerRow.quality <= (1 if f.include_flagged else 0),
                    value_ok,
                ),
            )
        )
    out.append(or_(*answered) if answered else false())
    return out


@dataclass(frozen=True)
class DrillRow:
    response: ResponseRow
    customer_name: str | None
    segments: dict[str, Any]
    #: question -> value of the drilled questions.
    values: dict[str, float]


def drill_page(
    session: Session, f: DrillFilters, *, limit: int, offset: int
) -> tuple[list[DrillRow], int]:
    """A page of the responses behind a number (newest first) and how many there are."""
    conditions = _conditions(f)
    base = select(ResponseRow).outerjoin(CustomerRow, CustomerRow.id == ResponseRow.customer_id)
    count = int(
        session.scalar(
            select(func.count())
            .select_from(ResponseRow)
            .outerjoin(CustomerRow, CustomerRow.id == ResponseRow.customer_id)
            .where(*conditions)
        )
        or 0
    )
    rows = list(
        session.execute(
            base.add_columns(CustomerRow.name, CustomerRow.segments)
            .where(*conditions)
            .order_by(ResponseRow.submitted_at.desc(), ResponseRow.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
    )
    ids = [r[0].id for r in rows]
    values: dict[int, dict[str, float]] = {i: {} for i in ids}
    wanted = {q for qs in f.questions.values() for q in qs}
    if ids:
        for response_id, question, value in session.execute(
            select(AnswerRow.response_id, AnswerRow.question, AnswerRow.value).where(
                AnswerRow.response_id.in_(ids),
                AnswerRow.question.in_(sorted(wanted)),
                AnswerRow.item == "",
                AnswerRow.value.is_not(None),
            )
        ).all():
            if value is not None:
                values[int(response_id)][str(question)] = float(value)
    return [DrillRow(r[0], r[1], dict(r[2] or {}), values.get(r[0].id, {})) for r in rows], count
