"""The demo's closed loop: rules, cases opened on recent detractors and complaints in
their departments, some resolved with root causes, some overdue; a second run adds none."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from manyi.demo.cases import load_cases_demo
from manyi.demo.load import load_demo
from manyi.storage.database import Database
from manyi.storage.tables import DepartmentRow
from manyi.workflow.alerts import get_rule, list_rules
from manyi.workflow.cases import CaseFilter, get_case, list_cases


def test_demo_cases(sqlite_db: Database) -> None:
    db = sqlite_db
    # 12,000 responses: enough for the incident's NPS drop over 30 days to be significant.
    load_demo(db, n_responses=12_000, n_feedback=1500, end=date(2026, 11, 15))
    cases, total = list_cases(db, CaseFilter(), limit=500)
    assert total >= 2, total
    assert all(c.department_id is not None for c in cases)
    assert any(c.response_id for c in cases) and any(c.feedback_id for c in cases)
    resolved = [c for c in cases if c.state in ("resolved", "closed")]
    assert resolved and all(c.root_cause_code and c.solution for c in resolved)
    assert any(c.overdue(datetime(2026, 11, 15, 9)) or c.escalated_at for c in cases)
    assert sum(r.hits for r in list_rules(db)) >= total
    # The metric rule fired on the delivery incident (NPS drop), once, and was resolved.
    [metric_rule] = [r for r in list_rules(db) if r.applies_to == "metric"]
    [hit] = get_rule(db, metric_rule.id)[1]
    assert hit.signal_key == "drop:nps:2026-06-12:2026-07-11" and hit.case_id is not None
    incident, _ = get_case(db, hit.case_id)
    assert incident.state == "resolved" and incident.root_cause_code == "LOGI-DELAY"
    assert "/dashboard?from=2026-06-12&to=2026-07-11" in incident.description
    with db.session() as s:
        logistics = s.scalars(select(DepartmentRow.id).where(DepartmentRow.code == "LOG")).one()
    assert incident.department_id == logistics
    assert load_cases_demo(db, end=date(2026, 11, 15), password="manyi-demo") == 0
