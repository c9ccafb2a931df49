"""The dashboard's closed-loop summary (issue #11): its numbers equal counts taken from
the stored cases and plans by hand, the department filter and the user's scope hold (an
agent sees only their department), and plans carry their metric and effect state."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from case_data import CaseWorld, make_case_world
from sqlalchemy import select

from manyi.accounts.service import User, create_user, get_user
from manyi.domain.enums import Role
from manyi.errors import InvalidInput
from manyi.storage.cases import insert_case
from manyi.storage.database import Database
from manyi.storage.tables import CaseRow
from manyi.workflow.loop_summary import TOP_BREACHED, loop_summary
from manyi.workflow.plan_effect import MetricSpec
from manyi.workflow.plans import PlanIn, create_plan

NOW = datetime(2026, 9, 20, 12, 0)
START, END = date(2026, 9, 1), date(2026, 9, 20)
OPEN = ("new", "acknowledged", "in_progress", "waiting_customer")


def _cases(db: Database, world: CaseWorld) -> None:
    """60 cases over both departments, opened from mid-August to now, with every mix of
    first response and resolution on time, late and pending, some waiting or merged."""
    rng = random.Random(12)
    with db.session() as s:
        for i in range(60):
            opened = NOW - timedelta(hours=rng.randint(1, 40 * 24))
            fr_due = opened + timedelta(hours=4)
            res_due = opened + timedelta(hours=rng.choice((24, 72)))
            fr = rng.choice((None, fr_due - timedelta(hours=1), fr_due + timedelta(hours=2)))
            state = rng.choice(("new", "in_progress", "waiting_customer", "resolved", "closed"))
            resolved = None
            if state in ("resolved", "closed"):
                resolved = res_due + timedelta(hours=rng.choice((-5, 6)))
                fr = fr or opened + timedelta(hours=1)
            insert_case(
                s,
                {
                    "title": f"case {i}", "origin": "call", "priority": "P2", "state": state,
                    "department_id": world.logistics if i % 3 else world.care,
                    "opened_at": opened, "first_response_due_at": fr_due,
                    "first_responded_at": fr if fr is None or fr <= NOW else None,
                    "resolution_due_at": res_due,
                    "resolved_at": resolved if resolved is None or resolved <= NOW else NOW,
                    "waiting_since": opened if state == "waiting_customer" else None,
                },
            )  # fmt: skip
        first = s.scalars(select(CaseRow).order_by(CaseRow.id)).first()
        assert first is not None
        # A merged duplicate (late on everything) counts once: in the case it went into.
        insert_case(
            s,
            {
                "title": "duplicate", "origin": "call", "priority": "P2", "state": "new",
                "department_id": world.logistics, "opened_at": NOW - timedelta(days=2),
                "first_response_due_at": NOW - timedelta(days=2),
                "resolution_due_at": NOW - timedelta(days=1), "merged_into_id": first.id,
            },
        )  # fmt: skip


def _expected(db: Database, departments: set[int]) -> dict[str, object]:
    """The summary's case numbers counted straight from the stored rows."""
    since, until = datetime(2026, 9, 1), datetime(2026, 9, 21)
    with db.session() as s:
        rows = [
            r
            for r in s.scalars(select(CaseRow))
            if r.merged_into_id is None and r.department_id in departments
        ]
    opened = [r for r in rows if since <= r.opened_at < until]

    def first_late(r: CaseRow) -> bool:
        done = r.first_responded_at
        return done > r.first_response_due_at if done else r.first_response_due_at < NOW

    def resolution_late(r: CaseRow) -> bool:
        if r.resolved_at is not None:
            return r.resolved_at > r.resolution_due_at
        return r.state != "waiting_customer" and r.resolution_due_at < NOW

    open_rows = [r for r in rows if r.state in OPEN]
    return {
        "opened": len(opened),
        "breached": sum(1 for r in opened if first_late(r) or resolution_late(r)),
        "first": sum(1 for r in opened if first_late(r)),
        "resolution": sum(1 for r in opened if resolution_late(r)),
        "open": len(open_rows),
        "overdue": sum(
            1
            for r in open_rows
            if r.state != "waiting_customer"
            and (
                (r.first_responded_at is None and r.first_response_due_at < NOW)
                or (r.resolved_at is None and r.resolution_due_at < NOW)
            )
        ),
        "old": sum(1 for r in open_rows if NOW - r.opened_at >= timedelta(days=30)),
    }


@pytest.fixture
def world(db: Database) -> CaseWorld:
    world = make_case_world(db)
    _cases(db, world)
    return world


def _user(db: Database, user_id: int) -> User:
    user = get_user(db, user_id)
    assert user is not None
    return user


