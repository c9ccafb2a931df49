"""Metric alert rules: conditions on a measure over time rather than on one item.

A rule with ``applies_to="metric"`` holds exactly one of these conditions::

    {"kind": "metric_drop", "metric": "nps", "days": 30,
     "survey_id": 3, "department": "LOG", "touchpoint": "delivery"}
        the measure of the last ``days`` days fell significantly against the ``days``
        before (the dashboard's Holm-adjusted change, q < 0.05)
    {"kind": "control_chart", "metric": "nps", "granularity": "month", ...}
        the latest trend point (or the one before it) lies below the lower control limit
    {"kind": "emerging_aspect", "survey_id": 3, "aspect": "delivery", ...}
        the text explorer's emerging aspects (BH q ≤ 0.05, rising share of mentions)
        name the aspect (no ``aspect``: any aspect)

``survey_id``, ``department`` and ``touchpoint`` narrow what is measured (None: every
survey, the whole company); ``route_to`` (a department code) is where the rule's case
goes (default: the department measured, else the touchpoint's department). For every measure here higher is better (CES is asked the
CES 2.0 way, "it was easy", as ``manyi.stats.metrics.ces`` assumes by default), so a
fall is what a rule looks for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

METRIC_KINDS = ("metric_drop", "control_chart", "emerging_aspect")
METRICS = ("nps", "csat", "ces", "csi")
#: The dashboard draws no control chart for the CSI (no per-answer score).
CHART_METRICS = ("nps", "csat", "ces")
PERIOD_DAYS = (7, 14, 30, 90)
CHART_GRANULARITIES = ("day", "week", "month")
#: How far back a control chart looks for its limits, per granularity.
CHART_WINDOW_DAYS = {"day": 30, "week": 182, "month": 365}
#: How far back the emerging aspects read (the last month is compared with the rest).
EMERGING_WINDOW_DAYS = 180
_CODE_MAX = 64


def is_metric_condition(condition: Mapping[str, Any]) -> bool:
    return condition.get("kind") in METRIC_KINDS


def _code(condition: Mapping[str, Any], key: str) -> str | None:
    value = condition.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > _CODE_MAX:
        raise ValueError(f"{key} is a code of at most {_CODE_MAX} characters")
    return value


def _survey(condition: Mapping[str, Any], *, required: bool) -> int | None:
    value = condition.get("survey_id")
    if value is None or value == "":
        if required:
            raise ValueError(f"condition {condition['kind']!r} needs a survey_id")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("survey_id is a survey's id (a positive number)")
    return value


def _choice(condition: Mapping[str, Any], key: str, allowed: tuple[Any, ...], default: Any) -> Any:
    value = condition.get(key, default)
    if value not in allowed:
        shown = ", ".join(str(a) for a in allowed)
        raise ValueError(f"condition {condition['kind']!r}: {key} is one of {shown}, not {value!r}")
    return value


def validate_metric_condition(condition: Mapping[str, Any]) -> dict[str, Any]:
    """The metric condition, checked and completed; ValueError naming what is wrong."""
    kind = condition.get("kind")
    if kind not in METRIC_KINDS:
        raise ValueError(
            f"a metric rule's condition is one of {', '.join(METRIC_KINDS)}, not {kind!r}"
        )
    out: dict[str, Any] = {
        "kind": kind,
        "survey_id": _survey(condition, required=kind == "emerging_aspect"),
        "department": _code(condition, "department"),
        "touchpoint": _code(condition, "touchpoint"),
        "route_to": _code(condition, "route_to"),
    }
    if kind == "metric_drop":
        out["metric"] = _choice(condition, "metric", METRICS, None)
        out["days"] = _choice(condition, "days", PERIOD_DAYS, 30)
    elif kind == "control_chart":
        out["metric"] = _choice(condition, "metric", CHART_METRICS, None)
        out["granularity"] = _choice(condition, "granularity", CHART_GRANULARITIES, "month")
    else:
        out["aspect"] = _code(condition, "aspect")
    return out


def validate_metric_conditions(conditions: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if len(conditions) != 1:
        raise ValueError("a metric rule has exactly one condition")
    return [validate_metric_condition(conditions[0])]


def describe(condition: Mapping[str, Any]) -> str:
    """One line naming what the condition watches (the hit log and the case title)."""
    where = [
        f"survey {condition['survey_id']}" if condition.get("survey_id") else "",
        f"department {condition['department']}" if condition.get("department") else "",
        f"touchpoint {condition['touchpoint']}" if condition.get("touchpoint") else "",
    ]
    scope = ", ".join(w for w in where if w) or "company"
    kind = condition["kind"]
    if kind == "metric_drop":
        what = f"{condition['metric'].upper()} significant drop over {condition['days']} days"
    elif kind == "control_chart":
        what = f"{condition['metric'].upper()} control-chart signal ({condition['granularity']})"
    else:
        what = f"emerging aspect {condition.get('aspect') or '(any)'}"
    return f"{what} — {scope}"
