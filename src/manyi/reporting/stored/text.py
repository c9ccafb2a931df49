"""The text explorer of a stored survey: what its open answers talk about, and how.

From the enrichment the background job stored for the selected responses' open answers
(``aspect_mentions``, ``answer_enrichments``; :mod:`manyi.storage.analysis`):

* **aspects** with their sentiment: mentions per aspect and label, the negative share
  with its Wilson interval (``manyi.stats.metrics.wilson_interval``);
* **sentiment over time**: enriched open answers per month and label;
* **emerging aspects**: the share of mentions an aspect has in the last
  :data:`RECENT_DAYS` days of the data against before, a pooled two-proportion z test
  (``manyi.stats.metrics.two_proportion_z``) per aspect, Benjamini–Hochberg adjusted
  across the aspects tested; those rising with q ≤ :data:`ALPHA` are listed;

and from the open answers themselves (the newest :data:`MAX_TEXTS`, redacted as stored):

* **topics**: NMF topics of the texts (``manyi.text.topics.discover_topics``);
* **emerging phrases**: phrases a larger share of texts mention in the last
  :data:`RECENT_DAYS` days than before (``manyi.text.topics.emerging_topics``, one-sided
  z test, BH-adjusted).
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from manyi.stats.metrics import two_proportion_z, wilson_interval
from manyi.stats.multiple_testing import benjamini_hochberg
from manyi.storage.analysis import (
    AnalysisSelection,
    analysis_ceiling,
    aspect_label_counts_by_month,
    open_texts,
    sentiment_by_month,
)
from manyi.storage.database import Database
from manyi.text.taxonomy import default_taxonomy
from manyi.text.topics import discover_topics, emerging_topics

LABELS = ("negative", "neutral", "positive")
TOP_ASPECTS = 12
#: Texts read for topics and emerging phrases (the newest): a bounded sample.
MAX_TEXTS = 3000
#: Topics need at least this many texts.
MIN_TEXTS = 30
RECENT_DAYS = 30
#: False discovery rate of the emerging aspects (Benjamini–Hochberg).
ALPHA = 0.05


@dataclass(frozen=True)
class AspectSummary:
    code: str
    name_zh: str
    name_en: str
    dimension: str | None
    mentions: int
    negative: int
    neutral: int
    positive: int
    negative_share: float
    negative_ci: tuple[float, float]


@dataclass(frozen=True)
class EmergingAspect:
    code: str
    name_zh: str
    name_en: str
    recent: int
    recent_total: int
    before: int
    before_total: int
    change: float
    p_value: float
    q_value: float


@dataclass(frozen=True)
class TopicSummary:
    label: str
    phrases: tuple[str, ...]
    size: int
    share: float
    examples: tuple[str, ...]


@dataclass(frozen=True)
class EmergingPhrase:
    phrase: str
    recent_share: float
    before_share: float
    lift: float
    q_value: float
    examples: tuple[str, ...]


@dataclass(frozen=True)
class TextExplorer:
    """Everything the text explorer shows; empty lists where the data have none."""

    enriched: int
    aspects: list[AspectSummary] = field(default_factory=list)
    sentiment: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    emerging_aspects: list[EmergingAspect] = field(default_factory=list)
    n_texts: int = 0
    topics: list[TopicSummary] = field(default_factory=list)
    topics_reason: str | None = None
    emerging_phrases: list[EmergingPhrase] = field(default_factory=list)
    recent_since: str | None = None


def _names(code: str, stored: str, dimension: str | None) -> tuple[str, str, str | None]:
    taxonomy = default_taxonomy()
    if code in taxonomy:
        aspect = taxonomy.get(code)
        return aspect.name("zh"), aspect.name("en"), aspect.dimension
    return stored, stored, dimension


def _recent_months(months: list[str]) -> set[str]:
    # The last month of the data is "recent"; with one month there is nothing to compare.
    return {months[-1]} if len(months) >= 2 else set()


def _emerging(
    per_month: dict[str, dict[str, int]], names: dict[str, tuple[str, str, str | None]]
) -> list[EmergingAspect]:
    months = sorted({m for counts in per_month.values() for m in counts})
    recent = _recent_months(months)
    if not recent:
        return []
    totals = Counter[str]()
    for counts in per_month.values():
        for month, n in counts.items():
            totals["recent" if month in recent else "before"] += n
    n1, n2 = totals["recent"], totals["before"]
    if not n1 or not n2:
        return []
    rows: list[tuple[str, int, int, float, float]] = []
    for code, counts in per_month.items():
        a = sum(n for m, n in counts.items() if m in recent)
        b = sum(n for m, n in counts.items() if m not in recent)
        if a + b < 5:
            continue
        _, p = two_proportion_z(a, n1, b, n2)
        if p == p:
            rows.append((code, a, b, a / n1 - b / n2, p))
    if not rows:
        return []
    q = benjamini_hochberg([r[4] for r in rows])
    out = [
        EmergingAspect(code, *names[code][:2], a, n1, b, n2, change, p, float(qv))
        for (code, a, b, change, p), qv in zip(rows, q, strict=True)
        if change > 0 and qv <= ALPHA
    ]
    return sorted(out, key=lambda e: (e.q_value, -e.change))[:8]


def emerging_aspects(
    db: Database, selection: AnalysisSelection
) -> tuple[str | None, list[EmergingAspect]]:
    """The emerging aspects of the selected responses (as the text explorer lists them)
    and the month they emerge in (the last month of the data; None with fewer than two
    months). Metric alert rules read this (manyi.workflow.metric_alerts)."""
    with db.session() as s:
        mentions = aspect_label_counts_by_month(
            s, selection, analysis_ceiling(s, selection.survey_id)
        )
    per_month: dict[str, dict[str, int]] = {}
    names: dict[str, tuple[str, str, str | None]] = {}
    for code, name, month, dimension, _label, n in mentions:
        per_month.setdefault(code, Counter())[month] += n
        names.setdefault(code, _names(code, name, dimension))
    months = sorted({m for counts in per_month.values() for m in counts})
    recent = _recent_months(months)
    return (max(recent) if recent else None), _emerging(per_month, names)


def _topics(texts: list[tuple[datetime, str]], seed: int) -> tuple[list[TopicSummary], str | None]:
    if len(texts) < MIN_TEXTS:
        return [], "few_texts"
    try:
        # scikit-learn warns when NMF stops at its iteration cap or meets an empty topic;
        # the topics are still the best found, and the page says how they were found.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=Warning)
            model = discover_topics([t for _, t in texts], seed=seed, max_topics=6)
    except ValueError as exc:
        return [], str(exc)
    return [
        TopicSummary(t.label, t.phrases[:6], t.size, t.share, t.examples[:2]) for t in model.topics
    ], None


def _emerging_phrases(texts: list[tuple[datetime, str]]) -> tuple[list[EmergingPhrase], str | None]:
    if len(texts) < MIN_TEXTS:
        return [], None
    newest = max(when for when, _ in texts)
    since = newest - timedelta(days=RECENT_DAYS)
    recent = [t for when, t in texts if when >= since]
    before = [t for when, t in texts if when < since]
    if len(recent) < 10 or len(before) < 10:
        return [], since.date().isoformat()
    try:
        table = emerging_topics(recent, before, top_k=8, examples=2)
    except ValueError:
        return [], since.date().isoformat()
    phrases = [
        EmergingPhrase(
            str(row["phrase"]),
            float(row["current_share"]),
            float(row["baseline_share"]),
            float(row["lift"]),
            float(row["q_value"]),
            tuple(row["examples"])[:2] if "examples" in row else (),
        )
        for _, row in table.iterrows()
    ]
    return phrases, since.date().isoformat()


def text_explorer(
    db: Database, selection: AnalysisSelection, ceiling: int, *, seed: int = 0
) -> TextExplorer:
    """The text explorer of the selected responses (see the module docstring)."""
    with db.session() as s:
        mentions = aspect_label_counts_by_month(s, selection, ceiling)
        sentiment_rows = sentiment_by_month(s, selection, ceiling)
        texts = open_texts(s, selection, ceiling, limit=MAX_TEXTS)
    by_label: dict[str, Counter[str]] = {}
    per_month: dict[str, dict[str, int]] = {}
    names: dict[str, tuple[str, str, str | None]] = {}
    for code, name, month, dimension, label, n in mentions:
        by_label.setdefault(code, Counter())[label] += n
        per_month.setdefault(code, Counter())[month] += n
        names.setdefault(code, _names(code, name, dimension))
    aspects = []
    for code, counts in sorted(by_label.items(), key=lambda kv: (-kv[1].total(), kv[0]))[
        :TOP_ASPECTS
    ]:
        total = counts.total()
        zh, en, dimension = names[code]
        aspects.append(
            AspectSummary(
                code,
                zh,
                en,
                dimension,
                total,
                counts["negative"],
                counts["neutral"],
                counts["positive"],
                counts["negative"] / total,
                wilson_interval(counts["negative"], total),
            )
        )
    months: dict[str, dict[str, int]] = {}
    enriched = 0
    for month, sentiment, n in sentiment_rows:
        enriched += n
        if sentiment in LABELS:
            months.setdefault(month, dict.fromkeys(LABELS, 0))[sentiment] += n
    topics, reason = _topics(texts, seed)
    phrases, since = _emerging_phrases(texts)
    return TextExplorer(
        enriched=enriched,
        aspects=aspects,
        sentiment=sorted(months.items()),
        emerging_aspects=_emerging(per_month, names),
        n_texts=len(texts),
        topics=topics,
        topics_reason=reason,
        emerging_phrases=phrases,
        recent_since=since,
    )


__all__ = [
    "MAX_TEXTS",
    "RECENT_DAYS",
    "AspectSummary",
    "EmergingAspect",
    "EmergingPhrase",
    "TextExplorer",
    "TopicSummary",
    "emerging_aspects",
    "text_explorer",
]
