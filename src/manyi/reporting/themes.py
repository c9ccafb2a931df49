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

Aspects are counted in the database from the narrow ``aspect_mentions`` table that the
enrichment job writes (:mod:`manyi.storage.mentions`), with GROUP BY on an index, not
by reading each text's JSON in Python: read times at the demo size and at ten times its
feedback volume are in docs/performance.md.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from manyi.domain.scope import EVERYTHING, DepartmentScope
from manyi.errors import InvalidInput, NotFound
from manyi.stats.metrics import two_proportion_z, wilson_interval
from manyi.stats.multiple_testing import benjamini_hochberg
from manyi.storage.database import Database
from manyi.storage.mentions import (
    MentionText,
    aspect_label_counts,
    aspect_names,
    enriched_sentiment,
    mention_counts,
    mention_texts,
    pending_feedback_count,
)
from manyi.storage.types import utcnow
from manyi.text.taxonomy import default_taxonomy

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


def _names(
    code: str, stored_name: str | None, stored_dimension: str | None
) -> tuple[str, str, str | None]:
    taxonomy = default_taxonomy()
    if code in taxonomy:
        aspect = taxonomy.get(code)
        return aspect.name("zh"), aspect.name("en"), aspect.dimension
    name = stored_name or code  # a user's own aspect: its stored name
    return name, name, stored_dimension


def feedback_themes(
    db: Database,
    *,
    days: int = 30,
    now: datetime | None = None,
    top: int = 10,
    scope: DepartmentScope = EVERYTHING,
) -> FeedbackThemes:
    """Sentiment and the ``top`` most mentioned aspects of the last ``days`` days (of the
    texts of ``scope``'s departments)."""
    since = (now or utcnow()) - timedelta(days=days)
    before = since - timedelta(days=days)
    with db.session() as s:
        counts = mention_counts(s, since, scope=scope)
        then = mention_counts(s, before, since, scope=scope)
        analysed, sentiment = enriched_sentiment(s, since, scope)
        pending = pending_feedback_count(s, since, scope)
        listed = sorted(counts.items(), key=lambda kv: (-kv[1].total(), kv[0]))[:top]
        stored = aspect_names(s, [code for code, _ in listed])
    themes = []
    for code, c in listed:
        n = c.total()
        found = stored.get(code)
        name_zh, name_en, dimension = _names(
            code, found.name if found else None, found.dimension if found else None
        )
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
    return FeedbackThemes(days, analysed, pending, {k: sentiment.get(k, 0) for k in LABELS}, themes)


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


def _comment(m: MentionText) -> ThemeComment:
    body = m.text or ""
    clause = m.evidence or ""
    at = body.find(clause) if clause else -1
    before, evidence, after = (
        (body[:at], clause, body[at + len(clause) :]) if at >= 0 else (body, "", "")
    )
    return ThemeComment(
        m.source,
        m.id,
        m.when,
        m.detail,
        body,
        m.sentiment_label,
        m.label,
        m.score if m.score is not None else 0.0,
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
    scope: DepartmentScope = EVERYTHING,
) -> ThemeComments:
    """The comments of the last ``days`` days that mention aspect ``code``, newest first
    (only those of ``scope``'s departments).

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
    with db.session() as s:
        counts = aspect_label_counts(s, code, since, scope)
        if not counts and code not in default_taxonomy():
            raise NotFound(f"no aspect {code!r} mentioned in the last {days} days")
        total = counts[label] if label is not None else counts.total()
        comments = [
            _comment(m)
            for m in mention_texts(
                s,
                code,
                since,
                label=label,
                limit=per_page,
                offset=(page - 1) * per_page,
                scope=scope,
            )
        ]
        stored = aspect_names(s, [code]).get(code)
    name_zh, name_en, dimension = _names(
        code, stored.name if stored else None, stored.dimension if stored else None
    )
    return ThemeComments(
        code,
        name_zh,
        name_en,
        dimension,
        days,
        label,
        {k: counts.get(k, 0) for k in LABELS},
        total,
        page,
        max(1, -(-total // per_page)),
        comments,
    )
