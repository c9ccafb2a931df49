"""What customers talk about: the enriched free text of a recent window, by aspect.

Reads the enrichment the background job stored (``manyi.text`` sentiment and aspects) for
feedback items (by ``occurred_at``, duplicates left out) and open answers (by the answer's
``submitted_at``) in the last ``days`` days, and counts per aspect how often it was
mentioned and with which sentiment. The negative share of each aspect comes with a Wilson
95 % interval (``manyi.stats.metrics.wilson_interval``), so a manager can tell three
complaints out of five mentions from three hundred out of five hundred.

Aspects are counted in Python from the stored JSON: SQLite and PostgreSQL spell JSON
array functions differently. Measured on the demo database (SQLite, 2 cores): 0.04 s for
the 1,577 texts of a 30-day window, 0.5 s for all 18,606; a window of several hundred
thousand texts would want a pre-aggregated table.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from manyi.stats.metrics import wilson_interval
from manyi.storage.database import Database
from manyi.storage.tables import AnswerEnrichmentRow, AnswerRow, FeedbackItemRow
from manyi.storage.types import utcnow
from manyi.text.taxonomy import default_taxonomy

__all__ = ["AspectTheme", "FeedbackThemes", "feedback_themes"]

LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class AspectTheme:
    """One aspect in the window.

    ``negative_ci`` is the Wilson 95 % interval of ``negative / mentions``.
    """

    code: str
    name_zh: str
    name_en: str
    dimension: str | None
    mentions: int
    positive: int
    neutral: int
    negative: int
    negative_share: float
    negative_ci: tuple[float, float]


@dataclass(frozen=True)
class FeedbackThemes:
    """The enriched text of the window: how many, their sentiment, the top aspects."""

    days: int
    analysed: int
    pending: int
    sentiment: dict[str, int]
    aspects: list[AspectTheme]


def _names(code: str, stored: dict[str, Any]) -> tuple[str, str, str | None]:
    aspect = default_taxonomy().get(code)
    if aspect is not None:
        return aspect.name("zh"), aspect.name("en"), aspect.dimension
    name = str(stored.get("name") or code)  # a user's own aspect: its stored name
    return name, name, stored.get("dimension")


def feedback_themes(
    db: Database, *, days: int = 30, now: datetime | None = None, top: int = 10
) -> FeedbackThemes:
    """Sentiment and the ``top`` most mentioned aspects of the last ``days`` days."""
    since = (now or utcnow()) - timedelta(days=days)
    with db.session() as s:
        recent_items = (FeedbackItemRow.occurred_at >= since) & ~FeedbackItemRow.is_duplicate
        rows: list[tuple[str | None, list[Any] | None]] = [
            (label, found)
            for label, found in s.execute(
                select(FeedbackItemRow.sentiment_label, FeedbackItemRow.aspects).where(
                    recent_items, FeedbackItemRow.enriched_at.is_not(None)
                )
            )
        ]
        rows += [
            (label, found)
            for label, found in s.execute(
                select(AnswerEnrichmentRow.sentiment_label, AnswerEnrichmentRow.aspects)
                .join(AnswerRow, AnswerRow.id == AnswerEnrichmentRow.answer_id)
                .where(AnswerRow.submitted_at >= since)
            )
        ]
        pending = int(
            s.scalar(
                select(func.count()).where(recent_items, FeedbackItemRow.enriched_at.is_(None))
            )
            or 0
        )
    sentiment = Counter(label for label, _ in rows if label in LABELS)
    counts: dict[str, Counter[str]] = {}
    stored: dict[str, dict[str, Any]] = {}
    for _, found in rows:
        # Stored JSON written by another tool or an older version may not have our shape:
        # such entries are skipped, not fatal to the home page.
        for mention in found if isinstance(found, list) else []:
            if not isinstance(mention, dict):
                continue
            code = str(mention.get("code", ""))
            if code and mention.get("label") in LABELS:
                counts.setdefault(code, Counter())[mention["label"]] += 1
                stored.setdefault(code, mention)
    themes = []
    for code, c in sorted(counts.items(), key=lambda kv: (-kv[1].total(), kv[0]))[:top]:
        n = c.total()
        name_zh, name_en, dimension = _names(code, stored[code])
        themes.append(
            AspectTheme(
                code,
                name_zh,
                name_en,
                dimension,
                n,
                c["positive"],
                c["neutral"],
                c["negative"],
                c["negative"] / n,
                wilson_interval(c["negative"], n),
            )
        )
    return FeedbackThemes(
        days, len(rows), pending, {k: sentiment.get(k, 0) for k in LABELS}, themes
    )
