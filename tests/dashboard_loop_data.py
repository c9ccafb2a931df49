"""Cases and an improvement plan on top of the dashboard's data (tests/dashboard_data.py),
for the dashboard's closed-loop panel (page and API tests).

In June 2026 (the planted delivery incident) logistics opens seven cases: three answered
late (first-response SLA breached), one resolved late, two on time, and one still in
progress long past its resolution due time; customer care opens three, one answered
late, one on time and one waiting for the customer (its resolution clock paused: open,
not breached, not overdue). One active plan on logistics measures the survey's CSAT mean
around 1 June; it is past its deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dashboard_data import DashboardData
from manyi.accounts.service import User
from manyi.storage.cases import insert_case
from manyi.storage.database import Database
from manyi.workflow.plan_effect import MetricSpec
from manyi.workflow.plans import PlanIn, create_plan


@dataclass(frozen=True)
class LoopData:
    #: case id -> department code, of the cases with a breached SLA
    breached: dict[int, str]
    opened: dict[str, int]  # department code -> cases opened in June
    plan_id: int
    spec: MetricSpec


def _case(
    db: Database,
    department: int,
    day: int,
    *,
    first_late: bool,
    late: bool,
    state: str = "resolved",
) -> int:
    opened = datetime(2026, 6, day, 9, 0)
    fr_due, res_due = opened + timedelta(hours=4), opened + timedelta(hours=48)
    with db.session() as s:
        row = insert_case(
            s,
            {
                "title": f"配送投诉 {day}", "origin": "rule", "priority": "P2", "state": state,
                "department_id": department, "opened_at": opened,
                "first_response_due_at": fr_due,
                "first_responded_at": fr_due + timedelta(hours=3 if first_late else -2),
                "resolution_due_at": res_due,
                "resolved_at": res_due + timedelta(hours=5 if late else -5)
                if state == "resolved" else None,
                "waiting_since": opened if state == "waiting_customer" else None,
            },
        )  # fmt: skip
        return row.id


def make_loop_data(db: Database, data: DashboardData, actor: User) -> LoopData:
    log, care = data.departments["LOG"], data.departments["CARE"]
    breached: dict[int, str] = {}
    for day, first_late, late in ((2, True, False), (3, True, True), (4, True, False),
                                  (5, False, True), (6, False, False), (7, False, False)):  # fmt: skip
        case_id = _case(db, log, day, first_late=first_late, late=late)
        if first_late or late:
            breached[case_id] = "LOG"
    breached[_case(db, log, 10, first_late=False, late=True, state="in_progress")] = "LOG"
    breached[_case(db, care, 8, first_late=True, late=False)] = "CARE"
    _case(db, care, 9, first_late=False, late=False)
    _case(db, care, 11, first_late=False, late=False, state="waiting_customer")
    spec = MetricSpec(
        metric_kind="mean", survey_id=data.survey_id, question="csat", item="", aspect=None,
        threshold=None, segment_key=None, treated=(), control=(), change_at=date(2026, 6, 1),
        before_days=28, after_days=28, target_value=4.0,
    )  # fmt: skip
    plan = create_plan(
        db,
        PlanIn(
            title="缩短配送时间",
            metric=spec,
            deadline=datetime(2026, 7, 31),
            department_ids=(log,),
            status="active",
        ),
        actor=actor,
    )
    return LoopData(breached, {"LOG": 7, "CARE": 3}, plan.id, spec)
