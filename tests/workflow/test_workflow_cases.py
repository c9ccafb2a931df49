"""Cases: routing, SLA due times on the business calendar, transitions, the root cause
required to resolve, the SLA pause while waiting, repeats, and no lost update when two
agents act at once (threads, SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from manyi.domain.scope import DepartmentScope
from manyi.errors import Conflict, InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.storage.tables import AuditLogRow, InboxItemRow
from manyi.workflow.case_updates import merge_case, update_case
from manyi.workflow.cases import (
    Actor,
    CaseFilter,
    CaseNew,
    add_note,
    get_case,
    list_cases,
    open_case,
)
from manyi.workflow.config import WorkflowConfig
from manyi.workflow.routing import add_routing_rule
from workflow.case_data import SYSTEM, make_case_world

CONFIG = WorkflowConfig()
# Friday 2026-12-04 17:00 in Shanghai (09:00 UTC).
FRIDAY_17 = datetime(2026, 12, 4, 9)


def test_a_case_is_routed_round_robin_with_sla_due_times(db: Database) -> None:
    w = make_case_world(db)
    first = open_case(
        db, CaseNew("Late parcel", "call", importance=3, urgency=3, touchpoint_id=w.delivery),
        SYSTEM, CONFIG, FRIDAY_17,
    )  # fmt: skip
    assert first.department_id == w.logistics and first.priority == "P1"
    assert first.assignee_id == w.agent_a  # never assigned yet, lowest id
    # P1: first response in 1 working hour (Friday 18:00), resolution in 8 (Monday 17:00).
    assert first.first_response_due_at == datetime(2026, 12, 4, 10)
    assert first.resolution_due_at == datetime(2026, 12, 7, 9)
    second = open_case(
        db, CaseNew("Broken box", "letter", touchpoint_id=w.delivery), SYSTEM, CONFIG,
        FRIDAY_17 + timedelta(minutes=1),
    )  # fmt: skip
    assert second.assignee_id == w.agent_b
    third = open_case(db, CaseNew("Again", "walk_in", touchpoint_id=w.delivery), SYSTEM, CONFIG,
                      FRIDAY_17 + timedelta(minutes=2))  # fmt: skip
    assert third.assignee_id == w.agent_a
    with db.session() as s:
        audit = s.scalars(select(AuditLogRow).where(AuditLogRow.action == "case-opened")).all()
        assert len(audit) == 3
        # the assignee got an in-app notification (manyi.workflow.notifications)
        inbox = s.scalars(select(InboxItemRow).where(InboxItemRow.user_id == w.agent_a)).all()
        assert len(inbox) == 2


def test_routing_rules_come_before_the_touchpoint(db: Database) -> None:
    w = make_case_world(db)
    add_routing_rule(db, w.care, aspect="billing", name="billing to care")
    case = open_case(db, CaseNew("Charged twice", touchpoint_id=w.delivery, aspect="billing"),
                     SYSTEM, CONFIG)  # fmt: skip
    assert case.department_id == w.care and case.assignee_id == w.care_agent


def test_transitions_need_a_root_cause_to_resolve_and_audit_each_change(db: Database) -> None:
    w = make_case_world(db)
    case = open_case(db, CaseNew("Late", touchpoint_id=w.delivery), SYSTEM, CONFIG, FRIDAY_17)
    agent = Actor(w.agent_a, "a@example.com")
    case = update_case(db, case.id, case.version, agent, CONFIG, state="acknowledged")
    assert case.state == "acknowledged" and case.first_responded_at is not None
    with pytest.raises(InvalidInput, match="root cause"):
        update_case(db, case.id, case.version, agent, CONFIG, state="resolved")
    with pytest.raises(InvalidInput, match="unknown root-cause"):
        update_case(db, case.id, case.version, agent, CONFIG, root_cause_code="X")
    with pytest.raises(InvalidInput, match="solution"):
        update_case(db, case.id, case.version, agent, CONFIG, state="resolved",
                    root_cause_code="LOGI-DELAY")  # fmt: skip
    with pytest.raises(Conflict, match="cannot move to new"):
        update_case(db, case.id, case.version, agent, CONFIG, state="new")
    case = update_case(
        db, case.id, case.version, agent, CONFIG, state="resolved",
        root_cause_code="LOGI-DELAY", solution="Re-delivered; a coupon agreed",
    )  # fmt: skip
    assert case.state == "resolved" and case.version == 3
    reopened = update_case(db, case.id, case.version, agent, CONFIG, state="in_progress")
    assert reopened.reopen_count == 1 and reopened.resolved_at is None
    add_note(db, case.id, "Called the customer back", agent, kind="call")
    _, events = get_case(db, case.id)
    assert [e.kind for e in events] == ["opened", "transition", "transition", "transition", "call"]
    with db.session() as s:
        actions = s.scalars(
            select(AuditLogRow.action).where(AuditLogRow.subject_kind == "case")
        ).all()
        assert actions.count("case-transition") == 3


def test_waiting_for_the_customer_pauses_the_resolution_clock(db: Database) -> None:
    w = make_case_world(db)
    monday_9 = datetime(2026, 12, 7, 1)
    case = open_case(db, CaseNew("Late", touchpoint_id=w.delivery), SYSTEM, CONFIG, monday_9)
    due = case.resolution_due_at
    assert due is not None
    agent = Actor(w.agent_a, "a")
    case = update_case(db, case.id, 1, agent, CONFIG, state="acknowledged", at=monday_9)
    case = update_case(db, case.id, 2, agent, CONFIG, state="waiting_customer", at=monday_9)
    # 2 working hours waited (09:00–11:00 Monday): due 2 working hours later.
    case = update_case(db, case.id, 3, agent, CONFIG, state="in_progress",
                       at=monday_9 + timedelta(hours=2))  # fmt: skip
    assert case.resolution_due_at == CONFIG.calendar.add_working_minutes(due, 120)


def test_repeat_complaints_are_marked_and_linked(db: Database) -> None:
    w = make_case_world(db)
    first = open_case(
        db, CaseNew("Late", customer_id=w.customer, aspect="delivery"), SYSTEM, CONFIG
    )
    again = open_case(db, CaseNew("Late again", customer_id=w.customer, aspect="delivery"),
                      SYSTEM, CONFIG)  # fmt: skip
    other = open_case(db, CaseNew("Price", customer_id=w.customer, aspect="price"), SYSTEM, CONFIG)
    assert again.repeat_of_id == first.id and "repeat" in again.tags
    assert other.repeat_of_id is None


def test_department_scope_hides_other_departments(db: Database) -> None:
    w = make_case_world(db)
    case = open_case(db, CaseNew("Late", touchpoint_id=w.delivery), SYSTEM, CONFIG)
    care_only = DepartmentScope(frozenset({w.care}))
    with pytest.raises(NotFound):
        get_case(db, case.id, care_only)
    assert list_cases(db, CaseFilter(), care_only) == ([], 0)
    assert list_cases(db, CaseFilter(), DepartmentScope(frozenset({w.logistics})))[1] == 1
    overdue = list_cases(db, CaseFilter(overdue_at=datetime(2030, 1, 1)))
    assert overdue[1] == 1


def test_a_stale_version_is_a_conflict(db: Database) -> None:
    w = make_case_world(db)
    case = open_case(db, CaseNew("Late", touchpoint_id=w.delivery), SYSTEM, CONFIG)
    update_case(db, case.id, 1, Actor(w.agent_a, "a"), CONFIG, state="acknowledged")
    with pytest.raises(Conflict, match="changed by someone else"):
        update_case(db, case.id, 1, Actor(w.agent_b, "b"), CONFIG, state="in_progress")


def test_two_agents_at_once_no_lost_update(db: Database) -> None:
    """Both agents read version 1 and act at the same moment: exactly one wins, the other
    gets the conflict, and the stored case holds the winner's change only."""
    w = make_case_world(db)
    case = open_case(db, CaseNew("Late", touchpoint_id=w.delivery), SYSTEM, CONFIG)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name: str, user_id: int, **change: object) -> None:
        barrier.wait()
        try:
            update_case(db, case.id, 1, Actor(user_id, name), CONFIG, **change)  # type: ignore[arg-type]
            outcomes[name] = "ok"
        except Conflict as error:
            outcomes[name] = error.message
        except Exception as error:  # a locked SQLite database would show here
            outcomes[name] = f"error: {error}"

    threads = [
        threading.Thread(target=act, args=("a", w.agent_a), kwargs={"title": "A's title"}),
        threading.Thread(target=act, args=("b", w.agent_b), kwargs={"title": "B's title"}),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(v == "ok" for v in outcomes.values()) == [False, True], outcomes
    loser = next(v for v in outcomes.values() if v != "ok")
    assert "changed by someone else" in loser
    stored, _ = get_case(db, case.id)
    winner = next(k for k, v in outcomes.items() if v == "ok")
    assert stored.version == 2 and stored.title == f"{winner.upper()}'s title"


def test_merge_a_duplicate(db: Database) -> None:
    w = make_case_world(db)
    kept = open_case(db, CaseNew("Late", touchpoint_id=w.delivery), SYSTEM, CONFIG)
    dup = open_case(
        db, CaseNew("Late (letter)", "letter", touchpoint_id=w.delivery), SYSTEM, CONFIG
    )
    agent = Actor(w.agent_a, "a")
    with pytest.raises(InvalidInput, match="itself"):
        merge_case(db, dup.id, dup.id, 1, agent)
    with pytest.raises(Conflict, match="changed by someone else"):
        merge_case(db, dup.id, kept.id, 7, agent)
    merged = merge_case(db, dup.id, kept.id, 1, agent)
    assert merged.state == "closed" and merged.merged_into_id == kept.id
    stored, events = get_case(db, kept.id)
    assert stored.version == kept.version and events[-1].kind == "merged-in"
    with pytest.raises(Conflict, match="already merged"):
        merge_case(db, dup.id, kept.id, merged.version, agent)
    with pytest.raises(Conflict, match="itself merged"):
        merge_case(db, kept.id, dup.id, stored.version, agent)
