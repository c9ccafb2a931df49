"""Alert rules repository (``alert_rules``, ``alert_rule_hits``) and the facts a rule
looks at in one response or feedback item."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from manyi.domain.alert_rules import ItemFacts, ItemKind
from manyi.storage.tables import (
    AlertRuleHitRow,
    AlertRuleRow,
    AnswerEnrichmentRow,
    AnswerRow,
    AspectMentionRow,
    ChannelRow,
    CustomerRow,
    FeedbackItemRow,
    ResponseRow,
    SurveyVersionRow,
    TouchpointRow,
)


def rule_rows(session: Session, *, enabled_only: bool = False) -> list[AlertRuleRow]:
    query = select(AlertRuleRow).order_by(AlertRuleRow.id)
    if enabled_only:
        query = query.where(AlertRuleRow.enabled.is_(True))
    return list(session.scalars(query))


def rule_row(session: Session, rule_id: int) -> AlertRuleRow | None:
    return session.get(AlertRuleRow, rule_id)


def insert_rule(session: Session, values: dict[str, Any]) -> AlertRuleRow:
    row = AlertRuleRow(**values)
    session.add(row)
    session.flush()
    return row


def delete_rule(session: Session, rule_id: int) -> bool:
    row = session.get(AlertRuleRow, rule_id)
    if row is None:
        return False
    session.delete(row)
    return True


def hit_counts(session: Session) -> dict[int, tuple[int, datetime | None]]:
    rows = session.execute(
        select(AlertRuleHitRow.rule_id, func.count(), func.max(AlertRuleHitRow.at)).group_by(
            AlertRuleHitRow.rule_id
        )
    ).all()
    return {rid: (n, last) for rid, n, last in rows}


def claim_hit(
    session: Session, rule_id: int, kind: ItemKind, item_id: int, matched: list[str], at: datetime
) -> AlertRuleHitRow | None:
    """Record that ``rule_id`` matched the item, once: None when it already had (the
    unique (rule, item) key; a savepoint keeps the surrounding transaction usable)."""
    column = "response_id" if kind == "response" else "feedback_id"
    existing = session.scalars(
        select(AlertRuleHitRow).where(
            AlertRuleHitRow.rule_id == rule_id, getattr(AlertRuleHitRow, column) == item_id
        )
    ).first()
    if existing is not None:
        return None
    row = AlertRuleHitRow(
        rule_id=rule_id, matched=matched, actions_taken=[], at=at, **{column: item_id}
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # a concurrent evaluation of the same item won
        return None
    return row


def claim_signal_hit(
    session: Session,
    rule_id: int,
    signal_key: str,
    *,
    period_end: date,
    matched: list[str],
    detail: dict[str, Any],
    at: datetime,
) -> AlertRuleHitRow | None:
    """Record that the metric rule ``rule_id`` saw ``signal_key``, once: None when it
    already had (the unique (rule, signal) index; a savepoint keeps the transaction)."""
    existing = session.scalars(
        select(AlertRuleHitRow.id).where(
            AlertRuleHitRow.rule_id == rule_id, AlertRuleHitRow.signal_key == signal_key
        )
    ).first()
    if existing is not None:
        return None
    row = AlertRuleHitRow(
        rule_id=rule_id,
        signal_key=signal_key,
        period_end=period_end,
        matched=matched,
        detail=detail,
        actions_taken=[],
        at=at,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # a concurrent run claimed the same signal
        return None
    return row


def last_signal_end(session: Session, rule_id: int, prefix: str) -> date | None:
    """The latest ``period_end`` of the rule's hits whose signal starts with ``prefix``."""
    found: date | None = session.scalar(
        select(func.max(AlertRuleHitRow.period_end)).where(
            AlertRuleHitRow.rule_id == rule_id, AlertRuleHitRow.signal_key.startswith(prefix)
        )
    )
    return found


def rule_hits(session: Session, rule_id: int, *, limit: int = 100) -> list[AlertRuleHitRow]:
    return list(
        session.scalars(
            select(AlertRuleHitRow)
            .where(AlertRuleHitRow.rule_id == rule_id)
            .order_by(AlertRuleHitRow.at.desc(), AlertRuleHitRow.id.desc())
            .limit(limit)
        )
    )


def tag_item(session: Session, kind: ItemKind, item_id: int, tag: str) -> None:
    """Add ``tag`` to the item's ``metadata.tags`` (kept once)."""
    row: ResponseRow | FeedbackItemRow | None = (
        session.get(ResponseRow, item_id)
        if kind == "response"
        else session.get(FeedbackItemRow, item_id)
    )
    if row is None:
        return
    meta = dict(row.meta or {})
    tags = list(meta.get("tags") or [])
    if tag not in tags:
        meta["tags"] = [*tags, tag]
        row.meta = meta


