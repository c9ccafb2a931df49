"""Metric alert rules: the periodic job that checks measures over time.

A metric rule (``applies_to="metric"``, one condition of
:mod:`manyi.domain.metric_rules`) reads what the dashboard and the text explorer already
compute, never statistics of its own:

* ``metric_drop``: :func:`manyi.reporting.dashboard.build_overview` over the last
  ``days`` complete days; the headline change against the ``days`` before, Holm-adjusted
  across the measures, must be significant and negative;
* ``control_chart``: the same overview's trend; the latest point or the one before it
  lies below its lower control limit (Western Electric rule 1);
* ``emerging_aspect``: :func:`manyi.reporting.stored.text.emerging_aspects` (BH-adjusted
  rising share of mentions in the last month of the data).

Each signal fires once per rule: its key (``drop:nps:START:END``,
``chart:nps:month:2026-06``, ``emerging:delivery:2026-06``) is unique per rule in the
hit log. A drop is measured over a rolling window, so a later window that overlaps one
that already fired (the next hourly run, the next day) stays quiet too: the same drop
fires again only once a whole new period has passed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from manyi.domain.cases import CaseOrigin
from manyi.domain.metric_rules import CHART_WINDOW_DAYS, EMERGING_WINDOW_DAYS, describe
from manyi.errors import InvalidInput
from manyi.reporting.dashboard import DashboardFilters, build_overview
from manyi.reporting.dashboard_stats import bucket_start
from manyi.reporting.stored.text import emerging_aspects
from manyi.storage.alert_rules import claim_signal_hit, last_signal_end, rule_rows
from manyi.storage.analysis import AnalysisSelection
from manyi.storage.dashboard import directory
from manyi.storage.database import Database
from manyi.workflow.alerts import RULES_JOB
from manyi.workflow.cases import CaseNew, managers_of, open_case_in
from manyi.workflow.config import WorkflowConfig, now_or
from manyi.workflow.notifications import queue_notification

log = logging.getLogger("manyi.workflow.metric_alerts")
EVENT = "metric-alert"


@dataclass(frozen=True)
class Signal:
    """One thing a metric rule found: its key, the days measured, why, the numbers."""

    key: str
    start: date
    end: date
    reasons: list[str]
    link: str
    detail: dict[str, Any] = field(default_factory=dict)
    #: Keys starting with this belong to the same rolling measure (overlap check).
    rolling_prefix: str | None = None


@dataclass(frozen=True)
class MetricRun:
    fired: int
    cases: list[int]
    #: Rules that could not be evaluated (an unknown survey or code), with the reason.
    skipped: list[str]


def _g(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _filters(condition: Mapping[str, Any], start: date, end: date, granularity: str) -> Any:
    return DashboardFilters(
        start=start,
        end=end,
        granularity=granularity,  # type: ignore[arg-type]  # one of the checked values
        preset="custom",
        survey_id=condition.get("survey_id"),
        department=condition.get("department"),
        touchpoint=condition.get("touchpoint"),
    )


def _dashboard_link(f: DashboardFilters) -> str:
    return "/dashboard?" + urlencode(f.query())


def drop_signals(db: Database, condition: Mapping[str, Any], today: date) -> list[Signal]:
    """The significant fall of the measure over the last ``days`` complete days."""
    metric, days = condition["metric"], condition["days"]
    end = today - timedelta(days=1)
    f = _filters(condition, end - timedelta(days=days - 1), end, "month")
    summary = build_overview(db, f).metric(metric)
    if summary is None or not summary.significant or not summary.change or summary.change >= 0:
        return []
    before_start, before_end = f.previous
    reason = (
        f"{metric.upper()} {_g(summary.value, summary.digits)} (n={summary.n}, "
        f"{f.start}..{f.end}) against {_g(summary.previous, summary.digits)} "
        f"(n={summary.previous_n}, {before_start}..{before_end}): "
        f"{_g(summary.change, summary.digits)}, p={summary.p_value:.2g}, "
        f"Holm-adjusted p={summary.p_adjusted:.2g}"
    )
    return [
        Signal(
            key=f"drop:{metric}:{f.start}:{f.end}",
            start=f.start,
            end=f.end,
            reasons=[reason],
            link=_dashboard_link(f),
            detail={
                "metric": metric,
                "value": summary.value,
                "n": summary.n,
                "previous": summary.previous,
                "previous_n": summary.previous_n,
                "change": summary.change,
                "p_value": summary.p_value,
                "p_adjusted": summary.p_adjusted,
                "correction": "holm",
                "period": [f.start.isoformat(), f.end.isoformat()],
                "previous_period": [before_start.isoformat(), before_end.isoformat()],
            },
            rolling_prefix=f"drop:{metric}:",
        )
    ]


def chart_signals(db: Database, condition: Mapping[str, Any], today: date) -> list[Signal]:
    """Points below the lower control limit among the last two of the trend."""
    metric, granularity = condition["metric"], condition["granularity"]
    end = today - timedelta(days=1)
    start = bucket_start(end - timedelta(days=CHART_WINDOW_DAYS[granularity]), granularity)
    f = _filters(condition, start, end, granularity)
    trend = build_overview(db, f).trend(metric)
    if trend is None:
        return []
    out = []
    for p in trend.points[-2:]:
        if not (p.signal and p.value is not None and p.lcl is not None and p.value < p.lcl):
            continue
        reason = (
            f"{metric.upper()} {_g(p.value, trend.digits)} in {p.label} (n={p.n}) below the "
            f"lower control limit {_g(p.lcl, trend.digits)} (centre {_g(p.center, trend.digits)})"
        )
        out.append(
            Signal(
                key=f"chart:{metric}:{granularity}:{p.label}",
                start=p.start,
                end=p.end,
                reasons=[reason],
                link=_dashboard_link(f),
                detail={
                    "metric": metric,
                    "bucket": p.label,
                    "value": p.value,
                    "n": p.n,
                    "center": p.center,
                    "lcl": p.lcl,
                    "ucl": p.ucl,
                    "chart": trend.chart,
                    "rules": p.signal,
                },
            )
        )
    return out


def emerging_signals(db: Database, condition: Mapping[str, Any], today: date) -> list[Signal]:
    """The emerging aspects (all, or the rule's one) of the last month of the data."""
    until = datetime(today.year, today.month, today.day)
    since = until - timedelta(days=EMERGING_WINDOW_DAYS)
    month, found = emerging_aspects(
        db,
        AnalysisSelection(
            survey_id=condition["survey_id"],
            since=since,
            until=until,
            touchpoint=condition.get("touchpoint"),
            department=condition.get("department"),
        ),
    )
    wanted = condition.get("aspect")
    query = {
        "survey": str(condition["survey_id"]),
        "from": since.date().isoformat(),
        "to": (until - timedelta(days=1)).date().isoformat(),
        **{k: condition[k] for k in ("touchpoint", "department") if condition.get(k)},
    }
    out = []
    for e in found:
        if wanted is not None and e.code != wanted:
            continue
        reason = (
            f"emerging aspect {e.code} ({e.name_en}): {e.recent}/{e.recent_total} mentions "
            f"in {month} against {e.before}/{e.before_total} before, "
            f"p={e.p_value:.2g}, BH-adjusted q={e.q_value:.2g}"
        )
        out.append(
            Signal(
                key=f"emerging:{e.code}:{month}",
                start=since.date(),
                end=today - timedelta(days=1),
                reasons=[reason],
                link="/analysis?" + urlencode(query),
                detail={
                    "aspect": e.code,
                    "month": month,
                    "recent": e.recent,
                    "recent_total": e.recent_total,
                    "before": e.before,
                    "before_total": e.before_total,
                    "change": e.change,
                    "p_value": e.p_value,
                    "q_value": e.q_value,
                    "correction": "fdr_bh",
                },
            )
        )
    return out


_FINDERS = {
    "metric_drop": drop_signals,
    "control_chart": chart_signals,
    "emerging_aspect": emerging_signals,
}


def _department(s: Session, condition: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """(department id, touchpoint id) the rule's case goes to: ``route_to``, else the
    department measured, else its touchpoint's, else the routing rules' choice."""
    names = directory(s)
    if condition.get("route_to"):
        target = names.find("department", condition["route_to"])
        if target is None:
            raise InvalidInput(f"there is no department with code {condition['route_to']!r}")
        return target.id, None
    department = (
        names.find("department", condition["department"]) if condition.get("department") else None
    )
    touchpoint = (
        names.find("touchpoint", condition["touchpoint"]) if condition.get("touchpoint") else None
    )
    if department is not None:
        return department.id, None
    if touchpoint is not None:
        return touchpoint.department_id, touchpoint.id
    return None, None


def _fire(
    s: Session,
    rule_id: int,
    name: str,
    condition: Mapping[str, Any],
    actions: Mapping[str, Any],
    signal: Signal,
    config: WorkflowConfig,
    at: datetime,
) -> tuple[bool, int | None]:
    """Claim the signal and act on it: (fired, the case opened). Not fired when the rule
    already had this signal or one whose window overlaps it."""
    if signal.rolling_prefix is not None:
        fired_until = last_signal_end(s, rule_id, signal.rolling_prefix)
        if fired_until is not None and fired_until >= signal.start:
            return False, None  # the window overlaps one that already fired
    detail = {**signal.detail, "link": signal.link, "watches": describe(condition)}
    hit = claim_signal_hit(
        s,
        rule_id,
        signal.key,
        period_end=signal.end,
        matched=signal.reasons,
        detail=detail,
        at=at,
    )
    if hit is None:
        return False, None
    title = f"{name}: {'; '.join(signal.reasons)}"[:300]
    body = f"{describe(condition)}\n{'; '.join(signal.reasons)}\n{signal.link}"
    department_id, touchpoint_id = _department(s, condition)
    taken: list[str] = []
    case_id = None
    if actions.get("open_case"):
        case = open_case_in(
            s,
            CaseNew(
                title=title,
                origin=CaseOrigin.RULE,
                description=body,
                importance=actions.get("importance", 2),
                urgency=actions.get("urgency", 2),
                rule_id=rule_id,
                touchpoint_id=touchpoint_id,
                department_id=department_id,
                aspect=signal.detail.get("aspect"),
                tags=(actions["tag"],) if actions.get("tag") else (),
            ),
            RULES_JOB,
            config,
            at,
        )
        case_id = case.id
        hit.case_id = case.id
        taken.append(f"opened case {case.id}")
    if actions.get("tag") and case_id is None:
        taken.append(f"tagged {actions['tag']}")  # a metric has no item: the hit carries it
    users = list(actions.get("notify_user_ids") or [])
    if actions.get("notify_department"):
        users += managers_of(s, department_id)
    # Always queued: webhook subscribers to "metric-alert" hear of every hit, the users
    # named (or the department's managers) get it in the inbox and by e-mail.
    queue_notification(
        s,
        event=EVENT,
        subject_kind="alert_rule",
        subject_id=rule_id,
        user_ids=users,
        title=title,
        body=body,
        payload={"rule_id": rule_id, "case_id": case_id, "signal": signal.key, **detail},
        at=at,
    )
    if users:
        taken.append(f"notified {len(set(users))} user(s)")
    hit.actions_taken = taken
    return True, case_id


def evaluate_metric_rules(
    db: Database, config: WorkflowConfig, now: datetime | None = None
) -> MetricRun:
    """Evaluate every enabled metric rule at ``now`` (naive UTC; the job's clock): the
    signals each finds, fired once each. A rule that cannot be evaluated (a survey or
    code that no longer exists) is skipped and logged; the others still run."""
    at = now_or(now)
    with db.session() as s:
        rules = [
            (r.id, r.name, dict(r.conditions[0]), dict(r.actions))
            for r in rule_rows(s, enabled_only=True)
            if r.applies_to == "metric" and r.conditions
        ]
    fired = 0
    cases: list[int] = []
    skipped: list[str] = []
    for rule_id, name, condition, actions in rules:
        try:
            signals = _FINDERS[condition["kind"]](db, condition, at.date())
        except InvalidInput as error:
            log.warning("metric rule %s skipped: %s", rule_id, error.message)
            skipped.append(f"rule {rule_id}: {error.message}")
            continue
        for signal in signals:
            try:
                with db.session() as s:
                    done, case_id = _fire(s, rule_id, name, condition, actions, signal, config, at)
            except InvalidInput as error:  # e.g. route_to names a department since removed
                log.warning("metric rule %s could not act: %s", rule_id, error.message)
                skipped.append(f"rule {rule_id}: {error.message}")
                break
            fired += int(done)
            if case_id is not None:
                cases.append(case_id)
    return MetricRun(fired, cases, skipped)
