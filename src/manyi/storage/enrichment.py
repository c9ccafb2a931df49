"""Enrichment repository: which texts wait for enrichment, and writing the results.

Writes are conditional on the version (``… WHERE enrichment_version IS DISTINCT FROM
current``), so two workers that picked the same rows write each result once, and a
killed worker leaves its rows pending. Each write also replaces the item's rows in the
narrow ``aspect_mentions`` table, in the same transaction, so the pages' counts never
disagree with the stored JSON.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from manyi.storage.tables import (
    AnswerEnrichmentRow,
    AnswerRow,
    AspectMentionRow,
    FeedbackItemRow,
)

if TYPE_CHECKING:  # only the type: importing the text package at run time loads no models
    from manyi.text.enrich import Enrichment

LABELS = frozenset({"negative", "neutral", "positive"})


@dataclass(frozen=True)
class PendingText:
    """A stored text waiting for (re-)enrichment: a feedback item or an open answer."""

    id: int
    text: str
    occurred_at: datetime
    survey_id: int | None = None
    question: str | None = None
    counted: bool = True


def _stale(column: Any, version: str) -> Any:
    return or_(column.is_(None), column != version)


def pending_feedback(session: Session, version: str, limit: int) -> list[PendingText]:
    rows = session.execute(
        select(
            FeedbackItemRow.id,
            FeedbackItemRow.text,
            FeedbackItemRow.occurred_at,
            FeedbackItemRow.is_duplicate,
        )
        .where(_stale(FeedbackItemRow.enrichment_version, version))
        .order_by(FeedbackItemRow.id)
        .limit(limit)
    ).all()
    return [PendingText(int(r[0]), str(r[1]), r[2], counted=not r[3]) for r in rows]


def pending_answers(session: Session, version: str, limit: int) -> list[PendingText]:
    enriched = AnswerEnrichmentRow
    rows = session.execute(
        select(
            AnswerRow.id,
            AnswerRow.text,
            AnswerRow.submitted_at,
            AnswerRow.survey_id,
            AnswerRow.question,
        )
        .outerjoin(enriched, enriched.answer_id == AnswerRow.id)
        .where(AnswerRow.text.is_not(None), AnswerRow.value.is_(None))
        .where(or_(enriched.answer_id.is_(None), enriched.enrichment_version != version))
        .order_by(AnswerRow.id)
        .limit(limit)
    ).all()
    return [PendingText(int(r[0]), str(r[1]), r[2], int(r[3]), str(r[4])) for r in rows]


def mention_rows(
    item: PendingText, aspects: Sequence[Any], *, source: str
) -> Iterator[dict[str, Any]]:
    """The ``aspect_mentions`` rows of one enriched text: the first mention of each aspect.

    Entries of another shape (JSON written by another tool) are skipped, as the pages
    always did.
    """
    seen: set[str] = set()
    for m in aspects:
        if not isinstance(m, dict) or not m.get("code") or m.get("label") not in LABELS:
            continue
        code = str(m["code"])[:64]
        if code in seen:
            continue
        seen.add(code)
        score = m.get("score")
        yield {
            "feedback_id": item.id if source == "feedback" else None,
            "answer_id": item.id if source == "answer" else None,
            "survey_id": item.survey_id,
            "aspect": code,
            "name": str(m.get("name") or code)[:200],
            "dimension": str(m["dimension"])[:64] if m.get("dimension") else None,
            "label": str(m["label"]),
            "score": float(score) if isinstance(score, int | float) else None,
            "evidence": str(m.get("evidence") or "") or None,
            "occurred_at": item.occurred_at,
            "counted": item.counted,
        }


def replace_mentions(
    session: Session, source: str, items: Sequence[PendingText], aspects: Sequence[Sequence[Any]]
) -> None:
    """Replace the mention rows of ``items`` (feedback items or answers) by ``aspects``."""
    column = AspectMentionRow.feedback_id if source == "feedback" else AspectMentionRow.answer_id
    ids = [item.id for item in items]
    for start in range(0, len(ids), 900):  # SQLite allows ~999 bound parameters
        session.execute(delete(AspectMentionRow).where(column.in_(ids[start : start + 900])))
    rows = [
        row
        for item, found in zip(items, aspects, strict=True)
        for row in mention_rows(item, found, source=source)
    ]
    if rows:
        session.execute(insert(AspectMentionRow), rows)


def write_feedback_enrichment(
    session: Session,
    items: Sequence[PendingText],
    results: Sequence[Enrichment],
    version: str,
    now: datetime,
) -> int:
    """Store the enrichment of feedback items not yet at ``version``; return how many."""
    written: list[tuple[PendingText, Enrichment]] = []
    for item, e in zip(items, results, strict=True):
        outcome = session.execute(
            update(FeedbackItemRow)
            .where(
                FeedbackItemRow.id == item.id,
                _stale(FeedbackItemRow.enrichment_version, version),
            )
            .values(
                language=e.language,
                sentiment_label=e.sentiment_label,
                sentiment_score=e.sentiment_score,
                aspects=e.aspects,
                redacted_text=e.redacted_text,
                enriched_at=now,
                enrichment_version=version,
                enrichment_error=e.error,
            )
        )
        if getattr(outcome, "rowcount", 0):
            written.append((item, e))
    replace_mentions(session, "feedback", [i for i, _ in written], [e.aspects for _, e in written])
    return len(written)


def write_answer_enrichment(
    session: Session,
    items: Sequence[PendingText],
    results: Sequence[Enrichment],
    version: str,
    now: datetime,
) -> int:
    """Upsert the enrichment of open answers not yet at ``version``; return how many."""
    if not items:
        return 0
    values = [
        {
            "answer_id": item.id,
            "survey_id": item.survey_id,
            "question": item.question,
            "language": e.language,
            "sentiment_label": e.sentiment_label,
            "sentiment_score": e.sentiment_score,
            "aspects": e.aspects,
            "redacted_text": e.redacted_text,
            "enriched_at": now,
            "enrichment_version": version,
            "enrichment_error": e.error,
        }
        for item, e in zip(items, results, strict=True)
    ]
    module: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = module.insert(AnswerEnrichmentRow.__table__)
    excluded = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=["answer_id"],
        set_={k: excluded[k] for k in values[0] if k != "answer_id"},
        where=and_(
            AnswerEnrichmentRow.__table__.c.enrichment_version != excluded["enrichment_version"]
        ),
    )
    session.execute(stmt, values)
    replace_mentions(session, "answer", items, [e.aspects for e in results])
    return len(values)
