"""Listing and filtering stored responses and feedback items (paginated)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from manyi.errors import InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.feedback import feedback_by_id, feedback_page
from manyi.storage.references import Codes, codes
from manyi.storage.responses import response_by_id, response_page
from manyi.storage.surveys import survey_row
from manyi.storage.tables import FeedbackItemRow, ResponseRow

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


def _response_dict(r: ResponseRow, refs: Codes, personal_data: bool) -> dict[str, Any]:
    # Open answers are stored redacted; roles allowed to see personal data get the originals.
    answers = {**r.answers, **(r.raw_answers or {})} if personal_data else r.answers
    return {
        "id": r.id,
        "survey_id": r.survey_id,
        "survey_version": r.survey_version,
        "customer_id": r.customer_id,
        "channel": refs.channels.get(r.channel_id) if r.channel_id else None,
        "touchpoint": refs.touchpoints.get(r.touchpoint_id) if r.touchpoint_id else None,
        "started_at": r.started_at,
        "submitted_at": r.submitted_at,
        "language": r.language,
        "answers": answers,
        "metadata": r.meta,
        "quality_flags": list(r.quality_flags or []),
        "source": r.source,
        "excluded": r.excluded,
        "incentivised": r.incentivised,
        "consent": bool(r.consent),
        "consent_version": r.consent_version,
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
        if survey_row(s, survey_id) is None:
            raise NotFound(f"no survey with id {survey_id}")
        rows, count = response_page(
            s, survey_id, since=since, until=until, flagged=flagged, limit=limit, offset=offset
        )
        maps = codes(s)
        return Page([_response_dict(r, maps, personal_data) for r in rows], count, limit, offset)


def get_response(db: Database, response_id: int, *, personal_data: bool = False) -> dict[str, Any]:
    with db.session() as s:
        row = response_by_id(s, response_id)
        if row is None:
            raise NotFound(f"no response with id {response_id}")
        return _response_dict(row, codes(s), personal_data)


def _feedback_dict(f: FeedbackItemRow, refs: Codes, personal_data: bool) -> dict[str, Any]:
    # The text is stored redacted; roles allowed to see personal data get the original.
    return {
        "id": f.id,
        "kind": f.kind,
        "text": f.raw_text if personal_data and f.raw_text else f.text,
        "rating": f.rating,
        "customer_id": f.customer_id,
        "channel": refs.channels.get(f.channel_id) if f.channel_id else None,
        "touchpoint": refs.touchpoints.get(f.touchpoint_id) if f.touchpoint_id else None,
        "department": refs.departments.get(f.department_id) if f.department_id else None,
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
        rows, count = feedback_page(
            s,
            kind=kind,
            department=department,
            since=since,
            until=until,
            q=q,
            limit=limit,
            offset=offset,
        )
        maps = codes(s)
        return Page([_feedback_dict(r, maps, personal_data) for r in rows], count, limit, offset)


def get_feedback(db: Database, feedback_id: int, *, personal_data: bool = False) -> dict[str, Any]:
    with db.session() as s:
        row = feedback_by_id(s, feedback_id)
        if row is None:
            raise NotFound(f"no feedback item with id {feedback_id}")
        return _feedback_dict(row, codes(s), personal_data)
