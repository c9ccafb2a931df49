"""The rule editor's metric form: a manager creates a metric rule (NPS drop on the
delivery touchpoint), a bad one is refused with the reason, the rule list says what it
watches, and after the job fired on the planted incident the rule's page shows the hit
with its numbers and the link to the dashboard."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient

from dashboard_data import make_dashboard_data
from factories import sign_in
from manyi.accounts.service import create_user
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.storage.database import Database
from manyi.workflow.alerts import get_rule
from manyi.workflow.config import WorkflowConfig
from manyi.workflow.metric_alerts import evaluate_metric_rules

PASSWORD = "correct horse battery"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_the_editor_creates_a_metric_rule_and_shows_its_hits(
    sqlite_db: Database, tmp_path: Path
) -> None:
    db = sqlite_db
    data = make_dashboard_data(db)
    create_user(db, "boss@example.com", PASSWORD, Role.MANAGER, department="LOG")
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    sign_in(client, "boss@example.com", PASSWORD)
    page = client.get("/alert-rules?lang=en")
    assert page.status_code == 200 and 'id="metric-rule-form"' in page.text
    assert f'<option value="{data.survey_id}">' in page.text
    token = _csrf(page.text)
    bad = client.post(
        "/alert-rules",
        data={
            "csrf_token": token,
            "applies_to": "metric",
            "name": "New topics",
            "metric_kind": "emerging_aspect",
            "open_case": "on",
        },
    )
    assert "needs a survey_id" in bad.text
    created = client.post(
        "/alert-rules",
        data={
            "csrf_token": token,
            "applies_to": "metric",
            "name": "Delivery NPS falls",
            "metric_kind": "metric_drop",
            "metric": "nps",
            "days": "30",
            "survey_id": str(data.survey_id),
            "metric_touchpoint": "delivery",
            "open_case": "on",
            "importance": "3",
            "urgency": "2",
        },
    )
    assert created.status_code == 200
    assert 'data-kind="metric_drop"' in created.text and "Significant drop" in created.text
    rule_id = int(re.findall(r'data-rule="(\d+)"', created.text)[-1])
    rule, _ = get_rule(db, rule_id)
    assert rule.applies_to == "metric"
    assert rule.conditions == [
        {
            "kind": "metric_drop",
            "survey_id": data.survey_id,
            "department": None,
            "touchpoint": "delivery",
            "route_to": None,
            "metric": "nps",
            "days": 30,
        }
    ]
    assert rule.actions["importance"] == 3 and rule.actions["open_case"]

    run = evaluate_metric_rules(db, WorkflowConfig(), datetime(2026, 7, 1, 9))
    assert run.fired == 1 and len(run.cases) == 1
    log = client.get(f"/alert-rules/{rule_id}?lang=zh-CN")
    assert log.status_code == 200
    assert "drop:nps:2026-06-01:2026-06-30" in log.text
    link = f"/dashboard?from=2026-06-01&amp;to=2026-06-30&amp;survey={data.survey_id}"
    assert link in log.text and "Holm-adjusted p=" in log.text
    assert f'href="/cases/{run.cases[0]}"' in log.text