def _check(db: Database, user: User, departments: set[int], department: str | None) -> None:
    got = loop_summary(db, user, start=START, end=END, department=department, now=NOW)
    want = _expected(db, departments)
    assert (got.opened, got.breached.hits, got.breached.n) == (
        want["opened"],
        want["breached"],
        want["opened"],
    )
    assert (got.first_response_breached, got.resolution_breached) == (
        want["first"],
        want["resolution"],
    )
    assert (got.open_cases, got.overdue_now) == (want["open"], want["overdue"])
    assert sum(n for _, n in got.backlog) == got.open_cases
    assert dict(got.backlog)["30d+"] == want["old"]
    assert len(got.breached_cases) == min(TOP_BREACHED, got.breached.hits)
    for case in got.breached_cases:
        assert case.first_response or case.resolution
    opened = [c.opened_at for c in got.breached_cases]
    assert opened == sorted(opened, reverse=True)
    assert all(START <= day.date() <= END for day in opened)


def test_numbers_equal_the_stored_cases_for_everyone_and_one_department(
    db: Database, world: CaseWorld
) -> None:
    admin = create_user(db, "admin@example.com", "correct horse battery", Role.ADMIN)
    both = {world.logistics, world.care}
    _check(db, admin, both, None)
    _check(db, admin, {world.logistics}, "LOG")
    summary = loop_summary(db, admin, start=START, end=END, now=NOW)
    assert summary.breached.hits > 0 and summary.open_cases > summary.overdue_now > 0
    assert summary.breached.share is not None  # enough cases for a share with its interval
    assert summary.breached.low is not None and summary.breached.low < summary.breached.share


def test_an_agent_sees_only_their_department(db: Database, world: CaseWorld) -> None:
    care_agent = _user(db, world.care_agent)
    _check(db, care_agent, {world.care}, None)
    # Asking for another department gives nothing of it (the dashboard refuses it first).
    other = loop_summary(db, care_agent, start=START, end=END, department="LOG", now=NOW)
    assert (other.opened, other.open_cases) == (0, 0)
    _check(db, _user(db, world.manager), {world.logistics}, None)
    with pytest.raises(InvalidInput):
        loop_summary(db, care_agent, start=START, end=END, department="NOPE", now=NOW)


def _spec(**overrides: object) -> MetricSpec:
    values: dict[str, object] = {
        "metric_kind": "negative_share", "survey_id": None, "question": None, "item": "",
        "aspect": "delivery_speed", "threshold": None, "segment_key": None, "treated": (),
        "control": (), "change_at": None, "before_days": 28, "after_days": 28,
        "target_value": 10.0,
    }  # fmt: skip
    values.update(overrides)
    return MetricSpec(**values)  # type: ignore[arg-type]


def test_plans_in_progress_due_and_overdue_within_scope(db: Database, world: CaseWorld) -> None:
    admin = create_user(db, "admin@example.com", "correct horse battery", Role.ADMIN)

    def plan(title: str, deadline: datetime | None, department: int, status: str) -> int:
        data = PlanIn(
            title=title, metric=_spec(), deadline=deadline, department_ids=(department,),
            status=status,
        )  # fmt: skip
        return create_plan(db, data, actor=admin).id

    late = plan("Late", datetime(2026, 9, 10), world.logistics, "active")
    soon = plan("Soon", datetime(2026, 9, 30), world.logistics, "active")
    plan("Care", datetime(2026, 9, 15), world.care, "active")
    plan("Draft", datetime(2026, 9, 5), world.logistics, "draft")
    plan("Done", datetime(2026, 9, 5), world.logistics, "done")
    everything = loop_summary(db, admin, start=START, end=END, now=NOW)
    assert (everything.plans_in_progress, everything.plans_due, everything.plans_overdue) == (
        3,
        2,
        2,
    )
    logistics = loop_summary(db, _user(db, world.agent_a), start=START, end=END, now=NOW)
    assert (logistics.plans_in_progress, logistics.plans_due, logistics.plans_overdue) == (2, 1, 1)
    assert [p.id for p in logistics.plans] == [late, soon]  # overdue first
    first = logistics.plans[0]
    assert first.overdue and first.target_value == 10.0 and first.metric.aspect == "delivery_speed"
    # No date when the change took effect: the effect is not measured, and says why.
    assert first.verdict is None and first.unmeasured and "date" in first.unmeasured
    care = loop_summary(db, _user(db, world.care_agent), start=START, end=END, now=NOW)
    assert [p.title for p in care.plans] == ["Care"]
    filtered = loop_summary(db, admin, start=START, end=END, department="CARE", now=NOW)
    assert [p.title for p in filtered.plans] == ["Care"]
