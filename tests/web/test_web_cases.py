"""Case pages in process: the inbox with its filters in the URL, the case page, a
transition with CSRF and version, the conflict message for a stale version, the manual
case form, the rule editor and its hit log; scoping (an agent of another department)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from factories import make_survey, sign_in
from manyi.app import create_app
from manyi.config import Settings
from manyi.storage.database import Database
from manyi.workflow.alerts import evaluate_items
from manyi.workflow.cases import CaseNew, open_case
from manyi.workflow.config import WorkflowConfig
from workflow.case_data import PASSWORD, SYSTEM, make_case_world


def _client(db: Database, tmp_path: Path, email: str) -> TestClient:
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    sign_in(client, email, PASSWORD)
    return client


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_inbox_case_page_and_conflict(sqlite_db: Database, tmp_path: Path) -> None:
    db = sqlite_db
    w = make_case_world(db)
    case = open_case(
        db,
        CaseNew("送货晚了 <b>三天</b>", "call", touchpoint_id=w.delivery),
        SYSTEM,
        WorkflowConfig(),
    )
    agent = _client(db, tmp_path, "a@example.com")
    inbox = agent.get("/cases?state=open&priority=P3&assignee=me&lang=zh-CN")
    assert inbox.status_code == 200
    assert f'data-case="{case.id}"' in inbox.text and "&lt;b&gt;" in inbox.text
    assert 'value="me" selected' in inbox.text
    assert f'data-case="{case.id}"' not in agent.get("/cases?priority=P1").text
    page = agent.get(f"/cases/{case.id}?lang=en")
    assert page.status_code == 200 and "First response due" in page.text
    token = _csrf(page.text)
    moved = agent.post(
        f"/cases/{case.id}/act", data={"csrf_token": token, "version": "1", "state": "acknowledged"}
    )
    assert moved.status_code == 200 and 'data-state="acknowledged"' in moved.text
    # A second tab still shows version 1: its change is refused with the conflict message.
    stale = agent.post(
        f"/cases/{case.id}/act", data={"csrf_token": token, "version": "1", "state": "in_progress"}
    )
    assert 'id="conflict"' in stale.text and 'data-state="acknowledged"' in stale.text
    no_cause = agent.post(
        f"/cases/{case.id}/act", data={"csrf_token": token, "version": "2", "state": "resolved"}
    )
    assert "choose a root cause" in no_cause.text
    bad_csrf = agent.post(
        f"/cases/{case.id}/act", data={"csrf_token": "x", "version": "2", "state": "in_progress"}
    )
    assert "expired" in bad_csrf.text
    noted = agent.post(
        f"/cases/{case.id}/notes", data={"csrf_token": token, "body": "回电客户", "kind": "call"}
    )
    assert "回电客户" in noted.text

    # An agent of another department sees neither the case nor it in the inbox.
    care = _client(db, tmp_path, "c@example.com")
    assert care.get(f"/cases/{case.id}").status_code == 404
    assert f'data-case="{case.id}"' not in care.get("/cases?state=").text


def test_manual_case_and_rule_editor(sqlite_db: Database, tmp_path: Path) -> None:
    db = sqlite_db
    make_case_world(db)
    manager = _client(db, tmp_path, "m@example.com")
    form = manager.get("/cases/new?lang=en")
    made = manager.post(
        "/cases/new",
        data={
            "csrf_token": _csrf(form.text),
            "title": "Walk-in: wrong size",
            "origin": "walk_in",
            "importance": "3",
            "urgency": "3",
        },
    )
    assert made.status_code == 200 and "Walk-in: wrong size" in made.text and "P1" in made.text
    rules = manager.get("/alert-rules?lang=en")
    assert rules.status_code == 200
    bad = manager.post(
        "/alert-rules", data={"csrf_token": _csrf(rules.text), "name": "Nothing", "open_case": "on"}
    )
    assert "at least one condition" in bad.text
    created = manager.post(
        "/alert-rules",
        data={
            "csrf_token": _csrf(rules.text),
            "name": "Gold detractors",
            "nps_at_most": "6",
            "tier": "gold",
            "open_case": "on",
            "importance": "3",
            "urgency": "3",
        },
    )
    assert "Gold detractors" in created.text and "nps_at_most" in created.text
    survey = make_survey(db)
    from manyi.ingestion.responses import ResponseIn, record_response

    rid = record_response(
        db, survey.id, ResponseIn({"nps": 1}, customer="C-1", touchpoint="delivery")
    ).id
    rule_id = int(re.findall(r'data-rule="(\d+)"', created.text)[0])
    opened = evaluate_items(db, "response", [rid], WorkflowConfig())
    assert len(opened) == 1
    log = manager.get(f"/alert-rules/{rule_id}?lang=en")
    assert f"response #{rid}" in log.text and "NPS 1 ≤ 6" in log.text
    agent = _client(db, tmp_path, "a@example.com")
    assert agent.get("/alert-rules").status_code == 403
