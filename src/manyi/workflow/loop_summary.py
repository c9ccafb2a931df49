"""The closed loop on the overview dashboard: cases and improvement plans for the
dashboard's period and department, within the user's department scope.

Cases (merged duplicates left out, as in the scorecards and the mechanism-health review):

* open now, their ageing (:func:`manyi.workflow.health.backlog_ageing`) and how many of
  them are overdue now (the case inbox's "overdue only" filter counts the same cases);
* breached: of the cases opened in the period, those whose first response or resolution
  came after its due time, or has not come and its due time has passed (a case waiting
  for the customer has its resolution clock paused, so it is not counted as breaching
  resolution while it waits). The share carries a Wilson interval
  (:class:`manyi.workflow.scorecards.Rate`, "not enough data" below its minimum n).

Plans (those the user may see, :func:`manyi.workflow.plans.list_plans`; with a department
filter, the plans naming that department): in progress (status active), and of those the
ones due in the period and the overdue ones; the first few with their target metric and,
where it can be measured, the effect verdict (:func:`manyi.workflow.plans.plan_effect`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from manyi.accounts.scope import department_scope
from manyi.accounts.service import User
from manyi.errors import InvalidInput
from manyi.storage.cases import case_row, department_names
from manyi.storage.database import Database
from manyi.storage.scorecards import CaseFacts, cases_opened_between, open_cases
from manyi.storage.types import utcnow
from manyi.workflow.health import backlog_ageing
from manyi.workflow.plan_effect import MetricSpec
from manyi.workflow.plans import Plan, list_plans, plan_effect
from manyi.workflow.scorecards import Rate

#: Breached cases listed by name (the rest are behind the inbox link).
TOP_BREACHED = 5
#: Plans listed with their metric and verdict: measuring an effect reads the answers of
#: its before/after windows, so the dashboard measures only the plans it shows.
TOP_PLANS = 5
#: Plans being carried out ("In progress" on the plan pages; drafts are not yet under way).
IN_PROGRESS = ("active",)


@dataclass(frozen=True)
class BreachedCase:
    id: int
    title: str
    priority: str
    state: str
    opened_at: datetime
    first_response: bool  # the first-response SLA was breached
    resolution: bool  # the resolution SLA was breached


@dataclass(frozen=True)
class LoopPlan:
    id: int
    title: str
    status: str
    deadline: datetime | None
    overdue: bool
    metric: MetricSpec
    survey_title: str | None
    target_value: float | None
    #: "improved", "worsened" or "no_change"; None when the effect cannot be measured yet.
    verdict: str | None
    verdict_en: str | None
    verdict_zh: str | None
    target_reached: bool | None
    #: Why the effect is not measured (no change date, too few answers, …).
    unmeasured: str | None


@dataclass(frozen=True)
class LoopSummary:
    start: date
    end: date
    #: The dashboard's department filter as an id (None: every department in scope).
    department_id: int | None
    open_cases: int
    overdue_now: int
    backlog: list[tuple[str, int]]  # (age bucket, open cases)
    opened: int  # cases opened in the period
    breached: Rate  # of ``opened``: first-response or resolution SLA breached
    first_response_breached: int
    resolution_breached: int
    breached_cases: list[BreachedCase]
    plans_in_progress: int
    plans_due: int  # in progress with a deadline in the period
    plans_overdue: int
    plans: list[LoopPlan]


def _late(done: datetime | None, due: datetime | None, now: datetime) -> bool:
    if due is None:
        return False
    return done > due if done is not None else due < now


def _breaches(case: CaseFacts, now: datetime) -> tuple[bool, bool]:
    first = _late(case.first_responded_at, case.first_response_due_at, now)
    waiting = case.state == "waiting_customer" and case.resolved_at is None
    resolution = not waiting and _late(case.resolved_at, case.resolution_due_at, now)
    return first, resolution


def _overdue_now(case: CaseFacts, now: datetime) -> bool:
    """The case inbox's "overdue only" filter (storage.cases), on an open case."""
    if case.state == "waiting_customer":
        return False
    return (
        case.first_responded_at is None
        and case.first_response_due_at is not None
        and case.first_response_due_at < now
    ) or (
        case.resolved_at is None
        and case.resolution_due_at is not None
        and case.resolution_due_at < now
    )


