"""Listing and filtering stored responses and feedback items (paginated), as a
:class:`~manyi.domain.scope.Reader` may see them: only their departments' rows (another
department's row answers 404, as if it did not exist), personal data unmasked only with
the permission, and each item shown with personal data recorded in the audit log
(:mod:`manyi.storage.personal_views`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from manyi.domain.scope import SYSTEM, Reader
from manyi.errors import InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.feedback import feedback_by_id, feedback_page
from manyi.storage.personal_views import record_personal_data_views
from manyi.storage.references import Codes, codes
from manyi.storage.responses import response_by_id, response_page
from manyi.storage.scoping import touchpoint_department
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
    reader: Reader = SYSTEM,
) -> Page:
    """A page of a survey's responses in the reader's departments, newest first (raw open
    answers for a reader with personal data)."""
    _check_page(limit, offset)
    with db.session() as s:
        if survey_row(s, survey_id) is None:
            raise NotFound(f"no survey with id {survey_id}")
        rows, count = response_page(
            s,
            survey_id,
            since=since,
            until=until,
            flagged=flagged,
            limit=limit,
            offset=offset,
            scope=reader.scope,
        )
        maps = codes(s)
        _audit_responses(s, reader, rows)
        return Page(
            [_response_dict(r, maps, reader.personal_data) for r in rows], count, limit, offset
        )


def _audit_responses(s: Session, reader: Reader, rows: list[ResponseRow]) -> None:
    # Only responses whose originals differ from the stored redacted text show personal data.
    shown = [r.id for r in rows if r.raw_answers]
    record_personal_data_views(s, reader, "response", shown)


def get_response(db: Database, response_id: int, *, reader: Reader = SYSTEM) -> dict[str, Any]:
    """One response; NotFound also when it lies outside the reader's departments."""
    with db.session() as s:
        row = response_by_id(s, response_id)
        if row is None or not reader.scope.allows(touchpoint_department(s, row.touchpoint_id)):
            raise NotFound(f"no response with id {response_id}")
        _audit_responses(s, reader, [row])
        return _response_dict(row, codes(s), reader.personal_data)


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
    reader: Reader = SYSTEM,
) -> Page:
    """A page of the feedback items of the reader's departments, newest first (the
    original texts for a reader with personal data)."""
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
            scope=reader.scope,
        )
        maps = codes(s)
        _audit_feedback(s, reader, rows)
        return Page(
            [_feedback_dict(r, maps, reader.personal_data) for r in rows], count, limit, offset
        )


def _audit_feedback(s: Session, reader: Reader, rows: list[FeedbackItemRow]) -> None:
    record_personal_data_views(s, reader, "feedback", [r.id for r in rows if r.raw_text])


def get_feedback(db: Database, feedback_id: int, *, reader: Reader = SYSTEM) -> dict[str, Any]:
    """One feedback item; NotFound also when it lies outside the reader's departments."""
    with db.session() as s:
        row = feedback_by_id(s, feedback_id)
        if row is None or not reader.scope.allows(row.department_id):
            raise NotFound(f"no feedback item with id {feedback_id}")
        _audit_feedback(s, reader, [row])
        return _feedback_dict(row, codes(s), reader.personal_data)
