"""Alert rules: manage them, and evaluate them on new responses and feedback items.

:func:`evaluate_items` runs after the intake transaction commits (the job
``evaluate-alerts``, queued by the intake pipeline's ``alerts`` hook), and
:func:`evaluate_enriched` after each enrichment run, for the rules on aspects and
sentiment. A rule fires at most once per item (unique hit per rule and item), so the two
evaluations never open two cases. Each hit is logged with its reasons and actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from manyi.domain.alert_rules import (
    APPLIES_TO,
    ItemFacts,
    ItemKind,
    match,
    validate_actions,
    validate_condition,
)
from manyi.domain.cases import CaseOrigin
from manyi.domain.metric_rules import validate_metric_conditions
from manyi.errors import InvalidInput, NotFound
from manyi.storage.alert_rules import (
    claim_hit,
    delete_rule,
    enriched_since,
    feedback_facts,
    hit_counts,
    insert_rule,
    response_facts,
    rule_hits,
    rule_row,
    rule_rows,
    tag_item,
)
from manyi.storage.audit import add_audit_entry
from manyi.storage.database import Database
from manyi.storage.tables import AlertRuleRow
from manyi.workflow.cases import Actor, CaseNew, managers_of, open_case_in
from manyi.workflow.config import WorkflowConfig, now_or
from manyi.workflow.followup import record_followup_answer
from manyi.workflow.notifications import queue_notification

RULES_JOB = Actor(None, "job:alert-rules")


@dataclass(frozen=True)
class AlertRule:
    id: int
    name: str
    description: str
    enabled: bool
    applies_to: str
    conditions: list[dict[str, Any]]
    actions: dict[str, Any]
    hits: int = 0
    last_hit_at: datetime | None = None


@dataclass(frozen=True)
class RuleHit:
    id: int
    at: datetime
    response_id: int | None
    feedback_id: int | None
    case_id: int | None
    matched: list[str]
    actions_taken: list[str]
    #: A metric rule's hit: the signal, the last day it measured, its numbers and link.
    signal_key: str | None = None
    period_end: date | None = None
    detail: dict[str, Any] | None = None


def _rule(row: AlertRuleRow, counts: dict[int, tuple[int, datetime | None]]) -> AlertRule:
    n, last = counts.get(row.id, (0, None))
    return AlertRule(
        row.id,
        row.name,
        row.description,
        row.enabled,
        row.applies_to,
        list(row.conditions),
        dict(row.actions),
        n,
        last,
    )


def _checked(name: str, applies_to: str, conditions: Sequence[Any], actions: Any) -> dict[str, Any]:
    name = " ".join(str(name).split())
    if not name:
        raise InvalidInput("a rule needs a name")
    if applies_to not in APPLIES_TO:
        raise InvalidInput(f"a rule applies to {', '.join(APPLIES_TO)}, not {applies_to!r}")
    if not conditions:
        raise InvalidInput("a rule needs at least one condition")
    try:
        if applies_to == "metric":
            checked = validate_metric_conditions(list(conditions))
        else:
            checked = [validate_condition(c) for c in conditions]
        acts = validate_actions(actions or {})
    except (ValueError, TypeError, AttributeError) as error:
        raise InvalidInput(str(error)) from error
    return {"name": name[:200], "applies_to": applies_to, "conditions": checked, "actions": acts}


def list_rules(db: Database) -> list[AlertRule]:
    with db.session() as s:
        counts = hit_counts(s)
        return [_rule(r, counts) for r in rule_rows(s)]


def get_rule(db: Database, rule_id: int) -> tuple[AlertRule, list[RuleHit]]:
    with db.session() as s:
        row = rule_row(s, rule_id)
        if row is None:
            raise NotFound(f"no alert rule with id {rule_id}")
        hits = [
            RuleHit(
                h.id,
                h.at,
                h.response_id,
                h.feedback_id,
                h.case_id,
                list(h.matched),
                list(h.actions_taken),
                h.signal_key,
                h.period_end,
                dict(h.detail) if h.detail is not None else None,
            )
            for h in rule_hits(s, rule_id)
        ]
        return _rule(row, hit_counts(s)), hits


def create_rule(
    db: Database,
    *,
    name: str,
    conditions: Sequence[Any],
    actions: Any,
    applies_to: str = "any",
    description: str = "",
    enabled: bool = True,
    actor: Actor,
) -> AlertRule:
    values = _checked(name, applies_to, conditions, actions)
    with db.session() as s:
        row = insert_rule(
            s,
            {**values, "description": description, "enabled": enabled, "created_by": actor.user_id},
        )
        add_audit_entry(
            s,
            action="alert-rule-created",
            subject_kind="alert_rule",
            subject_id=row.id,
            detail=values,
            actor=actor.label,
            actor_user_id=actor.user_id,
        )
        return _rule(row, {})


def update_rule(db: Database, rule_id: int, actor: Actor, **changes: Any) -> AlertRule:
    with db.session() as s:
        row = rule_row(s, rule_id)
        if row is None:
            raise NotFound(f"no alert rule with id {rule_id}")
        merged: dict[str, Any] = {
            "name": changes.get("name") if changes.get("name") is not None else row.name,
            "applies_to": changes.get("applies_to") or row.applies_to,
            "conditions": changes["conditions"]
            if changes.get("conditions") is not None
            else row.conditions,
            "actions": changes["actions"] if changes.get("actions") is not None else row.actions,
        }
        values = _checked(
            merged["name"], merged["applies_to"], merged["conditions"], merged["actions"]
        )
        for key, value in values.items():
            setattr(row, key, value)
        if changes.get("enabled") is not None:
            row.enabled = bool(changes["enabled"])
        if changes.get("description") is not None:
            row.description = str(changes["description"])
        row.updated_at = now_or(None)
        add_audit_entry(
            s,
            action="alert-rule-updated",
            subject_kind="alert_rule",
            subject_id=row.id,
            detail={**values, "enabled": row.enabled},
            actor=actor.label,
            actor_user_id=actor.user_id,
        )
        s.flush()
        return _rule(row, hit_counts(s))


def remove_rule(db: Database, rule_id: int, actor: Actor) -> None:
    with db.session() as s:
        if not delete_rule(s, rule_id):
            raise NotFound(f"no alert rule with id {rule_id}")
        add_audit_entry(
            s,
            action="alert-rule-deleted",
            subject_kind="alert_rule",
            subject_id=rule_id,
            actor=actor.label,
            actor_user_id=actor.user_id,
        )


# --------------------------------------------------------------------------- evaluation


def _title(rule: AlertRuleRow, facts: ItemFacts, reasons: list[str]) -> str:
    what = "response" if facts.kind == "response" else "feedback"
    return f"{rule.name}: {what} #{facts.item_id} ({'; '.join(reasons)})"


def _fire(
    s: Session,
    rule: AlertRuleRow,
    facts: ItemFacts,
    reasons: list[str],
    config: WorkflowConfig,
    at: datetime,
) -> int | None:
    hit = claim_hit(s, rule.id, facts.kind, facts.item_id, reasons, at)
    if hit is None:
        return None
    actions = rule.actions
    taken: list[str] = []
    case_id = None
    if actions.get("tag"):
        tag_item(s, facts.kind, facts.item_id, actions["tag"])
        taken.append(f"tagged {actions['tag']}")
    if actions.get("open_case"):
        negative = sorted(facts.negative_aspects)
        case = open_case_in(
            s,
            CaseNew(
                title=_title(rule, facts, reasons),
                origin=CaseOrigin.RULE,
                description=facts.text[:2000],
                importance=actions.get("importance", 2),
                urgency=actions.get("urgency", 2),
                customer_id=facts.customer_id,
                response_id=facts.item_id if facts.kind == "response" else None,
                feedback_id=facts.item_id if facts.kind == "feedback" else None,
                rule_id=rule.id,
                touchpoint_id=facts.touchpoint_id,
                channel_id=facts.channel_id,
                department_id=facts.department_id if facts.touchpoint_id is None else None,
                aspect=negative[0] if negative else None,
                region=(str(facts.segments["region"]) if facts.segments.get("region") else None),
                tags=(actions["tag"],) if actions.get("tag") else (),
            ),
            RULES_JOB,
            config,
            at,
        )
        case_id = case.id
        hit.case_id = case.id
        taken.append(f"opened case {case.id}")
    users = list(actions.get("notify_user_ids") or [])
    if actions.get("notify_department"):
        users += managers_of(s, facts.department_id)
    if users:
        queue_notification(
            s,
            event="alert-rule-hit",
            subject_kind="alert_rule",
            subject_id=rule.id,
            user_ids=users,
            title=_title(rule, facts, reasons)[:300],
            body=facts.text[:1000],
            payload={
                "rule_id": rule.id,
                f"{facts.kind}_id": facts.item_id,
                "case_id": case_id,
                "reasons": reasons,
            },
            at=at,
        )
        taken.append(f"notified {len(set(users))} user(s)")
    hit.actions_taken = taken
    return case_id


def _too_old(facts: ItemFacts, config: WorkflowConfig, now: datetime) -> bool:
    """Whether the item happened too long ago for an alert: a back-filled import of last
    year's complaints (or the demo's history) must not flood the case inbox today."""
    if not config.alert_max_age_days or facts.occurred_at is None:
        return False
    return now - facts.occurred_at > timedelta(days=config.alert_max_age_days)


def evaluate_in(
    s: Session,
    kind: ItemKind,
    ids: Sequence[int],
    config: WorkflowConfig,
    at: datetime | None = None,
) -> list[int]:
    """Evaluate the enabled rules on the items in the caller's transaction; the ids of
    the cases opened."""
    now = now_or(at)
    rules = [r for r in rule_rows(s, enabled_only=True) if r.applies_to in ("any", kind)]
    opened: list[int] = []
    for item_id in ids:
        facts = response_facts(s, item_id) if kind == "response" else feedback_facts(s, item_id)
        if facts is None:
            continue
        if kind == "response" and facts.external_key:
            record_followup_answer(s, facts, now)
        if _too_old(facts, config, now):
            continue
        for rule in rules:
            reasons = match(rule.conditions, facts)
            if reasons is not None:
                case_id = _fire(s, rule, facts, reasons, config, now)
                if case_id is not None:
                    opened.append(case_id)
    return opened


def evaluate_items(
    db: Database,
    kind: ItemKind,
    ids: Sequence[int],
    config: WorkflowConfig,
    at: datetime | None = None,
) -> list[int]:
    """Evaluate the rules on new responses or feedback items (one transaction)."""
    if kind not in ("response", "feedback"):
        raise InvalidInput(f"alert rules look at responses or feedback, not {kind!r}")
    with db.session() as s:
        return evaluate_in(s, kind, list(ids), config, at)


def evaluate_enriched(db: Database, since: datetime, config: WorkflowConfig) -> list[int]:
    """Evaluate the rules again on the items enriched since ``since`` (aspect rules)."""
    with db.session() as s:
        responses, feedback = enriched_since(s, since)
        return evaluate_in(s, "response", responses, config) + evaluate_in(
            s, "feedback", feedback, config
        )