def _department_id(db: Database, code: str | None) -> int | None:
    if code is None:
        return None
    with db.session() as s:
        names = department_names(s)
    for department_id, (found, _zh, _en) in names.items():
        if found == code:
            return department_id
    raise InvalidInput(f"there is no department with code {code!r}")


def _plan_overdue(plan: Plan, now: datetime) -> bool:
    """:attr:`Plan.overdue` at ``now`` (the property reads the clock itself)."""
    return plan.status in IN_PROGRESS and plan.deadline is not None and plan.deadline < now


def _plan(db: Database, plan: Plan, now: datetime) -> LoopPlan:
    effect, why = plan_effect(db, plan, today=now.date())
    return LoopPlan(
        id=plan.id, title=plan.title, status=plan.status, deadline=plan.deadline,
        overdue=_plan_overdue(plan, now), metric=plan.metric, survey_title=plan.survey_title,
        target_value=plan.metric.target_value,
        verdict=effect.verdict if effect else None,
        verdict_en=effect.verdict_en if effect else None,
        verdict_zh=effect.verdict_zh if effect else None,
        target_reached=effect.target_reached if effect else None, unmeasured=why,
    )  # fmt: skip


def _plan_order(plan: Plan, now: datetime) -> tuple[int, datetime]:
    """Overdue first, then by deadline (none last)."""
    return (0 if _plan_overdue(plan, now) else 1, plan.deadline or datetime.max)


def loop_summary(
    db: Database,
    user: User,
    *,
    start: date,
    end: date,
    department: str | None = None,
    now: datetime | None = None,
) -> LoopSummary:
    """The closed loop over ``start``..``end`` (both days included) for ``user``.

    ``department`` is the dashboard's department code; one outside the user's scope
    simply has no cases or plans here (the dashboard refuses it before asking).
    """
    now = now or utcnow()
    scope = department_scope(db, user)
    department_id = _department_id(db, department)

    def shown(department_of: int | None) -> bool:
        wanted = department_id is None or department_of == department_id
        return wanted and scope.allows(department_of)

    since = datetime.combine(start, time.min)
    until = datetime.combine(end + timedelta(days=1), time.min)
    with db.session() as s:
        opened = [c for c in cases_opened_between(s, since, until) if shown(c.department_id)]
        backlog = [c for c in open_cases(s) if shown(c.department_id)]
        flags = {c.id: _breaches(c, now) for c in opened}
        breached = [c for c in opened if any(flags[c.id])]
        # Newest first: the breaches a manager can still act on.
        newest = sorted(breached, key=lambda c: (c.opened_at, c.id), reverse=True)
        listed = [c.id for c in newest[:TOP_BREACHED]]
        rows = [row for row in (case_row(s, i) for i in listed) if row is not None]
        breached_cases = [
            BreachedCase(r.id, r.title, r.priority, r.state, r.opened_at, *flags[r.id])
            for r in rows
        ]
    plans = [
        p
        for p in list_plans(db, user)
        if p.status in IN_PROGRESS and (department_id is None or department_id in p.department_ids)
    ]
    due = [p for p in plans if p.deadline is not None and start <= p.deadline.date() <= end]
    listed_plans = sorted(plans, key=lambda p: _plan_order(p, now))[:TOP_PLANS]
    return LoopSummary(
        start=start,
        end=end,
        department_id=department_id,
        open_cases=len(backlog),
        overdue_now=sum(1 for c in backlog if _overdue_now(c, now)),
        backlog=backlog_ageing(backlog, now),
        opened=len(opened),
        breached=Rate.of(len(breached), len(opened)),
        first_response_breached=sum(1 for f, _ in flags.values() if f),
        resolution_breached=sum(1 for _, r in flags.values() if r),
        breached_cases=breached_cases,
        plans_in_progress=len(plans),
        plans_due=len(due),
        plans_overdue=sum(1 for p in plans if _plan_overdue(p, now)),
        plans=[_plan(db, p, now) for p in listed_plans],
    )
