"""Alert rules: typed conditions on one response or feedback item, and what a hit does.

A rule holds a list of conditions, all of which must hold (``and``); each condition is a
small dict with a ``kind``::

    {"kind": "nps_at_most", "value": 6}            an NPS answer 0..value
    {"kind": "csat_at_most", "value": 2}           a CSAT answer ≤ value
    {"kind": "rating_at_most", "value": 2}         a feedback item's rating ≤ value
    {"kind": "answer", "question": "q3", "values": ["no"]}   an answer is one of values
    {"kind": "negative_aspect", "aspect": "delivery"}  negative on an aspect (after
                                                   enrichment; no ``aspect``: any aspect)
    {"kind": "keywords", "any": ["投诉", "退款"]}   the text holds one of the words
    {"kind": "tier", "in": ["gold"]}               the customer's segments.tier
    {"kind": "touchpoint", "in": ["delivery"]}     touchpoint code
    {"kind": "channel", "in": ["app"]}             channel code

Actions: ``{"open_case": true, "importance": 2, "urgency": 3, "notify_user_ids": [..],
"notify_department": true, "tag": "detractor"}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from manyi.domain.cases import LEVELS

ItemKind = Literal["response", "feedback"]
#: "metric": a rule on a measure over time (manyi.domain.metric_rules), evaluated by
#: the periodic job, not at intake.
APPLIES_TO = ("any", "response", "feedback", "metric")
CONDITION_KINDS = (
    "nps_at_most",
    "csat_at_most",
    "rating_at_most",
    "answer",
    "negative_aspect",
    "keywords",
    "tier",
    "touchpoint",
    "channel",
)


@dataclass(frozen=True)
class ItemFacts:
    """What the rules may look at in one response or feedback item."""

    kind: ItemKind
    item_id: int
    nps: tuple[float, ...] = ()
    csat: tuple[float, ...] = ()
    rating: float | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""
    #: Aspects with a negative mention; ``enriched`` says whether enrichment has run.
    negative_aspects: frozenset[str] = frozenset()
    enriched: bool = False
    segments: Mapping[str, Any] = field(default_factory=dict)
    touchpoint: str | None = None
    channel: str | None = None
    customer_id: int | None = None
    touchpoint_id: int | None = None
    channel_id: int | None = None
    department_id: int | None = None
    external_key: str | None = None
    #: When the response was submitted or the feedback happened (naive UTC).
    occurred_at: datetime | None = None


def _number(condition: Mapping[str, Any], key: str = "value") -> float:
    value = condition.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"condition {condition.get('kind')!r} needs a number in {key!r}")
    return float(value)


def _strings(condition: Mapping[str, Any], key: str) -> list[str]:
    value = condition.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"condition {condition.get('kind')!r} needs a non-empty list {key!r}")
    return list(value)


def validate_condition(condition: Mapping[str, Any]) -> dict[str, Any]:
    """The condition, checked; ValueError naming what is wrong."""
    kind = condition.get("kind")
    if kind not in CONDITION_KINDS:
        raise ValueError(f"unknown condition kind {kind!r}; kinds: {', '.join(CONDITION_KINDS)}")
    if kind in ("nps_at_most", "csat_at_most", "rating_at_most"):
        return {"kind": kind, "value": _number(condition)}
    if kind == "answer":
        question = condition.get("question")
        if not isinstance(question, str) or not question:
            raise ValueError("condition 'answer' needs the question's code in 'question'")
        values = condition.get("values")
        if not isinstance(values, list) or not values:
            raise ValueError("condition 'answer' needs a non-empty list 'values'")
        return {"kind": kind, "question": question, "values": [str(v) for v in values]}
    if kind == "negative_aspect":
        aspect = condition.get("aspect")
        if aspect is not None and (not isinstance(aspect, str) or not aspect):
            raise ValueError("condition 'negative_aspect' takes an aspect code or none")
        return {"kind": kind, "aspect": aspect}
    if kind == "keywords":
        return {"kind": kind, "any": _strings(condition, "any")}
    return {"kind": kind, "in": _strings(condition, "in")}


def validate_actions(actions: Mapping[str, Any]) -> dict[str, Any]:
    """The actions, checked and completed with defaults; ValueError naming what is wrong."""
    known = {"open_case", "importance", "urgency", "notify_user_ids", "notify_department", "tag"}
    unknown = set(actions) - known
    if unknown:
        raise ValueError(
            f"unknown action(s) {', '.join(sorted(unknown))}; actions: {', '.join(sorted(known))}"
        )
    out: dict[str, Any] = {
        "open_case": bool(actions.get("open_case", False)),
        "importance": actions.get("importance", 2),
        "urgency": actions.get("urgency", 2),
        "notify_user_ids": actions.get("notify_user_ids", []),
        "notify_department": bool(actions.get("notify_department", False)),
        "tag": actions.get("tag") or None,
    }
    for key in ("importance", "urgency"):
        if out[key] not in LEVELS:
            raise ValueError(f"{key} is 1 (low), 2 or 3 (high), not {out[key]!r}")
    ids = out["notify_user_ids"]
    if not isinstance(ids, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in ids
    ):
        raise ValueError("notify_user_ids is a list of user ids")
    if out["tag"] is not None and (not isinstance(out["tag"], str) or len(out["tag"]) > 64):
        raise ValueError("a tag is a text of at most 64 characters")
    if not (out["open_case"] or ids or out["notify_department"] or out["tag"]):
        raise ValueError("a rule needs at least one action: open a case, notify, or tag")
    return out


def _values(answer: Any) -> list[str]:
    if isinstance(answer, list):
        return [str(v) for v in answer]
    if isinstance(answer, dict):
        return [str(v) for v in answer.values()]
    return [str(answer)]


def _at_most(values: tuple[float, ...], limit: float, label: str) -> str | None:
    low = [v for v in values if v <= limit]
    return f"{label} {min(low):g} ≤ {limit:g}" if low else None


def _one(condition: Mapping[str, Any], facts: ItemFacts) -> str | None:
    """Why ``condition`` holds for ``facts`` (a short reason), or None when it does not."""
    kind = condition["kind"]
    checks: dict[str, Callable[[], str | None]] = {
        "nps_at_most": lambda: _at_most(facts.nps, condition["value"], "NPS"),
        "csat_at_most": lambda: _at_most(facts.csat, condition["value"], "CSAT"),
        "rating_at_most": lambda: _at_most(
            () if facts.rating is None else (facts.rating,), condition["value"], "rating"
        ),
    }
    if kind in checks:
        return checks[kind]()
    if kind == "answer":
        given = facts.answers.get(condition["question"])
        hit = given is not None and set(_values(given)) & set(condition["values"])
        return f"{condition['question']} = {', '.join(sorted(hit))}" if hit else None
    if kind == "negative_aspect":
        aspect = condition.get("aspect")
        if aspect is None:
            found = sorted(facts.negative_aspects)
            return f"negative on {', '.join(found)}" if found else None
        return f"negative on {aspect}" if aspect in facts.negative_aspects else None
    if kind == "keywords":
        text = facts.text.casefold()
        words = [w for w in condition["any"] if w.casefold() in text]
        return f"mentions {', '.join(words)}" if words else None
    value = {
        "tier": facts.segments.get("tier"),
        "touchpoint": facts.touchpoint,
        "channel": facts.channel,
    }[kind]
    return f"{kind} {value}" if value is not None and str(value) in condition["in"] else None


def needs_enrichment(conditions: list[Mapping[str, Any]]) -> bool:
    return any(c["kind"] == "negative_aspect" for c in conditions)


def match(conditions: list[Mapping[str, Any]], facts: ItemFacts) -> list[str] | None:
    """The reasons when every condition holds, else None. A rule with an aspect condition
    waits for enrichment (None before it), and is evaluated again after it."""
    if not conditions:
        return None
    if needs_enrichment(conditions) and not facts.enriched:
        return None
    reasons = []
    for condition in conditions:
        reason = _one(condition, facts)
        if reason is None:
            return None
        reasons.append(reason)
    return reasons
