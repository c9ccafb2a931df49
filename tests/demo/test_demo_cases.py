"""The demo's closed loop: rules, cases opened on recent detractors and complaints in
their departments, some resolved with root causes, some overdue; a second run adds none."""

from __future__ import annotations

from datetime import date, datetime

from manyi.demo.cases import load_cases_demo
from manyi.demo.load import load_demo
from manyi.storage.database import Database
from manyi.workflow.alerts import list_rules
from manyi.workflow.cases import CaseFilter, list_cases


def test_demo_cases(sqlite_db: Database) -> None:
    db = sqlite_db
    load_demo(db, n_responses=3000, n_feedback=1500, end=date(2026, 11, 15))
    cases, total = list_cases(db, CaseFilter(), limit=500)
    assert total >= 2, total
    assert all(c.department_id is not None for c in cases)
    assert any(c.response_id for c in cases) and any(c.feedback_id for c in cases)
    resolved = [c for c in cases if c.state in ("resolved", "closed")]
    assert resolved and all(c.root_cause_code and c.solution for c in resolved)
    assert any(c.overdue(datetime(2026, 11, 15, 9)) or c.escalated_at for c in cases)
    assert sum(r.hits for r in list_rules(db)) >= total
    assert load_cases_demo(db, end=date(2026, 11, 15), password="manyi-demo") == 0
