"""Listing and filtering stored responses and feedback items (paginated)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from manyi.errors import InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.tables import (
    ChannelRow,
    DepartmentRow,
    FeedbackItemRow,
    ResponseRow,
    SurveyRow,
    TouchpointRow,
)

MAX_PAGE = 500


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    count: int
    limit: int
    offset: int


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    if offset < 0:
        raise InvalidInput("offset must not be negative")


def _page(s: Session, query: Select[Any], limit: int, offset: int) -> tuple[list[Any], int]:
    count = s.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return list(s.execute(query.limit(limit).offset(offset)).all()), count


def _codes(s: Session) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    channels = dict(s.execute(select(ChannelRow.id, ChannelRow.code)).all())
    touchpoints = dict(s.execute(select(TouchpointRow.id, TouchpointRow.code)).all())
    departments = dict(s.execute(select(DepartmentRow.id, DepartmentRow.code)).all())
    return channels, touchpoints, departments


def _response_dict(
    r: ResponseRow, channels: dict[int, str], touchpoints: dict[int, str], personal_data: bool
) -> dict[str, Any]:
    # Open answers are stored redacted; roles allowed to see personal data get the originals.
    answers = {**r.answers, **(r.raw_answers or {})} if personal_data else r.answers
    return {
        "id": r.id,
        "survey_id": r.survey_id,
        "survey_version": r.survey_version,
        "customer_id": r.customer_id,
        "channel": channels.get(r.channel_id) if r.channel_id else None,
        "touchpoint": touchpoints.get(r.touchpoint_id) if r.touchpoint_id else None,
        "started_at": r.started_at,
        "submitted_at": r.submitted_at,
        "language": r.language,
        "answers": answers,
        "metadata": r.meta,
        "quality_flags": list(r.quality_flags or []),
        "source": r.source,
    }


def list_responses(
    db: Database,
    survey_id: int,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    flagged: bool | None = None,
    limit: int = 100,
    offset: int = 0,
    personal_data: bool = False,
) -> Page:
    """A page of a survey's responses, newest first; ``personal_data``: show raw open answers."""
    _check_page(limit, offset)
    with db.session() as s:
        if s.get(SurveyRow, survey_id) is None:
            raise NotFound(f"no survey with id {survey_id}")
        query = select(ResponseRow).where(ResponseRow.survey_id == survey_id)
        if since:
            query = query.where(ResponseRow.submitted_at >= since)
        if until:
            query = query.where(ResponseRow.submitted_at < until)
        if flagged is not None:
            length = (
                func.jsonb_array_length
                if s.get_bind().dialect.name == "postgresql"
                else func.json_array_length
            )
            n_flags = length(ResponseRow.quality_flags)
            query = query.where(n_flags > 0 if flagged else n_flags == 0)
        rows, count = _page(
            s, query.order_by(ResponseRow.submitted_at.desc(), ResponseRow.id.desc()), limit, offset
        )
        channels, touchpoints, _ = _codes(s)
        return Page(
            [_response_dict(r[0], channels, touchpoints, personal_data) for r in rows],
            count,
            limit,
            offset,
        )


def get_response(db: Database, response_id: int, *, personal_data: bool = False) -> dict[str, Any]:
    with db.session() as s:
        row = s.get(ResponseRow, response_id)
        if row is None:
            raise NotFound(f"no response with id {response_id}")
        channels, touchpoints, _ = _codes(s)
        return _response_dict(row, channels, touchpoints, personal_data)


def _feedback_dict(
    f: FeedbackItemRow,
    channels: dict[int, str],
    touchpoints: dict[int, str],
    departments: dict[int, str],
    personal_data: bool,
) -> dict[str, Any]:
    # The text is stored redacted; roles allowed to see personal data get the original.
    return {
        "id": f.id,
        "kind": f.kind,
        "text": f.raw_text if personal_data and f.raw_text else f.text,
        "rating": f.rating,
        "customer_id": f.customer_id,
        "channel": channels.get(f.channel_id) if f.channel_id else None,
        "touchpoint": touchpoints.get(f.touchpoint_id) if f.touchpoint_id else None,
        "department": departments.get(f.department_id) if f.department_id else None,
        "occurred_at": f.occurred_at,
        "source": f.source,
        "external_id": f.external_id,
        "is_duplicate": f.is_duplicate,
        "language": f.language,
        "sentiment_label": f.sentiment_label,
        "sentiment_score": f.sentiment_score,
        "aspects": f.aspects,
        "redacted_text": f.redacted_text,
    }


def list_feedback(
    db: Database,
    *,
    kind: str | None = None,
    department: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    q: str | None = None,
    limit: int = 100,
    offset: int = 0,
    personal_data: bool = False,
) -> Page:
    """A page of feedback items, newest first; ``personal_data``: show the original texts."""
    _check_page(limit, offset)
    with db.session() as s:
        query = select(FeedbackItemRow)
        if kind:
            query = query.where(FeedbackItemRow.kind == kind)
        if department:
            dep = aliased(DepartmentRow)
            query = query.join(dep, dep.id == FeedbackItemRow.department_id).where(
                dep.code == department
            )
        if since:
            query = query.where(FeedbackItemRow.occurred_at >= since)
        if until:
            query = query.where(FeedbackItemRow.occurred_at < until)
        if q:
            escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(FeedbackItemRow.text.like(f"%{escaped}%", escape="\\"))
        rows, count = _page(
            s,
            query.order_by(FeedbackItemRow.occurred_at.desc(), FeedbackItemRow.id.desc()),
            limit,
            offset,
        )
        maps = _codes(s)
        return Page(
            [_feedback_dict(r[0], *maps, personal_data) for r in rows], count, limit, offset
        )


def get_feedback(db: Database, feedback_id: int, *, personal_data: bool = False) -> dict[str, Any]:
    with db.session() as s:
        row = s.get(FeedbackItemRow, feedback_id)
        if row is None:
            raise NotFound(f"no feedback item with id {feedback_id}")
        return _feedback_dict(row, *_codes(s), personal_data)
