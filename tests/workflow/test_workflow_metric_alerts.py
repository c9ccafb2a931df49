"""Metric alert rules on the dashboard's planted incident (delivery NPS falls in June
2026): a significant drop fires once (not again on the next runs), a stable touchpoint
does not fire, the control chart and the emerging aspect fire; the hourly job runs on an
injected clock; the rule's page data (hit log) names the values, p and the link."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from huey import MemoryHuey
from sqlalchemy import select

from dashboard_data import DashboardData, make_dashboard_data
from manyi.accounts.service import create_token, create_user
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.enrichment.service import enrich_pending
from manyi.errors import InvalidInput
from manyi.jobs.queue import build_queue
from manyi.storage.database import Database
from manyi.storage.tables import CaseRow, InboxItemRow
from manyi.workflow.alerts import create_rule, get_rule
from manyi.workflow.cases import Actor
from manyi.workflow.config import WorkflowConfig
from manyi.workflow.metric_alerts import evaluate_metric_rules

CONFIG = WorkflowConfig()
SYSTEM = Actor(None, "test")
JULY_1 = datetime(2026, 7, 1, 9, 0)


@pytest.fixture
def data(db: Database) -> DashboardData:
    return make_dashboard_data(db)


def _rule(db: Database, condition: dict[str, object], **actions: object) -> int:
    return create_rule(
        db,
        name=f"watch {condition['kind']}",
        applies_to="metric",
        conditions=[condition],
        actions=actions or {"open_case": True},
        actor=SYSTEM,
    ).id


def test_a_planted_drop_fires_once_with_a_case_for_the_department(
    db: Database, data: DashboardData
) -> None:
    manager = create_user(
        db, "boss@example.com", "correct horse battery", Role.MANAGER, department="LOG"
    )
    rule = _rule(
        db,
        {"kind": "metric_drop", "metric": "nps", "days": 30, "touchpoint": "delivery"},
        open_case=True,
        urgency=3,
        notify_department=True,
    )
    stable = _rule(
        db, {"kind": "metric_drop", "metric": "nps", "days": 30, "touchpoint": "hotline"}
    )
    run = evaluate_metric_rules(db, CONFIG, JULY_1)
    assert run.fired == 1 and len(run.cases) == 1 and run.skipped == []
    with db.session() as s:
        case = s.scalars(select(CaseRow)).one()
        assert case.department_id == data.departments["LOG"] and case.rule_id == rule
        assert case.origin == "rule" and case.priority == "P2"
        assert "NPS" in case.title
        link = "/dashboard?from=2026-06-01&to=2026-06-30&touchpoint=delivery"
        assert link in case.description
        inbox = s.scalars(select(InboxItemRow).where(InboxItemRow.event == "metric-alert")).one()
        assert inbox.user_id == manager.id and "NPS" in inbox.title
    found, hits = get_rule(db, rule)
    assert found.hits == 1
    [hit] = hits
    assert hit.signal_key == "drop:nps:2026-06-01:2026-06-30"
    assert hit.detail is not None and hit.detail["link"] == link
    assert hit.detail["change"] < 0 and hit.detail["p_adjusted"] < 0.05
    assert hit.detail["previous_period"] == ["2026-05-02", "2026-05-31"]
    assert hit.case_id == case.id and f"opened case {case.id}" in hit.actions_taken
    assert get_rule(db, stable)[0].hits == 0, "the hotline's NPS did not move"

    # The next run (same hour, the next day: an overlapping window) stays quiet.
    assert evaluate_metric_rules(db, CONFIG, JULY_1).fired == 0
    assert evaluate_metric_rules(db, CONFIG, datetime(2026, 7, 2, 9)).fired == 0
    with db.session() as s:
        assert len(s.scalars(select(CaseRow)).all()) == 1


def test_control_chart_signal_on_the_incident_month(db: Database, data: DashboardData) -> None:
    rule = _rule(
        db,
        {"kind": "control_chart", "metric": "nps", "granularity": "month", "department": "LOG"},
        tag="nps-chart",
    )
    calm = _rule(
        db,
        {"kind": "control_chart", "metric": "nps", "granularity": "month", "department": "CARE"},
        tag="nps-chart",
    )
    run = evaluate_metric_rules(db, CONFIG, JULY_1)
    assert run.fired == 1 and run.cases == []
    [hit] = get_rule(db, rule)[1]
    assert hit.signal_key == "chart:nps:month:2026-06"
    assert hit.detail is not None and hit.detail["value"] < hit.detail["lcl"]
    assert get_rule(db, calm)[0].hits == 0
    # On 20 July June is still among the last two points: the same signal, not again.
    assert evaluate_metric_rules(db, CONFIG, datetime(2026, 7, 20)).fired == 0


def test_emerging_aspect_fires_once_per_month(db: Database, data: DashboardData) -> None:
    enrich_pending(db)
    rule = _rule(db, {"kind": "emerging_aspect", "survey_id": data.survey_id}, open_case=True)
    run = evaluate_metric_rules(db, CONFIG, JULY_1)
    assert run.fired >= 1
    _, hits = get_rule(db, rule)
    keys = {h.signal_key for h in hits}
    assert all(k is not None and k.endswith(":2026-06") for k in keys)
    assert any(h.detail and h.detail["q_value"] <= 0.05 for h in hits)
    assert evaluate_metric_rules(db, CONFIG, datetime(2026, 7, 1, 10)).fired == 0


def test_the_hourly_job_on_an_injected_clock(
    db: Database, data: DashboardData, tmp_path: Path
) -> None:
    rule = _rule(db, {"kind": "metric_drop", "metric": "nps", "days": 30, "department": "LOG"})
    clock = [datetime(2026, 7, 1, 9, 23)]
    queue = build_queue(
        Settings(environment="test", data_dir=tmp_path),
        db,
        huey=MemoryHuey("metric-test"),
        clock=lambda: clock[0],
    )

    def tick() -> int:
        due = [t for t in queue.huey.read_periodic(clock[0]) if t.name == "metric-alerts"]
        return sum(int(queue.huey.execute(t)) for t in due)

    assert tick() == 1
    clock[0] = datetime(2026, 7, 1, 9, 24)
    assert tick() == 0, "the job runs at minute 23 of each hour"
    clock[0] = datetime(2026, 7, 1, 10, 23)
    assert tick() == 0, "the drop already fired"
    assert get_rule(db, rule)[0].hits == 1


def test_an_item_rule_cannot_hold_a_metric_condition(db: Database) -> None:
    with pytest.raises(InvalidInput, match="unknown condition kind"):
        create_rule(
            db,
            name="mixed",
            conditions=[{"kind": "metric_drop", "metric": "nps"}],
            actions={"open_case": True},
            actor=SYSTEM,
        )


def test_the_api_creates_a_metric_rule_and_returns_its_hit_log(
    db: Database, data: DashboardData, tmp_path: Path
) -> None:
    create_user(db, "boss@example.com", "correct horse battery", Role.MANAGER, department="LOG")
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    manager = {"Authorization": f"Bearer {create_token(db, 'boss@example.com')}"}
    body = {
        "name": "Company NPS falls",
        "applies_to": "metric",
        "conditions": [{"kind": "metric_drop", "metric": "nps", "days": 30, "route_to": "CARE"}],
        "actions": {"open_case": True},
    }
    made = client.post("/api/v1/alert-rules", json=body, headers=manager)
    assert made.status_code == 201, made.text
    rule_id = made.json()["id"]
    assert made.json()["conditions"][0]["days"] == 30
    refused = client.post(
        "/api/v1/alert-rules",
        json={**body, "conditions": [{"kind": "metric_drop", "metric": "mood"}]},
        headers=manager,
    )
    assert refused.status_code == 422 and "metric is one of" in refused.text
    evaluate_metric_rules(db, CONFIG, JULY_1)
    got = client.get(f"/api/v1/alert-rules/{rule_id}", headers=manager).json()
    [hit] = got["hit_log"]
    assert hit["signal_key"] == "drop:nps:2026-06-01:2026-06-30"
    assert hit["period_end"] == "2026-06-30" and hit["detail"]["link"].startswith("/dashboard?")
    with db.session() as s:  # the company's measure; the case where route_to says
        case = s.get(CaseRow, hit["case_id"])
        assert case is not None and case.department_id == data.departments["CARE"]
