"""What customers talk about: the enriched free text of a recent window, by aspect.

Reads the enrichment the background job stored (``manyi.text`` sentiment and aspects) for
feedback items (by ``occurred_at``, duplicates left out) and open answers (by the answer's
``submitted_at``) in the last ``days`` days, and counts per aspect how often it was
mentioned and with which sentiment. The negative share of each aspect comes with a Wilson
95 % interval (``manyi.stats.metrics.wilson_interval``), so a manager can tell three
complaints out of five mentions from three hundred out of five hundred, and with its
change against the ``days`` before the window, tested with the pooled two-proportion z
test (``manyi.stats.metrics.two_proportion_z``) and Benjamini–Hochberg adjusted across
the listed aspects, so a rise is told from noise.

:func:`theme_comments` lists the comments behind one aspect (the drill-down from the home
page), newest first, optionally only those where the aspect was negative, neutral or
positive.

Aspects are counted in Python from the stored JSON: SQLite and PostgreSQL spell JSON
array functions differently. Measured on the demo database (SQLite, 2 cores): 0.04 s for
the 1,577 texts of a 30-day window, 0.5 s for all 18,606; a window of several hundred
thousand texts would want a pre-aggregated table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from manyi.errors import InvalidInput, NotFound
from manyi.stats.metrics import two_proportion_z, wilson_interval
from manyi.storage.database import Database
from manyi.storage.tables import AnswerEnrichmentRow, AnswerRow, FeedbackItemRow
from manyi.storage.types import utcnow
from manyi.text.taxonomy import default_taxonomy
from manyi.text.topics import benjamini_hochberg

__all__ = [
    "AspectTheme",
    "FeedbackThemes",
    "ThemeComment",
    "ThemeComments",
    "feedback_themes",
    "theme_comments",
]

LABELS = ("negative", "neutral", "positive")
#: Comments per page of :func:`theme_comments`.
PAGE_SIZE = 50


@dataclass(frozen=True)
class AspectTheme:
    """One aspect in the window.

    ``negative_ci`` is the Wilson 95 % interval of ``negative / mentions``. The
    ``previous_*`` counts are of the ``days`` before the window; ``change`` is the
    negative share now minus then and ``change_p`` the two-sided p value of the pooled
    two-proportion z test (both ``None`` when the aspect was not mentioned then; ``change_p``
    also when neither window has a negative mention or both have only negative ones).
    ``change_q`` is ``change_p`` adjusted by Benjamini–Hochberg across the aspects
    returned, so "significant" means q < 0.05 among the ten listed, not ten chances at
    p < 0.05.
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
    previous_mentions: int = 0
    previous_negative: int = 0
    change: float | None = None
    change_p: float | None = None
    change_q: float | None = None


@dataclass(frozen=True)
class FeedbackThemes:
    """The enriched text of the window: how many, their sentiment, the top aspects."""

    days: int
    analysed: int
    pending: int
    sentiment: dict[str, int]
    aspects: list[AspectTheme]


def _names(code: str, stored: dict[str, Any]) -> tuple[str, str, str | None]:
    taxonomy = default_taxonomy()
    if code in taxonomy:
        aspect = taxonomy.get(code)
        return aspect.name("zh"), aspect.name("en"), aspect.dimension
    name = str(stored.get("name") or code)  # a user's own aspect: its stored name
    return name, name, stored.get("dimension")


def _recent_items(since: datetime) -> ColumnElement[bool]:
    return (FeedbackItemRow.occurred_at >= since) & ~FeedbackItemRow.is_duplicate


def _feedback_rows(since: datetime, *extra: Any) -> Select[Any]:
    """Enriched feedback items of the window: sentiment label, aspects, then ``extra``."""
    return select(FeedbackItemRow.sentiment_label, FeedbackItemRow.aspects, *extra).where(
        _recent_items(since), FeedbackItemRow.enriched_at.is_not(None)
    )


def _answer_rows(since: datetime, *extra: Any) -> Select[Any]:
    """Enriched open answers of the window: sentiment label, aspects, then ``extra``."""
    return (
        select(AnswerEnrichmentRow.sentiment_label, AnswerEnrichmentRow.aspects, *extra)
        .join(AnswerRow, AnswerRow.id == AnswerEnrichmentRow.answer_id)
        .where(AnswerRow.submitted_at >= since)
    )


def _mentions(found: object) -> Iterator[dict[str, Any]]:
    """The well-formed mentions of a stored aspects value.

    Stored JSON written by another tool or an older version may not have our shape: such
    entries are skipped, not fatal to the page.
    """
    for mention in found if isinstance(found, list) else []:
        if isinstance(mention, dict) and mention.get("code") and mention.get("label") in LABELS:
            yield mention


