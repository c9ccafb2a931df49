"""Respondent drafts (``survey_drafts``): a respondent's partial answers, found again by the
SHA-256 of the resume token their browser holds, so that the same link resumes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manyi.storage.tables import (
    ChannelRow,
    CustomerRow,
    InvitationRow,
    SurveyDraftRow,
    TouchpointRow,
)
from manyi.storage.types import utcnow


@dataclass(frozen=True)
class Draft:
    """A draft as the respondent service sees it (a copy, detached from the session)."""

    id: int
    survey_id: int
    survey_version: int
    answers: dict[str, Any]
    page: int
    language: str | None
    channel: str | None
    touchpoint: str | None
    started_at: datetime
    response_id: int | None
    invitation_id: int | None = None
    #: The invited customer's id (external code), kept in the draft for the response.
    customer: str | None = None
    #: The quota that screened this respondent out (manyi.storage.quotas), if any.
    screened_out: str | None = None


def _draft(row: SurveyDraftRow, customer: str | None = None) -> Draft:
    return Draft(
        row.id,
        row.survey_id,
        row.survey_version,
        dict(row.answers or {}),
        row.page,
        row.language,
        row.channel,
        row.touchpoint,
        row.started_at,
        row.response_id,
        row.invitation_id,
        customer,
        screened_out=row.screened_out,
    )


def find_draft(session: Session, survey_id: int, resume_hash: str) -> Draft | None:
    """The draft of ``survey_id`` whose resume token hashes to ``resume_hash``, if any."""
    row = session.execute(
        select(SurveyDraftRow).where(
            SurveyDraftRow.resume_hash == resume_hash, SurveyDraftRow.survey_id == survey_id
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    return _draft(row, _invited_customer(session, row.invitation_id))


def _invited_customer(session: Session, invitation_id: int | None) -> str | None:
    """The external id of the customer an invitation was made for, if any."""
    if invitation_id is None:
        return None
    return session.scalar(
        select(CustomerRow.external_id)
        .join(InvitationRow, InvitationRow.customer_id == CustomerRow.id)
        .where(InvitationRow.id == invitation_id)
    )


def add_draft(
    session: Session,
    *,
    survey_id: int,
    survey_version: int,
    resume_hash: str,
    language: str | None,
    channel: str | None,
    touchpoint: str | None,
    invitation_id: int | None = None,
    customer: str | None = None,
) -> Draft:
    row = SurveyDraftRow(
        survey_id=survey_id,
        survey_version=survey_version,
        resume_hash=resume_hash,
        answers={},
        page=0,
        language=language,
        channel=channel,
        touchpoint=touchpoint,
        invitation_id=invitation_id,
    )
    session.add(row)
    session.flush()
    return _draft(row, customer)


def save_draft(
    session: Session, draft_id: int, *, answers: dict[str, Any], page: int, language: str | None
) -> None:
    """Store the answers so far and the page to show next."""
    row = session.get(SurveyDraftRow, draft_id)
    if row is None:
        raise LookupError(f"no draft {draft_id}")
    row.answers = dict(answers)
    row.page = page
    row.language = language
    row.updated_at = utcnow()


def mark_draft_submitted(session: Session, draft_id: int, response_id: int) -> None:
    row = session.get(SurveyDraftRow, draft_id)
    if row is None:
        raise LookupError(f"no draft {draft_id}")
    row.response_id = response_id
    row.updated_at = utcnow()


def known_codes(
    session: Session, channel: str | None, touchpoint: str | None
) -> tuple[str | None, str | None]:
    """``channel`` and ``touchpoint`` where they name a stored channel and touchpoint,
    else None in their place."""
    found_channel = (
        session.scalar(select(ChannelRow.code).where(ChannelRow.code == channel))
        if channel
        else None
    )
    found_touchpoint = (
        session.scalar(select(TouchpointRow.code).where(TouchpointRow.code == touchpoint))
        if touchpoint
        else None
    )
    return found_channel, found_touchpoint
