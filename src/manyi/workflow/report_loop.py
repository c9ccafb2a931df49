"""The closed loop in the weekly and monthly reports: cases and improvement plans of one
department's subtree (or the company) in one report period ``[start, end)``.

The report (``manyi.reporting.reports``) sits below the workflow in the layers, so each
entry point hands it :func:`report_loop_provider`; the numbers are the mechanism-health
review's and the scorecards' definitions, asked for the report's department and period
instead of a signed-in user's last N days:

* opened in the period (merged duplicates left out), and of those: first response and
  resolution within their SLA (:func:`manyi.workflow.scorecards.sla_rate`), reopened,
  repeat complaints and the median time to first response
  (:func:`manyi.workflow.health.period_health`);
* closed in the period: resolved then (or closed without a resolution), whenever opened,
  with the most frequent root causes of the code book;
* the backlog at the period's end (or now, for a period still running): open cases by age
  (:func:`manyi.workflow.health.backlog_ageing`) and those past a due time then;
* plans (:func:`manyi.workflow.plans.list_plans`) naming a department of the subtree
  (the company: every plan): in progress (active, created before the period's end) and
  done in the period (marked done, last changed in it), the first few with their target
  and effect verdict (:func:`manyi.workflow.plans.plan_effect`, measured on the data up
  to the period's end).

A department's report counts its subtree: the department and every department below it.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from manyi.domain.cases import ROOT_CAUSES
from manyi.domain.scope import subtree
from manyi.reporting.reports.model import (
    CaseSummary,
    CaseSummaryProvider,
    CauseLine,
    PlanLine,
    ShareLine,
)
from manyi.storage.database import Database
from manyi.storage.organisation import department_tree
from manyi.storage.scorecards import (
    CaseFacts,
    cases_finished_between,
    cases_open_at,
    cases_opened_between,
)
from manyi.storage.types import utcnow
from manyi.workflow.health import backlog_ageing, period_health
from manyi.workflow.plans import Plan, list_plans, plan_effect
from manyi.workflow.scorecards import Rate, sla_rate

#: Root causes listed (the most frequent of the period's closed cases).
TOP_CAUSES = 5
#: Plans listed with their effect: measuring one reads its before/after answers, so the
#: report measures only those it shows (in-progress ones first).
TOP_PLANS = 6


def _share(rate: Rate) -> ShareLine:
    return ShareLine(rate.hits, rate.n, rate.share)


def _scope(db: Database, department_id: int | None) -> frozenset[int] | None:
    """The department and every one below it (None: the company, every case)."""
    if department_id is None:
        return None
    with db.session() as s:
        return subtree(department_tree(s), department_id)


def _past_due(case: CaseFacts, at: datetime) -> bool:
    """Open at ``at`` with a first response or resolution due before then and not done."""
    first_late = case.first_response_due_at is not None and case.first_response_due_at < at
    responded = case.first_responded_at is not None and case.first_responded_at <= at
    return (first_late and not responded) or (
        case.resolution_due_at is not None and case.resolution_due_at < at
    )


def _causes(codes: list[str | None]) -> list[CauseLine]:
    names = {c.code: c for c in ROOT_CAUSES}
    out = []
    for code, count in Counter(c for c in codes if c).most_common(TOP_CAUSES):
        cause = names.get(code)
        out.append(
            CauseLine(
                code, cause.name_zh if cause else code, cause.name_en if cause else code, count
            )
        )
    return out


def _plans_of(
    db: Database, ids: frozenset[int] | None, start: datetime, end: datetime
) -> tuple[list[Plan], list[Plan]]:
    """(in progress, done in the period) of the plans naming a department of ``ids``."""
    mine = [
        p
        for p in list_plans(db, None)
        if p.created_at < end and (ids is None or ids & set(p.department_ids))
    ]
    active = [p for p in mine if p.status == "active"]
    done = [p for p in mine if p.status == "done" and start <= p.updated_at < end]
    return active, done


def _plan_line(db: Database, plan: Plan, at: datetime) -> PlanLine:
    # The effect on the data up to the period's end, so a report made again says the same.
    effect, _why = plan_effect(db, plan, today=(at - timedelta(microseconds=1)).date())
    return PlanLine(
        title=plan.title,
        status=plan.status,
        deadline=plan.deadline.date() if plan.deadline else None,
        overdue=plan.status == "active" and plan.deadline is not None and plan.deadline < at,
        metric_kind=plan.metric.metric_kind,
        target_value=plan.metric.target_value,
        verdict=effect.verdict if effect else None,
        verdict_zh=effect.verdict_zh if effect else None,
        verdict_en=effect.verdict_en if effect else None,
        target_reached=effect.target_reached if effect else None,
    )


def report_loop(
    db: Database,
    department_id: int | None,
    start: datetime,
    end: datetime,
    *,
    now: datetime | None = None,
) -> CaseSummary:
    """The closed loop of ``department_id``'s subtree (None: the company) in
    ``[start, end)`` (naive UTC), the backlog as of the period's end or ``now``."""
    at = min(end, now or utcnow())
    ids = _scope(db, department_id)

    def inside(department: int | None) -> bool:
        return ids is None or (department is not None and department in ids)

    health = period_health(db, start, end, ids)
    with db.session() as s:
        opened = [c for c in cases_opened_between(s, start, end) if inside(c.department_id)]
        closed = [
            (c, code)
            for c, code in cases_finished_between(s, start, end)
            if inside(c.department_id)
        ]
        backlog = [c for c in cases_open_at(s, at) if inside(c.department_id)]
    active, done = _plans_of(db, ids, start, end)
    # In progress by deadline (so the overdue ones first, none last), then the done ones.
    shown = sorted(active, key=lambda p: (p.deadline is None, p.deadline or end)) + done
    return CaseSummary(
        opened=len(opened),
        closed=len(closed),
        overdue=sum(1 for c in backlog if _past_due(c, at)),
        plans_active=len(active),
        backlog=len(backlog),
        backlog_ageing=backlog_ageing(backlog, at),
        first_response_sla=_share(sla_rate(opened, "first_responded_at", "first_response_due_at")),
        resolution_sla=_share(sla_rate(opened, "resolved_at", "resolution_due_at")),
        reopen=_share(health.reopen),
        repeat=_share(health.repeat),
        first_response_median_h=health.first_response_median_h,
        root_causes=_causes([code for _c, code in closed]),
        plans_done=len(done),
        plans=[_plan_line(db, p, at) for p in shown[:TOP_PLANS]],
    )


def report_loop_provider(db: Database) -> CaseSummaryProvider:
    """:func:`report_loop` as the report's provider: what every entry point (page, API,
    command line, scheduled job) passes to ``make_report`` / ``send_due_reports``."""

    def provide(
        department_id: int | None, start: datetime, end: datetime, now: datetime
    ) -> CaseSummary:
        return report_loop(db, department_id, start, end, now=now)

    return provide
