"""Privacy repository: consent texts, one customer's data (export and erasure), and the
retention purge of a survey's old responses, drafts and invitations.

Deletes name every child table explicitly (mentions, enrichments, answers, drafts,
invitations) instead of relying on ``ON DELETE CASCADE``, so the counts are known and
the result is the same whether or not SQLite's foreign keys are on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.orm import Session

from manyi.domain.privacy import consent_text_hash
from manyi.storage.insert import insert_ignore
from manyi.storage.rollups import refresh_buckets, refresh_responses, response_buckets
from manyi.storage.tables import (
    AnswerEnrichmentRow,
    AnswerRow,
    AspectMentionRow,
    ChannelRow,
    ConsentTextRow,
    CustomerRow,
    FeedbackItemRow,
    InvitationRow,
    ResponseRow,
    SurveyDraftRow,
    SurveyRow,
    TouchpointRow,
)

# --------------------------------------------------------------------------- consent texts


def store_consent_text(session: Session, text: str) -> str:
    """Store ``text`` once (keyed by its SHA-256) and return the key."""
    digest = consent_text_hash(text)
    insert_ignore(session, ConsentTextRow, [{"sha256": digest, "text": text}], conflict=("sha256",))
    return digest


def consent_text(session: Session, digest: str) -> str | None:
    """The consent text stored under ``digest``, or None."""
    return session.scalar(select(ConsentTextRow.text).where(ConsentTextRow.sha256 == digest))


def set_draft_consent(
    session: Session, draft_id: int, *, version: str | None, text_hash: str | None
) -> None:
    """Record (or withdraw, with None) the consent given in a respondent's draft."""
    session.execute(
        update(SurveyDraftRow)
        .where(SurveyDraftRow.id == draft_id)
        .values(consent_version=version, consent_text_hash=text_hash)
        .execution_options(synchronize_session=False)
    )


def draft_consent(session: Session, draft_id: int) -> tuple[str | None, str | None]:
    """(version, text hash) of the consent given in a draft; (None, None) when none."""
    row = session.execute(
        select(SurveyDraftRow.consent_version, SurveyDraftRow.consent_text_hash).where(
            SurveyDraftRow.id == draft_id
        )
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)


# --------------------------------------------------------------------------- one customer


def customer_exists(session: Session, external_id: str) -> bool:
    return (
        session.scalar(select(CustomerRow.id).where(CustomerRow.external_id == external_id))
        is not None
    )


def customer_summary(session: Session, external_id: str) -> dict[str, Any] | None:
    """One customer's row and how many responses, feedback items and invitations name
    them; None when unknown."""
    row = session.scalar(select(CustomerRow).where(CustomerRow.external_id == external_id))
    if row is None:
        return None
    return {
        "external_id": row.external_id,
        "name": row.name,
        "phone": row.phone,
        "email": row.email,
        "segments": dict(row.segments or {}),
        "consent_contact": bool(row.consent_contact),
        "consent_research": bool(row.consent_research),
        "created_at": row.created_at,
        "responses": _count(session, ResponseRow, ResponseRow.customer_id == row.id),
        "feedback_items": _count(session, FeedbackItemRow, FeedbackItemRow.customer_id == row.id),
        "invitations": _count(session, InvitationRow, InvitationRow.customer_id == row.id),
    }


