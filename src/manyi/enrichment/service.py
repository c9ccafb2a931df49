"""Enriching stored feedback items and open answers, in batches, idempotently.

Each batch selects rows that are not enriched with the current version, computes the
enrichment outside any write transaction, and writes it with a conditional update
(``… WHERE enrichment_version IS DISTINCT FROM current``), so:

- a worker killed mid-batch loses nothing: its rows are still pending and the next run
  takes them (nothing is marked before the results are written);
- two workers that pick the same rows write each result once: the second update finds
  the row already at the current version and changes nothing;
- a new model or taxonomy changes the version, and every row is enriched again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from manyi.storage.database import Database
from manyi.storage.tables import AnswerEnrichmentRow, AnswerRow, FeedbackItemRow
from manyi.storage.types import utcnow
from manyi.text.enrich import Enrichment, enrich_texts, enrichment_version

BATCH_SIZE = 256
Enricher = Callable[[list[str]], list[Enrichment]]


@dataclass(frozen=True)
class EnrichmentRun:
    feedback_items: int
    open_answers: int
    errors: int
    version: str

    @property
    def total(self) -> int:
        return self.feedback_items + self.open_answers


def _pending_feedback(s: Session, version: str, limit: int) -> list[tuple[int, str]]:
    rows = s.execute(
        select(FeedbackItemRow.id, FeedbackItemRow.text)
        .where(
            or_(
                FeedbackItemRow.enrichment_version.is_(None),
                FeedbackItemRow.enrichment_version != version,
            )
        )
        .order_by(FeedbackItemRow.id)
        .limit(limit)
    ).all()
    return [(int(r[0]), str(r[1])) for r in rows]


def _pending_answers(s: Session, version: str, limit: int) -> list[tuple[int, int, str, str]]:
    enriched = AnswerEnrichmentRow
    rows = s.execute(
        select(AnswerRow.id, AnswerRow.survey_id, AnswerRow.question, AnswerRow.text)
        .outerjoin(enriched, enriched.answer_id == AnswerRow.id)
        .where(AnswerRow.text.is_not(None), AnswerRow.value.is_(None))
        .where(or_(enriched.answer_id.is_(None), enriched.enrichment_version != version))
        .order_by(AnswerRow.id)
        .limit(limit)
    ).all()
    return [(int(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in rows]


def _write_feedback(db: Database, ids: list[int], results: list[Enrichment], version: str) -> int:
    written = 0
    with db.session() as s:
        now = utcnow()
        for fid, e in zip(ids, results, strict=True):
            outcome = s.execute(
                update(FeedbackItemRow)
                .where(
                    FeedbackItemRow.id == fid,
                    or_(
                        FeedbackItemRow.enrichment_version.is_(None),
                        FeedbackItemRow.enrichment_version != version,
                    ),
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
            written += int(getattr(outcome, "rowcount", 0) or 0)
    return written


def _write_answers(
    db: Database, rows: list[tuple[int, int, str, str]], results: list[Enrichment], version: str
) -> int:
    with db.session() as s:
        now = utcnow()
        values = [
            {
                "answer_id": aid,
                "survey_id": sid,
                "question": question,
                "language": e.language,
                "sentiment_label": e.sentiment_label,
                "sentiment_score": e.sentiment_score,
                "aspects": e.aspects,
                "redacted_text": e.redacted_text,
                "enriched_at": now,
                "enrichment_version": version,
                "enrichment_error": e.error,
            }
            for (aid, sid, question, _), e in zip(rows, results, strict=True)
        ]
        module = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
        stmt = module.insert(AnswerEnrichmentRow.__table__)
        excluded = stmt.excluded
        stmt = stmt.on_conflict_do_update(
            index_elements=["answer_id"],
            set_={k: excluded[k] for k in values[0] if k != "answer_id"},
            where=and_(
                AnswerEnrichmentRow.__table__.c.enrichment_version != excluded["enrichment_version"]
            ),
        )
        s.execute(stmt, values)
    return len(values)


def enrich_pending(
    db: Database,
    *,
    batch_size: int = BATCH_SIZE,
    max_batches: int | None = None,
    enricher: Enricher | None = None,
    version: str | None = None,
) -> EnrichmentRun:
    """Enrich every feedback item and open answer not yet enriched with the current version."""
    version = version or enrichment_version()
    run_enricher: Enricher = enricher or (lambda texts: enrich_texts(texts))
    feedback = answers = errors = batches = 0
    while max_batches is None or batches < max_batches:
        with db.session() as s:
            pending_f = _pending_feedback(s, version, batch_size)
        if not pending_f:
            break
        results = run_enricher([text for _, text in pending_f])
        errors += sum(r.error is not None for r in results)
        feedback += _write_feedback(db, [fid for fid, _ in pending_f], results, version)
        batches += 1
    while max_batches is None or batches < max_batches:
        with db.session() as s:
            pending_a = _pending_answers(s, version, batch_size)
        if not pending_a:
            break
        results = run_enricher([row[3] for row in pending_a])
        errors += sum(r.error is not None for r in results)
        answers += _write_answers(db, pending_a, results, version)
        batches += 1
    return EnrichmentRun(feedback, answers, errors, version)
