"""Aspect-mention repository: the indexed reads behind "what customers talk about".

Counts come from the narrow ``aspect_mentions`` table (one row per aspect mentioned in an
enriched text, written by the enrichment job) with GROUP BY on its (occurred_at, aspect,
label) index, instead of reading every text's JSON in Python.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select, union_all
from sqlalchemy.orm import Session

from manyi.domain.scope import DepartmentScope
from manyi.storage.scoping import answer_in_scope, feedback_in_scope, mention_in_scope
from manyi.storage.tables import (
    AnswerEnrichmentRow,
    AnswerRow,
    AspectMentionRow,
    FeedbackItemRow,
)


@dataclass(frozen=True)
class AspectName:
    """How the enrichment named an aspect (the first stored mention's name and dimension)."""

    name: str
    dimension: str | None


@dataclass(frozen=True)
class MentionText:
    """One mention with the text it was found in."""

    source: str  # "feedback" or "answer"
    id: int
    when: datetime
    detail: str  # a feedback item's kind, an answer's question code
    text: str | None  # the redacted text
    sentiment_label: str | None  # the whole text's sentiment
    label: str  # the aspect's sentiment
    score: float | None
    evidence: str | None


def _window(
    since: datetime, until: datetime | None, scope: DepartmentScope | None = None
) -> ColumnElement[bool]:
    condition = (AspectMentionRow.occurred_at >= since) & AspectMentionRow.counted
    if until is not None:
        condition &= AspectMentionRow.occurred_at < until
    return condition & mention_in_scope(scope)


def mention_counts(
    session: Session,
    since: datetime,
    until: datetime | None = None,
    scope: DepartmentScope | None = None,
) -> dict[str, Counter[str]]:
    """aspect -> {label: mentions} in [since, until), duplicates of feedback left out
    (only the texts of ``scope``'s departments, storage/scoping.py)."""
    rows = session.execute(
        select(AspectMentionRow.aspect, AspectMentionRow.label, func.count())
        .where(_window(since, until, scope))
        .group_by(AspectMentionRow.aspect, AspectMentionRow.label)
    ).all()
    out: dict[str, Counter[str]] = {}
    for aspect, label, n in rows:
        out.setdefault(str(aspect), Counter())[str(label)] += int(n)
    return out


def aspect_names(session: Session, codes: list[str]) -> dict[str, AspectName]:
    """The stored name and dimension of each aspect code (its earliest mention's)."""
    if not codes:
        return {}
    first = (
        select(func.min(AspectMentionRow.id))
        .where(AspectMentionRow.aspect.in_(codes))
        .group_by(AspectMentionRow.aspect)
    )
    rows = session.execute(
        select(AspectMentionRow.aspect, AspectMentionRow.name, AspectMentionRow.dimension).where(
            AspectMentionRow.id.in_(first)
        )
    ).all()
    return {str(code): AspectName(str(name), dimension) for code, name, dimension in rows}


def enriched_sentiment(
    session: Session, since: datetime, scope: DepartmentScope | None = None
) -> tuple[int, Counter[str]]:
    """How many texts of the window (of ``scope``) are enriched, and their sentiment labels.

    Feedback items count by ``occurred_at`` (duplicates left out), open answers by the
    answer's ``submitted_at``.
    """
    feedback = (
        select(FeedbackItemRow.sentiment_label.label("label"), func.count().label("n"))
        .where(
            FeedbackItemRow.occurred_at >= since,
            ~FeedbackItemRow.is_duplicate,
            FeedbackItemRow.enriched_at.is_not(None),
            feedback_in_scope(scope),
        )
        .group_by(FeedbackItemRow.sentiment_label)
    )
    answers = (
        select(AnswerEnrichmentRow.sentiment_label.label("label"), func.count().label("n"))
        .join(AnswerRow, AnswerRow.id == AnswerEnrichmentRow.answer_id)
        .where(AnswerRow.submitted_at >= since, answer_in_scope(scope))
        .group_by(AnswerEnrichmentRow.sentiment_label)
    )
    total = 0
    labels: Counter[str] = Counter()
    for label, n in session.execute(union_all(feedback, answers)).all():
        total += int(n)
        if label is not None:
            labels[str(label)] += int(n)
    return total, labels


def pending_feedback_count(
    session: Session, since: datetime, scope: DepartmentScope | None = None
) -> int:
    """Feedback items of the window (of ``scope``) that the enrichment job has not
    analysed yet."""
    return int(
        session.scalar(
            select(func.count()).where(
                FeedbackItemRow.occurred_at >= since,
                ~FeedbackItemRow.is_duplicate,
                FeedbackItemRow.enriched_at.is_(None),
                feedback_in_scope(scope),
            )
        )
        or 0
    )


def aspect_label_counts(
    session: Session, code: str, since: datetime, scope: DepartmentScope | None = None
) -> Counter[str]:
    """{label: mentions} of one aspect since ``since`` (in ``scope``)."""
    rows = session.execute(
        select(AspectMentionRow.label, func.count())
        .where(_window(since, None, scope), AspectMentionRow.aspect == code)
        .group_by(AspectMentionRow.label)
    ).all()
    return Counter({str(label): int(n) for label, n in rows})


def _mention_text_select(source: str, item: tuple[Any, Any, Any], sentiment: Any) -> Any:
    """One side of :func:`mention_texts`' union: the item's (id, detail, text) columns,
    the whole text's sentiment and the mention's own columns, under shared labels."""
    item_id, detail, text = item
    m = AspectMentionRow
    return select(
        literal(source).label("source"),
        item_id.label("id"),
        m.occurred_at.label("when"),
        detail.label("detail"),
        text.label("text"),
        sentiment.label("sentiment"),
        m.label.label("label"),
        m.score.label("score"),
        m.evidence.label("evidence"),
    )


def mention_texts(
    session: Session,
    code: str,
    since: datetime,
    *,
    label: str | None,
    limit: int,
    offset: int,
    scope: DepartmentScope | None = None,
) -> list[MentionText]:
    """The texts mentioning aspect ``code`` since ``since`` (in ``scope``), newest first,
    one page of them."""
    condition = _window(since, None, scope) & (AspectMentionRow.aspect == code)
    if label is not None:
        condition &= AspectMentionRow.label == label
    feedback = _mention_text_select(
        "feedback",
        (FeedbackItemRow.id, FeedbackItemRow.kind, FeedbackItemRow.text),
        FeedbackItemRow.sentiment_label,
    ).join(FeedbackItemRow, FeedbackItemRow.id == AspectMentionRow.feedback_id)
    answers = (
        _mention_text_select(
            "answer",
            (AnswerRow.id, AnswerRow.question, AnswerRow.text),
            AnswerEnrichmentRow.sentiment_label,
        )
        .join(AnswerRow, AnswerRow.id == AspectMentionRow.answer_id)
        .join(AnswerEnrichmentRow, AnswerEnrichmentRow.answer_id == AnswerRow.id)
    )
    feedback, answers = feedback.where(condition), answers.where(condition)
    both = union_all(feedback, answers).subquery()
    rows: list[Any] = list(
        session.execute(
            select(both)
            .order_by(both.c.when.desc(), both.c.source.desc(), both.c.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
    )
    return [
        MentionText(
            str(r.source),
            int(r.id),
            r.when,
            str(r.detail),
            r.text,
            r.sentiment,
            str(r.label),
            float(r.score) if r.score is not None else None,
            r.evidence,
        )
        for r in rows
    ]