def customer_data(session: Session, external_id: str) -> dict[str, Any] | None:
    """Everything stored about one customer, as plain JSON-able values; None when unknown.

    Responses carry their answers as stored and the originals of redacted open answers
    (``raw_answers``): the export is for the person the data is about.
    """
    customer = session.scalar(select(CustomerRow).where(CustomerRow.external_id == external_id))
    if customer is None:
        return None
    channels: dict[int, str] = dict(session.execute(select(ChannelRow.id, ChannelRow.code)).all())
    touchpoints: dict[int, str] = dict(
        session.execute(select(TouchpointRow.id, TouchpointRow.code)).all()
    )
    responses = session.scalars(
        select(ResponseRow).where(ResponseRow.customer_id == customer.id).order_by(ResponseRow.id)
    ).all()
    texts = _consent_texts(session, {r.consent_text_hash for r in responses})
    feedback = session.scalars(
        select(FeedbackItemRow)
        .where(FeedbackItemRow.customer_id == customer.id)
        .order_by(FeedbackItemRow.id)
    ).all()
    invitations = session.scalars(
        select(InvitationRow)
        .where(InvitationRow.customer_id == customer.id)
        .order_by(InvitationRow.id)
    ).all()
    drafts = session.scalars(
        select(SurveyDraftRow)
        .where(SurveyDraftRow.invitation_id.in_([i.id for i in invitations]))
        .order_by(SurveyDraftRow.id)
    ).all()
    return {
        "customer": {
            "external_id": customer.external_id,
            "name": customer.name,
            "phone": customer.phone,
            "email": customer.email,
            "segments": dict(customer.segments or {}),
            "consent_contact": bool(customer.consent_contact),
            "consent_research": bool(customer.consent_research),
            "created_at": customer.created_at,
        },
        "responses": [
            {
                "id": r.id,
                "survey_id": r.survey_id,
                "survey_version": r.survey_version,
                "channel": channels.get(r.channel_id) if r.channel_id else None,
                "touchpoint": touchpoints.get(r.touchpoint_id) if r.touchpoint_id else None,
                "started_at": r.started_at,
                "submitted_at": r.submitted_at,
                "language": r.language,
                "answers": dict(r.answers or {}),
                "raw_answers": dict(r.raw_answers) if r.raw_answers else None,
                "metadata": dict(r.meta or {}),
                "consent": bool(r.consent),
                "consent_version": r.consent_version,
                "source": r.source,
            }
            for r in responses
        ],
        "feedback_items": [
            {
                "id": f.id,
                "kind": f.kind,
                "text": f.raw_text or f.text,
                "rating": f.rating,
                "channel": channels.get(f.channel_id) if f.channel_id else None,
                "touchpoint": touchpoints.get(f.touchpoint_id) if f.touchpoint_id else None,
                "occurred_at": f.occurred_at,
                "source": f.source,
                "external_id": f.external_id,
                "metadata": dict(f.meta or {}),
                "sentiment_label": f.sentiment_label,
                "aspects": f.aspects,
            }
            for f in feedback
        ],
        "invitations": [
            {
                "id": i.id,
                "survey_id": i.survey_id,
                "created_at": i.created_at,
                "expires_at": i.expires_at,
                "answered_at": i.answered_at,
                "response_id": i.response_id,
                "metadata": dict(i.meta or {}),
            }
            for i in invitations
        ],
        "drafts": [
            {
                "id": d.id,
                "survey_id": d.survey_id,
                "answers": dict(d.answers or {}),
                "started_at": d.started_at,
                "updated_at": d.updated_at,
                "response_id": d.response_id,
            }
            for d in drafts
        ],
        "consents": [
            {
                "response_id": r.id,
                "survey_id": r.survey_id,
                "given": bool(r.consent),
                "version": r.consent_version,
                "text": texts.get(r.consent_text_hash) if r.consent_text_hash else None,
                "at": r.submitted_at,
            }
            for r in responses
            if r.consent or r.consent_version
        ],
    }


def _consent_texts(session: Session, digests: set[str | None]) -> dict[str, str]:
    wanted = [d for d in digests if d]
    if not wanted:
        return {}
    rows = session.execute(
        select(ConsentTextRow.sha256, ConsentTextRow.text).where(ConsentTextRow.sha256.in_(wanted))
    )
    return dict(rows.all())


@dataclass
class Erased:
    """What an erasure changed, by table (the audit log records it)."""

    responses_deidentified: int = 0
    open_answers_erased: int = 0
    feedback_items_deleted: int = 0
    invitations_deleted: int = 0
    drafts_deleted: int = 0
    customers_deleted: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def erase_customer(
    session: Session, external_id: str, *, erased_text: Callable[[str], str]
) -> Erased | None:
    """Erase one customer's personal data (docs/privacy.md); None for an unknown customer.

    Responses are kept for statistics, de-identified: no customer, no raw answers, no
    metadata or keys that could lead back to them, open answers replaced by
    ``erased_text(original)`` (also in their enrichment and aspect evidence). Feedback items,
    invitations, the invitations' drafts and the customer row are deleted.
    """
    customer = session.scalar(
        select(CustomerRow).where(CustomerRow.external_id == external_id).with_for_update()
    )
    if customer is None:
        return None
    done = Erased()
    response_ids = list(
        session.scalars(select(ResponseRow.id).where(ResponseRow.customer_id == customer.id))
    )
    for response_id in response_ids:
        done.open_answers_erased += _deidentify_response(session, response_id, erased_text)
    done.responses_deidentified = len(response_ids)
    invitation_ids = list(
        session.scalars(select(InvitationRow.id).where(InvitationRow.customer_id == customer.id))
    )
    draft_links: list[ColumnElement[bool]] = []
    if response_ids:
        draft_links.append(SurveyDraftRow.response_id.in_(response_ids))
    if invitation_ids:
        draft_links.append(SurveyDraftRow.invitation_id.in_(invitation_ids))
    if draft_links:
        done.drafts_deleted = _deleted(session, delete(SurveyDraftRow).where(or_(*draft_links)))
    if invitation_ids:
        done.invitations_deleted = _deleted(
            session, delete(InvitationRow).where(InvitationRow.id.in_(invitation_ids))
        )
    feedback_ids = select(FeedbackItemRow.id).where(FeedbackItemRow.customer_id == customer.id)
    session.execute(delete(AspectMentionRow).where(AspectMentionRow.feedback_id.in_(feedback_ids)))
    done.feedback_items_deleted = _deleted(
        session, delete(FeedbackItemRow).where(FeedbackItemRow.customer_id == customer.id)
    )
    session.delete(customer)
    session.flush()
    # The responses lost their customer, so their segments: recompute their days.
    refresh_responses(session, response_ids)
    done.customers_deleted = 1
    return done


