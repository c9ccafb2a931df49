"""Scorecards, points and mechanism health (issue #12, points 4 and 5) on cases with
known SLA outcomes; intervals are Wilson's, checked against Newcombe (1998)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from manyi.accounts.service import User, create_department, create_user
from manyi.domain.enums import Role
from manyi.errors import InvalidInput, NotFound
from manyi.storage.cases import insert_case
from manyi.storage.database import Database
from manyi.workflow.health import mechanism_health
from manyi.workflow.scorecards import MIN_N, Rate, award_points, points_ledger, scorecards

NOW = datetime(2026, 12, 1, 12, 0)


def test_rate_uses_wilson_as_published_by_newcombe() -> None:
    # Newcombe (1998), Statistics in Medicine 17, 857-872, Table I: 81/263 -> 0.2553-0.3662,
    # 15/148 -> 0.0624-0.1605 (Wilson score interval without continuity correction).
    r = Rate.of(81, 263)
    assert r.share == pytest.approx(81 / 263)
    assert (round(r.low or 0, 4), round(r.high or 0, 4)) == (0.2553, 0.3662)
    r = Rate.of(15, 148)
    assert (round(r.low or 0, 4), round(r.high or 0, 4)) == (0.0624, 0.1605)
    thin = Rate.of(2, MIN_N - 1)
    assert thin.share is None and thin.low is None and thin.n == MIN_N - 1


def _case(db: Database, dep: int, agent: int, i: int, *, met: bool, csat: float | None,
          repeat_of: int | None = None, resolved: bool = True, reopened: int = 0) -> int:  # fmt: skip
    opened = NOW - timedelta(days=10, hours=i)
    due = opened + timedelta(hours=8)
    with db.session() as s:
        row = insert_case(
            s,
            {
                "title": f"case {i}", "origin": "call", "priority": "P2", "state":
                "resolved" if resolved else "in_progress", "department_id": dep,
                "assignee_id": agent, "opened_at": opened,
                "first_response_due_at": opened + timedelta(hours=2),
                "first_responded_at": opened + timedelta(hours=1 if met else 3),
                "resolution_due_at": due,
                "resolved_at": (due - timedelta(hours=1) if met else due + timedelta(hours=5))
                if resolved else None,
                "post_csat": csat, "repeat_of_id": repeat_of, "reopen_count": reopened,
            },
        )  # fmt: skip
        return row.id


@pytest.fixture
def people(db: Database) -> tuple[User, User, int, int]:
    log = create_department(db, "LOG", "物流配送", "Delivery")
    care = create_department(db, "CS", "客服中心", "Customer care")
    admin = create_user(db, "admin@example.com", "correct horse battery", Role.ADMIN)
    agent = create_user(db, "agent@example.com", "correct horse battery", Role.AGENT,
                        department="LOG")  # fmt: skip
    return admin, agent, log, care


def test_scorecards_count_sla_csat_repeats_and_points(
    db: Database, people: tuple[User, User, int, int]
) -> None:
    admin, agent, log, care = people
    first = _case(db, log, agent.id, 0, met=True, csat=5)
    for i in range(1, 12):  # 12 cases: 9 met their SLA, 8 of 12 follow-ups are 4-5
        _case(db, log, agent.id, i, met=i < 9, csat=[5, 4, 2][i % 3],
              repeat_of=first if i in (3, 4) else None)  # fmt: skip
    _case(db, care, agent.id, 50, met=True, csat=None)  # one case elsewhere: too few
    award_points(db, holder_kind="department", holder_id=log, points=50, reason="SLA", actor=admin)
    award_points(db, holder_kind="user", holder_id=agent.id, points=20, reason="好评", actor=admin)
    award_points(db, holder_kind="user", holder_id=agent.id, points=-5, reason="更正", actor=admin)
    cards = scorecards(db, admin, since=NOW - timedelta(days=30), until=NOW)
    delivery = next(c for c in cards.departments if c.id == log)
    assert (delivery.cases, delivery.resolved) == (12, 12)
    assert (delivery.resolution_sla.hits, delivery.resolution_sla.n) == (9, 12)
    assert (delivery.first_response_sla.hits, delivery.first_response_sla.n) == (9, 12)
    assert (delivery.post_csat.hits, delivery.post_csat.n) == (8, 12)
    assert (delivery.repeat.hits, delivery.repeat.n) == (2, 12)
    assert delivery.points == 50 and delivery.attributed.share is None  # no survey answers
    care_card = next(c for c in cards.departments if c.id == care)
    assert care_card.cases == 1 and care_card.resolution_sla.share is None  # "not enough data"
    (staff,) = cards.staff
    assert (staff.id, staff.cases, staff.points) == (agent.id, 13, 15)
    # The agent's own scope is their department: only LOG's card.
    assert [c.id for c in scorecards(db, agent, until=NOW).departments] == [log]
    assert [e.points for e in points_ledger(db, holder_kind="user")] == [-5, 20]


def test_points_refuse_bad_entries(db: Database, people: tuple[User, User, int, int]) -> None:
    admin, *_ = people
    with pytest.raises(NotFound):
        award_points(db, holder_kind="customer", holder_id=999, points=5, reason="x")
    with pytest.raises(InvalidInput, match="non-zero"):
        award_points(db, holder_kind="user", holder_id=admin.id, points=0, reason="x")
    with pytest.raises(InvalidInput, match="points go to"):
        award_points(db, holder_kind="shop", holder_id=1, points=1, reason="x")


def test_mechanism_health_rates_and_backlog(
    db: Database, people: tuple[User, User, int, int]
) -> None:
    admin, agent, log, _ = people
    for i in range(12):
        _case(db, log, agent.id, i, met=True, csat=None, resolved=i < 9, reopened=int(i < 3))
    health = mechanism_health(db, admin, days=30, now=NOW)
    assert health.current.cases == 12 and health.previous.cases == 0
    assert (health.current.closure.hits, health.current.closure.n) == (9, 12)
    assert (health.current.reopen.hits, health.current.reopen.n) == (3, 9)
    assert health.current.reopen.share is None  # 9 resolved: below the minimum n
    assert health.current.first_response_median_h == pytest.approx(1.0)
    assert health.backlog_total == 3 and dict(health.backlog)["7-30d"] == 3
    with pytest.raises(InvalidInput):
        mechanism_health(db, admin, days=3)