def feedback_themes(
    db: Database, *, days: int = 30, now: datetime | None = None, top: int = 10
) -> FeedbackThemes:
    """Sentiment and the ``top`` most mentioned aspects of the last ``days`` days."""
    since = (now or utcnow()) - timedelta(days=days)
    before = since - timedelta(days=days)
    rows: list[tuple[str | None, list[Any] | None]] = []
    earlier: list[list[Any] | None] = []
    with db.session() as s:
        for query in (
            _feedback_rows(before, FeedbackItemRow.occurred_at),
            _answer_rows(before, AnswerRow.submitted_at),
        ):
            for label, found, when in s.execute(query):
                if when >= since:
                    rows.append((label, found))
                else:
                    earlier.append(found)
        pending = int(
            s.scalar(
                select(func.count()).where(
                    _recent_items(since), FeedbackItemRow.enriched_at.is_(None)
                )
            )
            or 0
        )
    sentiment = Counter(label for label, _ in rows if label in LABELS)
    counts: dict[str, Counter[str]] = {}
    stored: dict[str, dict[str, Any]] = {}
    for _, found in rows:
        for mention in _mentions(found):
            code = str(mention["code"])
            counts.setdefault(code, Counter())[mention["label"]] += 1
            stored.setdefault(code, mention)
    then: dict[str, Counter[str]] = {}
    for found in earlier:
        for mention in _mentions(found):
            then.setdefault(str(mention["code"]), Counter())[mention["label"]] += 1
    themes = []
    for code, c in sorted(counts.items(), key=lambda kv: (-kv[1].total(), kv[0]))[:top]:
        n = c.total()
        name_zh, name_en, dimension = _names(code, stored[code])
        old = then.get(code, Counter())
        n_old = old.total()
        change = change_p = None
        if n_old:
            change = c["negative"] / n - old["negative"] / n_old
            _, p = two_proportion_z(c["negative"], n, old["negative"], n_old)
            change_p = None if p != p else p  # NaN: no variation to test
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
                n_old,
                old["negative"],
                change,
                change_p,
            )
        )
    tested = [(i, theme.change_p) for i, theme in enumerate(themes) if theme.change_p is not None]
    adjusted = benjamini_hochberg([p for _, p in tested])
    for (i, _), q in zip(tested, adjusted, strict=True):
        themes[i] = replace(themes[i], change_q=float(q))
    return FeedbackThemes(
        days, len(rows), pending, {k: sentiment.get(k, 0) for k in LABELS}, themes
    )


@dataclass(frozen=True)
class ThemeComment:
    """One comment that mentions the aspect.

    ``source`` is ``"feedback"`` (a feedback item; ``detail`` its kind, e.g. complaint)
    or ``"answer"`` (an open answer; ``detail`` the question code). ``text`` is the
    redacted text; ``before``/``evidence``/``after`` split it around the clause that
    mentions the aspect when that clause occurs in it verbatim (``evidence`` is empty
    otherwise and the clause is in ``clause``).
    """

    source: str
    id: int
    when: datetime
    detail: str
    text: str
    sentiment_label: str | None
    label: str
    score: float
    clause: str
    before: str
    evidence: str
    after: str


@dataclass(frozen=True)
class ThemeComments:
    """A page of the comments behind one aspect, and how many there are per label."""

    code: str
    name_zh: str
    name_en: str
    dimension: str | None
    days: int
    label: str | None
    counts: dict[str, int]
    total: int
    page: int
    pages: int
    comments: list[ThemeComment]


def _comment(
    source: str,
    row_id: int,
    when: datetime,
    detail: str,
    text: str | None,
    label: str | None,
    mention: dict[str, Any],
) -> ThemeComment:
    body = text or ""
    clause = str(mention.get("evidence") or "")
    at = body.find(clause) if clause else -1
    before, evidence, after = (
        (body[:at], clause, body[at + len(clause) :]) if at >= 0 else (body, "", "")
    )
    score = mention.get("score")
    return ThemeComment(
        source,
        row_id,
        when,
        detail,
        body,
        label,
        str(mention["label"]),
        float(score) if isinstance(score, int | float) else 0.0,
        clause,
        before,
        evidence,
        after,
    )


def theme_comments(
    db: Database,
    code: str,
    *,
    label: str | None = None,
    days: int = 30,
    now: datetime | None = None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> ThemeComments:
    """The comments of the last ``days`` days that mention aspect ``code``, newest first.

    Parameters
    ----------
    db : Database
    code : str
        Aspect code (``price``, ``delivery``, … or a user's own).
    label : {"negative", "neutral", "positive"}, optional
        Only the comments where the aspect has this sentiment.
    days, now
        The window (as :func:`feedback_themes`).
    page, per_page
        Which page (1-based) and its size.

    Raises
    ------
    InvalidInput
        For an unknown ``label`` or a page below 1.
    NotFound
        When ``code`` is neither a default aspect nor mentioned in the window.
    """
    if label is not None and label not in LABELS:
        raise InvalidInput(f"label must be one of {', '.join(LABELS)}, not {label!r}")
    if page < 1 or per_page < 1:
        raise InvalidInput("page and per_page start at 1")
    since = (now or utcnow()) - timedelta(days=days)
    found: list[ThemeComment] = []
    first: dict[str, Any] = {}
    queries = (
        (
            "feedback",
            _feedback_rows(
                since,
                FeedbackItemRow.id,
                FeedbackItemRow.occurred_at,
                FeedbackItemRow.kind,
                FeedbackItemRow.redacted_text,
            ),
        ),
        (
            "answer",
            _answer_rows(
                since,
                AnswerRow.id,
                AnswerRow.submitted_at,
                AnswerEnrichmentRow.question,
                AnswerEnrichmentRow.redacted_text,
            ),
        ),
    )
    with db.session() as s:
        for source, query in queries:
            for sentiment_label, stored, row_id, when, detail, text in s.execute(query):
                mention = next((m for m in _mentions(stored) if m["code"] == code), None)
                if mention is not None:
                    first = first or mention
                    found.append(
                        _comment(source, row_id, when, detail, text, sentiment_label, mention)
                    )
    if not found and code not in default_taxonomy():
        raise NotFound(f"no aspect {code!r} mentioned in the last {days} days")
    counts = Counter(c.label for c in found)
    chosen = [c for c in found if label is None or c.label == label]
    chosen.sort(key=lambda c: (c.when, c.source, c.id), reverse=True)
    name_zh, name_en, dimension = _names(code, first)
    return ThemeComments(
        code,
        name_zh,
        name_en,
        dimension,
        days,
        label,
        {k: counts.get(k, 0) for k in LABELS},
        len(chosen),
        page,
        max(1, -(-len(chosen) // per_page)),
        chosen[(page - 1) * per_page : page * per_page],
    )