def _deidentify_response(
    session: Session, response_id: int, erased_text: Callable[[str], str]
) -> int:
    """De-identify one response; returns how many open answers it erased."""
    row = session.get(ResponseRow, response_id)
    if row is None:
        return 0
    cells = session.execute(
        select(AnswerRow.id, AnswerRow.question, AnswerRow.item, AnswerRow.text).where(
            AnswerRow.response_id == response_id,
            AnswerRow.value.is_(None),
            AnswerRow.text.is_not(None),
        )
    ).all()
    answers = dict(row.answers or {})
    for cell_id, question, item, text in cells:
        label = erased_text(text or "")
        value = answers.get(question)
        if not item and isinstance(value, str):
            answers[question] = label
        elif isinstance(value, dict) and isinstance(value.get(item), str):
            answers[question] = {**value, item: label}
        session.execute(update(AnswerRow).where(AnswerRow.id == cell_id).values(text=label))
    cell_ids = [cell_id for cell_id, _, _, _ in cells]
    if cell_ids:
        session.execute(
            update(AnswerEnrichmentRow)
            .where(AnswerEnrichmentRow.answer_id.in_(cell_ids))
            .values(redacted_text=None)
        )
        session.execute(
            update(AspectMentionRow)
            .where(AspectMentionRow.answer_id.in_(cell_ids))
            .values(evidence=None)
        )
    row.answers = answers
    row.raw_answers = None
    row.customer_id = None
    row.meta = {}
    row.external_key = None
    row.idempotency_key = None
    row.request_hash = None
    # The content hash was made with the customer's id: replace it with one that names
    # only the response, so no one can test a guessed customer against it.
    row.content_hash = hashlib.sha256(f"erased:{response_id}".encode()).hexdigest()
    return len(cell_ids)


# --------------------------------------------------------------------------- retention


def set_retention_days(session: Session, survey_id: int, days: int | None) -> bool:
    """Set a survey's retention (None: keep); False when there is no such survey."""
    row = session.get(SurveyRow, survey_id)
    if row is None:
        return False
    row.retention_days = days
    return True


def survey_exists(session: Session, survey_id: int) -> bool:
    return session.get(SurveyRow, survey_id) is not None


def retention_days(session: Session, survey_id: int) -> int | None:
    return session.scalar(select(SurveyRow.retention_days).where(SurveyRow.id == survey_id))


def surveys_with_retention(session: Session) -> list[tuple[int, int]]:
    """(survey id, retention days) of every survey that has a retention, by id."""
    rows = session.execute(
        select(SurveyRow.id, SurveyRow.retention_days)
        .where(SurveyRow.retention_days.is_not(None))
        .order_by(SurveyRow.id)
    )
    return [(sid, int(days)) for sid, days in rows if days is not None]


@dataclass
class Purged:
    """Rows deleted (or, in a dry run, that would be) for one survey."""

    responses: int = 0
    answers: int = 0
    enrichments: int = 0
    aspect_mentions: int = 0
    drafts: int = 0
    invitations: int = 0

    def add(self, other: Purged) -> None:
        for key, value in other.__dict__.items():
            setattr(self, key, getattr(self, key) + value)

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)

    @property
    def total(self) -> int:
        return sum(self.__dict__.values())


def _old_responses(survey_id: int, cutoff: datetime) -> Any:
    return select(ResponseRow.id).where(
        ResponseRow.survey_id == survey_id, ResponseRow.submitted_at < cutoff
    )


def _old_drafts(survey_id: int, cutoff: datetime) -> ColumnElement[bool]:
    """Drafts never submitted and untouched since before ``cutoff``."""
    return (
        (SurveyDraftRow.survey_id == survey_id)
        & SurveyDraftRow.response_id.is_(None)
        & (SurveyDraftRow.updated_at < cutoff)
    )


