"""Home page read time: the demo data set, and the same with ten times its feedback volume.

Usage:  .venv/bin/python benchmarks/reporting/bench_home.py [--scales 1 10] [--repeat 5]

The demo (20,000 responses, 10,000 feedback items) is loaded into a fresh SQLite file
through the intake pipeline and enriched by the real text enrichment. For a larger scale
its enriched feedback items and their aspect mentions are copied (scale − 1 more times,
same dates, new ids and keys) in SQL, which gives the same mix at ten times the volume
without enriching 100,000 texts again. At each scale it times, on a warm database:

- ``home_page``: everything the home page reads (survey overview with NPS/CSAT, and the
  "what customers talk about" panel counted on the ``aspect_mentions`` table);
- ``theme_comments``: the first page of the most mentioned aspect's comments;
- the peer: the panel as it was counted before the mention table (every enriched text's
  JSON read and counted in Python, the 7cce9be code path), measured in the same run on
  the same database.

The window ends on the demo's last day, so both windows (30 days and the 30 before) hold
data. Figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from manyi.demo.load import load_demo
from manyi.enrichment.service import enrich_pending
from manyi.reporting.home import home_page
from manyi.reporting.themes import feedback_themes, theme_comments
from manyi.storage.database import Database
from manyi.storage.migrate import upgrade
from manyi.storage.tables import AnswerEnrichmentRow, AnswerRow, AspectMentionRow, FeedbackItemRow
from manyi.storage.types import utcnow
from manyi.text.enrich import Enrichment, enrich_texts

LABELS = ("negative", "neutral", "positive")


def _memo_enricher() -> Callable[[list[str]], list[Enrichment]]:
    @cache
    def one(text: str) -> Enrichment:
        return enrich_texts([text])[0]

    def enrich(texts: list[str]) -> list[Enrichment]:
        return [one(t) for t in texts]

    return enrich


def _naive_panel(db: Database, days: int = 30) -> dict[str, Counter[str]]:
    """The panel's counts the way 7cce9be computed them: JSON read and counted in Python."""
    since = utcnow() - timedelta(days=days)
    before = since - timedelta(days=days)
    now_counts: dict[str, Counter[str]] = {}
    then_counts: dict[str, Counter[str]] = {}
    with db.session() as s:
        feedback = select(
            FeedbackItemRow.sentiment_label, FeedbackItemRow.aspects, FeedbackItemRow.occurred_at
        ).where(
            FeedbackItemRow.occurred_at >= before,
            ~FeedbackItemRow.is_duplicate,
            FeedbackItemRow.enriched_at.is_not(None),
        )
        answers = (
            select(
                AnswerEnrichmentRow.sentiment_label,
                AnswerEnrichmentRow.aspects,
                AnswerRow.submitted_at,
            )
            .join(AnswerRow, AnswerRow.id == AnswerEnrichmentRow.answer_id)
            .where(AnswerRow.submitted_at >= before)
        )
        for query in (feedback, answers):
            for _, found, when in s.execute(query):
                target = now_counts if when >= since else then_counts
                for m in found or []:
                    if isinstance(m, dict) and m.get("code") and m.get("label") in LABELS:
                        target.setdefault(str(m["code"]), Counter())[m["label"]] += 1
    return now_counts


def _time(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm the page cache and the imports
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _copy_feedback(db: Database, copies: int) -> None:
    """Append ``copies`` copies of the base feedback items and their mentions (new ids)."""
    item_columns = [c.name for c in FeedbackItemRow.__table__.columns]
    mention_columns = [c.name for c in AspectMentionRow.__table__.columns]
    with db.session() as s:
        top = int(s.scalar(select(func.max(FeedbackItemRow.id))) or 0)
        top_mention = int(s.scalar(select(func.max(AspectMentionRow.id))) or 0)
        changed = {
            "id": "id + :shift",
            "external_id": "external_id || ':copy' || :k",
            "content_hash": "content_hash || :k",
            "idempotency_key": "NULL",
        }
        for k in range(1, copies + 1):
            shift = k * top
            items = ", ".join(changed.get(c, c) for c in item_columns)
            s.connection().exec_driver_sql(
                f"INSERT INTO feedback_items ({', '.join(item_columns)}) "
                f"SELECT {items} FROM feedback_items WHERE id <= {top}".replace(
                    ":shift", str(shift)
                ).replace(":k", f"'{k}'")
            )
            mentions = ", ".join(
                {
                    "id": f"id + {k * top_mention}",
                    "feedback_id": f"feedback_id + {shift}",
                }.get(c, c)
                for c in mention_columns
            )
            s.connection().exec_driver_sql(
                f"INSERT INTO aspect_mentions ({', '.join(mention_columns)}) "
                f"SELECT {mentions} FROM aspect_mentions "
                f"WHERE feedback_id IS NOT NULL AND id <= {top_mention}"
            )


def run(db: Database, scale: int, repeat: int, loaded: float, enriched: float) -> dict[str, Any]:
    since = utcnow() - timedelta(days=30)
    with db.session() as s:
        texts = int(s.scalar(select(func.count()).select_from(FeedbackItemRow)) or 0)
        window = int(
            s.scalar(select(func.count()).where(FeedbackItemRow.occurred_at >= since)) or 0
        )
        mentions = int(s.scalar(select(func.count()).select_from(AspectMentionRow)) or 0)
    page = home_page(db)
    top = page.themes.aspects[0].code
    naive = _naive_panel(db)
    assert {c: n.total() for c, n in naive.items() if c == top} == {
        top: page.themes.aspects[0].mentions
    }, "the mention table and the JSON disagree"
    result = {
        "scale": scale,
        "feedback_items": texts,
        "feedback_in_window": window,
        "aspect_mentions": mentions,
        "load_s": loaded,  # the base demo, once
        "enrich_s": enriched,
        "home_page_s": _time(lambda: home_page(db), repeat),
        "panel_s": _time(lambda: feedback_themes(db), repeat),
        "theme_comments_s": _time(lambda: theme_comments(db, top), repeat),
        "naive_panel_s": _time(lambda: _naive_panel(db), repeat),
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--responses", type=int, default=20_000, help="demo responses")
    parser.add_argument("--feedback", type=int, default=10_000, help="demo feedback items")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'home.db'}")
        upgrade(db)
        start = time.perf_counter()
        load_demo(db, n_responses=args.responses, n_feedback=args.feedback)
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        enrich_pending(db, enricher=_memo_enricher(), batch_size=2000)
        enriched = time.perf_counter() - start
        copied = 1
        for scale in sorted(args.scales):
            if scale > copied:
                _copy_feedback(db, scale - copied)
                copied = scale
            rows.append(run(db, scale, args.repeat, loaded, enriched))
        db.dispose()
    print(
        "| feedback items | in the 30-day window | aspect mentions | home page | panel | "
        "aspect drill-down | peer: panel from JSON | load + enrich |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['feedback_items']:,} | {r['feedback_in_window']:,} | {r['aspect_mentions']:,} "
            f"| {r['home_page_s'] * 1000:.0f} ms | {r['panel_s'] * 1000:.0f} ms "
            f"| {r['theme_comments_s'] * 1000:.0f} ms "
            f"| {r['naive_panel_s'] * 1000:.0f} ms | {r['load_s']:.0f} s + {r['enrich_s']:.0f} s |"
        )


if __name__ == "__main__":
    main()
