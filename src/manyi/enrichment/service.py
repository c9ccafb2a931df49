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

from manyi.storage.database import Database
from manyi.storage.enrichment import (
    PendingText,
    pending_answers,
    pending_feedback,
    write_answer_enrichment,
    write_feedback_enrichment,
)
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
    errors = batches = 0
    written = [0, 0]  # feedback items, open answers
    steps = (
        (pending_feedback, write_feedback_enrichment),
        (pending_answers, write_answer_enrichment),
    )
    for step, (pending, write) in enumerate(steps):
        while max_batches is None or batches < max_batches:
            with db.session() as s:
                items: list[PendingText] = pending(s, version, batch_size)
            if not items:
                break
            # Computed outside any write transaction: a slow model never holds a lock.
            results = run_enricher([item.text for item in items])
            errors += sum(r.error is not None for r in results)
            with db.session() as s:
                written[step] += write(s, items, results, version, utcnow())
            batches += 1
    return EnrichmentRun(written[0], written[1], errors, version)