def _old_invitations(survey_id: int, cutoff: datetime) -> ColumnElement[bool]:
    """Invitations never answered that expired (or, without an expiry, were made)
    before ``cutoff``: a link still valid is never taken from its customer."""
    return (
        (InvitationRow.survey_id == survey_id)
        & InvitationRow.response_id.is_(None)
        & (func.coalesce(InvitationRow.expires_at, InvitationRow.created_at) < cutoff)
    )


def count_expired(session: Session, survey_id: int, cutoff: datetime) -> Purged:
    """What a purge of ``survey_id`` at ``cutoff`` would delete (the dry run)."""
    old = _old_responses(survey_id, cutoff)
    answers = select(AnswerRow.id).where(AnswerRow.response_id.in_(old))
    return Purged(
        responses=_count(session, ResponseRow, ResponseRow.id.in_(old)),
        answers=_count(session, AnswerRow, AnswerRow.response_id.in_(old)),
        enrichments=_count(
            session, AnswerEnrichmentRow, AnswerEnrichmentRow.answer_id.in_(answers)
        ),
        aspect_mentions=_count(session, AspectMentionRow, AspectMentionRow.answer_id.in_(answers)),
        drafts=_count(
            session,
            SurveyDraftRow,
            or_(SurveyDraftRow.response_id.in_(old), _old_drafts(survey_id, cutoff)),
        ),
        invitations=_count(
            session,
            InvitationRow,
            or_(InvitationRow.response_id.in_(old), _old_invitations(survey_id, cutoff)),
        ),
    )


def purge_batch(session: Session, survey_id: int, cutoff: datetime, limit: int) -> Purged:
    """Delete up to ``limit`` responses of ``survey_id`` submitted before ``cutoff`` with
    everything that hangs on them, then up to ``limit`` old unsubmitted drafts and old
    unanswered invitations. An empty result means the survey is done."""
    ids: Sequence[int] = session.scalars(
        _old_responses(survey_id, cutoff).order_by(ResponseRow.id).limit(limit)
    ).all()
    done = Purged()
    if ids:
        buckets = response_buckets(session, ids)
        answers = select(AnswerRow.id).where(AnswerRow.response_id.in_(ids))
        done.aspect_mentions = _deleted(
            session, delete(AspectMentionRow).where(AspectMentionRow.answer_id.in_(answers))
        )
        done.enrichments = _deleted(
            session,
            delete(AnswerEnrichmentRow).where(AnswerEnrichmentRow.answer_id.in_(answers)),
        )
        done.answers = _deleted(session, delete(AnswerRow).where(AnswerRow.response_id.in_(ids)))
        done.drafts = _deleted(
            session, delete(SurveyDraftRow).where(SurveyDraftRow.response_id.in_(ids))
        )
        done.invitations = _deleted(
            session, delete(InvitationRow).where(InvitationRow.response_id.in_(ids))
        )
        done.responses = _deleted(session, delete(ResponseRow).where(ResponseRow.id.in_(ids)))
        refresh_buckets(session, buckets)  # the dashboards' rollups of the days purged
    draft_ids = session.scalars(
        select(SurveyDraftRow.id).where(_old_drafts(survey_id, cutoff)).limit(limit)
    ).all()
    if draft_ids:
        done.drafts += _deleted(
            session, delete(SurveyDraftRow).where(SurveyDraftRow.id.in_(draft_ids))
        )
    invitation_ids = session.scalars(
        select(InvitationRow.id).where(_old_invitations(survey_id, cutoff)).limit(limit)
    ).all()
    if invitation_ids:
        # Their drafts are older still and went above; detach any left, then delete.
        session.execute(
            update(SurveyDraftRow)
            .where(SurveyDraftRow.invitation_id.in_(invitation_ids))
            .values(invitation_id=None)
            .execution_options(synchronize_session=False)
        )
        done.invitations += _deleted(
            session, delete(InvitationRow).where(InvitationRow.id.in_(invitation_ids))
        )
    return done


def _count(session: Session, table: Any, condition: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(table).where(condition)) or 0)


def _deleted(session: Session, statement: Any) -> int:
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


__all__ = [
    "Erased",
    "Purged",
    "consent_text",
    "count_expired",
    "customer_data",
    "customer_exists",
    "customer_summary",
    "draft_consent",
    "erase_customer",
    "purge_batch",
    "retention_days",
    "set_draft_consent",
    "set_retention_days",
    "store_consent_text",
    "survey_exists",
    "surveys_with_retention",
]
