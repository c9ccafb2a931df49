"""Cases and plans for the reports' closed-loop section: the case world of
:mod:`workflow.case_data` with a department SUB below LOG, 80 cases spread over October to
December 2026 with known times (SLA met or not, resolved, closed, reopened, repeats,
merged, without a department), and improvement plans of LOG, SUB and CARE."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from manyi.accounts.scope import set_department_parent
from manyi.accounts.service import User, create_department, get_user
from manyi.domain.cases import ROOT_CAUSES
from manyi.storage.cases import insert_case
from manyi.storage.database import Database
from manyi.storage.plans import plan_row
from manyi.workflow.plan_effect import MetricSpec
from manyi.workflow.plans import PlanIn, create_plan
from workflow.case_data import CaseWorld, make_case_world

#: The report period of the tests: November 2026.
START = datetime(2026, 11, 1)
END = datetime(2026, 12, 1)
NOW = datetime(2026, 12, 5, 9, 0)
CAUSES = [c.code for c in ROOT_CAUSES[:6]]


@dataclass(frozen=True)
class LoopWorld:
    world: CaseWorld
    sub: int  # a department below LOG
    case_ids: list[int]


def _case(rng: random.Random, department: int | None, i: int, repeat_of: int | None) -> dict:
    opened = datetime(2026, 10, 1) + timedelta(hours=rng.randrange(0, 70 * 24))
    responded = rng.random() < 0.85
    finished = rng.random() < 0.65
    state = "in_progress" if responded else "new"
    values: dict = {
        "title": f"case {i}", "origin": "call", "priority": "P2", "department_id": department,
        "opened_at": opened, "first_response_due_at": opened + timedelta(hours=4),
        "resolution_due_at": opened + timedelta(days=3), "repeat_of_id": repeat_of,
        "first_responded_at": opened + timedelta(hours=rng.choice([1, 2, 6, 30]))
        if responded else None,
    }  # fmt: skip
    if finished:
        done = opened + timedelta(hours=rng.choice([5, 40, 90, 300]))
        if rng.random() < 0.8:
            state = "resolved" if rng.random() < 0.5 else "closed"
            values.update(resolved_at=done, root_cause_code=rng.choice(CAUSES), solution="ok")
            values["closed_at"] = done + timedelta(days=1) if state == "closed" else None
            values["reopen_count"] = int(i % 3 == 0)
        else:  # closed without a resolution (e.g. no contact possible)
            state = "closed"
            values["closed_at"] = done
    values["state"] = state
    return values


def add_cases(db: Database, departments: list[int | None], n: int, seed: int = 12) -> list[int]:
    """``n`` cases, the i-th in ``departments[i % len(departments)]``; their ids."""
    rng = random.Random(seed)
    ids: list[int] = []
    with db.session() as s:
        for i in range(n):
            department = departments[i % len(departments)]
            repeat_of = ids[-4] if len(ids) > 4 and rng.random() < 0.2 else None
            ids.append(insert_case(s, _case(rng, department, i, repeat_of)).id)
    return ids


def make_loop_cases(db: Database) -> LoopWorld:
    world = make_case_world(db)
    sub = create_department(db, "LOG-N", "物流北区", "Logistics north")
    set_department_parent(db, "LOG-N", "LOG")
    ids = add_cases(db, [world.logistics, sub, world.care, None], 80)
    with db.session() as s:
        # A duplicate merged into another case counts nowhere (as in the scorecards).
        merged = insert_case(s, _case(random.Random(1), world.logistics, 99, None))
        merged.opened_at, merged.merged_into_id = datetime(2026, 11, 10), ids[0]
        merged.state, merged.closed_at = "closed", datetime(2026, 11, 11)
    add_plans(db, world.manager, world.logistics, sub, world.care)
    return LoopWorld(world, sub, ids)


def add_plans(db: Database, manager_id: int, logistics: int, sub: int, care: int) -> None:
    """Plans of LOG, SUB and CARE: in progress, done in November, done earlier, started
    in December, cancelled (created and last changed at the times given)."""
    manager = get_user(db, manager_id)
    assert isinstance(manager, User)
    spec = MetricSpec(
        metric_kind="negative_share", survey_id=None, question=None, item="",
        aspect="delivery_speed", threshold=None, segment_key=None, treated=(), control=(),
        change_at=None, before_days=28, after_days=28, target_value=20.0,
    )  # fmt: skip
    plans = [
        # (title, departments, status, created, last changed)
        ("缩短配送时间", (logistics,), "active", datetime(2026, 10, 5), None),
        ("北区加派司机", (sub,), "active", datetime(2026, 11, 20), None),
        ("北区旧计划", (sub,), "done", datetime(2026, 9, 1), datetime(2026, 11, 12)),
        ("早已完成", (logistics,), "done", datetime(2026, 8, 1), datetime(2026, 10, 3)),
        ("客服回拨", (care,), "active", datetime(2026, 10, 1), None),
        ("十二月才开始", (logistics,), "active", datetime(2026, 12, 2), None),
        ("已取消", (logistics,), "cancelled", datetime(2026, 10, 1), None),
    ]
    for title, departments, status, created, changed in plans:
        plan = create_plan(
            db,
            PlanIn(title=title, metric=spec, department_ids=departments, status=status,
                   deadline=created + timedelta(days=40)),
            actor=manager,
        )  # fmt: skip
        with db.session() as s:
            row = plan_row(s, plan.id)
            assert row is not None
            row.created_at, row.updated_at = created, changed or created
