from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from factories import good_answers, make_survey
from manyi.enrichment.service import enrich_pending
from manyi.ingestion.feedback import FeedbackIn, record_feedback
from manyi.ingestion.responses import ResponseIn, record_response
from manyi.storage.database import Database
from manyi.storage.tables import AnswerEnrichmentRow, FeedbackItemRow
from manyi.text.enrich import Enrichment


class CountingEnricher:
    """A stand-in model: labels by a keyword and counts what it was asked to do."""

    def __init__(self, fail_after: int | None = None, delay: float = 0.0) -> None:
        self.calls = 0
        self.texts = 0
        self.fail_after = fail_after
        self.delay = delay
        self.lock = threading.Lock()

    def __call__(self, texts: list[str]) -> list[Enrichment]:
        with self.lock:
            self.calls += 1
            if self.fail_after is not None and self.calls > self.fail_after:
                raise RuntimeError("worker killed")
            self.texts += len(texts)
        time.sleep(self.delay)
        return [
            Enrichment(
                "zh", "negative" if "慢" in t else "positive", -0.5 if "慢" in t else 0.5, [], t
            )
            for t in texts
        ]


def _feedback(db: Database, n: int) -> None:
    record_feedback(
        db,
        [
            FeedbackIn(text=f"第{i}条：送货{'太慢' if i % 2 else '很快'}", kind="review")
            for i in range(n)
        ],
    )


def _enriched(db: Database, version: str) -> int:
    with db.session() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(FeedbackItemRow)
                .where(FeedbackItemRow.enrichment_version == version)
            )
            or 0
        )


def test_enriches_feedback_and_open_answers_once(db: Database) -> None:
    _feedback(db, 25)
    survey = make_survey(db)
    record_response(db, survey.id, ResponseIn(answers=good_answers(comment="客服响应太慢")))
    enricher = CountingEnricher()
    run = enrich_pending(db, batch_size=10, enricher=enricher, version="v1")
    assert (run.feedback_items, run.open_answers, run.errors) == (25, 1, 0)
    with db.session() as s:
        row = s.scalar(select(FeedbackItemRow).where(FeedbackItemRow.text.like("%第1条%")))
        assert row is not None
        assert (row.sentiment_label, row.enrichment_version) == ("negative", "v1")
        answer = s.scalar(select(AnswerEnrichmentRow))
        assert answer is not None
        assert (answer.question, answer.sentiment_label) == ("comment", "negative")
    again = enrich_pending(db, batch_size=10, enricher=enricher, version="v1")
    assert again.total == 0
    assert enricher.texts == 26
    # A new model or taxonomy version enriches everything again.
    assert enrich_pending(db, batch_size=10, enricher=enricher, version="v2").total == 26


def test_worker_killed_mid_run_resumes_without_loss_or_double_work(db: Database) -> None:
    _feedback(db, 30)
    crashing = CountingEnricher(fail_after=2)
    with pytest.raises(RuntimeError, match="worker killed"):
        enrich_pending(db, batch_size=10, enricher=crashing, version="v1")
    assert _enriched(db, "v1") == 20  # the two finished batches were written, the third was not
    resumed = CountingEnricher()
    run = enrich_pending(db, batch_size=10, enricher=resumed, version="v1")
    assert run.feedback_items == 10
    assert resumed.texts == 10  # only what was left
    assert _enriched(db, "v1") == 30


def test_concurrent_workers_write_each_result_once(db: Database) -> None:
    _feedback(db, 40)
    results: list[int] = []

    def work() -> None:
        results.append(
            enrich_pending(
                db, batch_size=8, enricher=CountingEnricher(delay=0.05), version="v1"
            ).feedback_items
        )

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 40
    assert _enriched(db, "v1") == 40