# --------------------------------------------------------------------------- facts


def _codes(
    session: Session, touchpoint_id: int | None, channel_id: int | None
) -> tuple[str | None, int | None, str | None]:
    touchpoint = session.get(TouchpointRow, touchpoint_id) if touchpoint_id else None
    channel = session.get(ChannelRow, channel_id) if channel_id else None
    return (
        touchpoint.code if touchpoint else None,
        touchpoint.department_id if touchpoint else None,
        channel.code if channel else None,
    )


def _segments(session: Session, customer_id: int | None) -> dict[str, Any]:
    customer = session.get(CustomerRow, customer_id) if customer_id else None
    return dict(customer.segments or {}) if customer else {}


def response_facts(session: Session, response_id: int) -> ItemFacts | None:
    row = session.get(ResponseRow, response_id)
    if row is None:
        return None
    definition = (
        session.scalars(
            select(SurveyVersionRow.definition).where(
                SurveyVersionRow.survey_id == row.survey_id,
                SurveyVersionRow.version == row.survey_version,
            )
        ).first()
        or {}
    )
    kinds = {q.get("code"): q.get("kind") for q in definition.get("questions", [])}
    answers = dict(row.answers or {})

    def numbers(kind: str) -> tuple[float, ...]:
        return tuple(
            float(v)
            for code, v in answers.items()
            if kinds.get(code) == kind and isinstance(v, int | float) and not isinstance(v, bool)
        )

    text = " ".join(v for v in answers.values() if isinstance(v, str))
    answer_ids = select(AnswerRow.id).where(AnswerRow.response_id == response_id)
    negative = session.scalars(
        select(AspectMentionRow.aspect).where(
            AspectMentionRow.answer_id.in_(answer_ids), AspectMentionRow.label == "negative"
        )
    ).all()
    enriched = (
        session.scalar(
            select(func.count())
            .select_from(AnswerEnrichmentRow)
            .where(AnswerEnrichmentRow.answer_id.in_(answer_ids))
        )
        or 0
    ) > 0
    touchpoint, department_id, channel = _codes(session, row.touchpoint_id, row.channel_id)
    return ItemFacts(
        kind="response",
        item_id=row.id,
        nps=numbers("nps"),
        csat=numbers("csat"),
        answers=answers,
        text=text,
        negative_aspects=frozenset(negative),
        enriched=enriched,
        segments=_segments(session, row.customer_id),
        touchpoint=touchpoint,
        channel=channel,
        customer_id=row.customer_id,
        touchpoint_id=row.touchpoint_id,
        channel_id=row.channel_id,
        department_id=department_id,
        external_key=row.external_key,
        occurred_at=row.submitted_at,
    )


def feedback_facts(session: Session, feedback_id: int) -> ItemFacts | None:
    row = session.get(FeedbackItemRow, feedback_id)
    if row is None or row.is_duplicate:
        return None
    negative = session.scalars(
        select(AspectMentionRow.aspect).where(
            AspectMentionRow.feedback_id == feedback_id, AspectMentionRow.label == "negative"
        )
    ).all()
    touchpoint, touchpoint_department, channel = _codes(session, row.touchpoint_id, row.channel_id)
    return ItemFacts(
        kind="feedback",
        item_id=row.id,
        rating=row.rating,
        text=row.text or "",
        negative_aspects=frozenset(negative),
        enriched=row.enriched_at is not None,
        segments=_segments(session, row.customer_id),
        touchpoint=touchpoint,
        channel=channel,
        customer_id=row.customer_id,
        touchpoint_id=row.touchpoint_id,
        channel_id=row.channel_id,
        department_id=row.department_id or touchpoint_department,
        occurred_at=row.occurred_at,
    )


def enriched_since(session: Session, since: datetime) -> tuple[list[int], list[int]]:
    """(response ids, feedback ids) enriched at or after ``since``."""
    responses = session.scalars(
        select(AnswerRow.response_id)
        .join(AnswerEnrichmentRow, AnswerEnrichmentRow.answer_id == AnswerRow.id)
        .where(AnswerEnrichmentRow.enriched_at >= since)
        .distinct()
    ).all()
    feedback = session.scalars(
        select(FeedbackItemRow.id).where(FeedbackItemRow.enriched_at >= since)
    ).all()
    return list(responses), list(feedback)


def item_ids_exist(session: Session, kind: ItemKind, ids: Sequence[int]) -> list[int]:
    table = ResponseRow if kind == "response" else FeedbackItemRow
    return list(session.scalars(select(table.id).where(table.id.in_(list(ids)))))
