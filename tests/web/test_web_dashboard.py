"""/dashboard and /responses through the app: the page shows the API's numbers, a bad
filter shows its message (400, not 500), the drill-down reaches the comments with
masked names, and an agent sees only their department."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dashboard_data import DashboardData, make_dashboard_data
from dashboard_loop_data import LoopData, make_loop_data
from factories import sign_in
from manyi.accounts.service import create_token, create_user
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.domain.permissions import ROLE_PERMISSIONS, Permission
from manyi.storage.database import Database
from manyi.workflow.plan_effect import measure_effect

PERIOD = "from=2026-03-01&to=2026-08-31"


@pytest.fixture
def data(db: Database) -> DashboardData:
    return make_dashboard_data(db)


def _client(db: Database, tmp_path: Path, role: Role, department: str | None = None) -> TestClient:
    email = f"{role.value}@example.com"
    create_user(db, email, "correct horse battery", role, department=department)
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    sign_in(client, email)
    client.headers["Authorization"] = f"Bearer {create_token(db, email)}"
    return client


def test_page_shows_the_api_numbers_and_marks_the_incident(
    db: Database, data: DashboardData, tmp_path: Path
) -> None:
    client = _client(db, tmp_path, Role.MANAGER)
    page = client.get(f"/dashboard?{PERIOD}&lang=en")
    assert page.status_code == 200
    api = client.get(f"/api/v1/dashboard?{PERIOD}").json()
    nps = next(m for m in api["metrics"] if m["key"] == "nps")
    shown = re.search(r'data-metric="nps".*?data-value="([^"]+)"', page.text, re.S)
    assert shown is not None and float(shown.group(1)) == pytest.approx(nps["value"])
    assert 'data-marked="2026-06"' in page.text
    assert re.search(r'<tr data-label="2026-06"[^>]*class="marked drop"', page.text)


def test_a_bad_filter_shows_its_message(db: Database, data: DashboardData, tmp_path: Path) -> None:
    client = _client(db, tmp_path, Role.VIEWER)
    page = client.get("/dashboard?from=2026-05-01&to=2026-04-01&lang=en")
    assert page.status_code == 400
    assert "must not be before" in page.text and 'id="filter-error"' in page.text
    assert client.get("/dashboard?department=NOPE&lang=en").status_code == 400


def test_drill_down_reaches_the_comments_with_masked_names(
    db: Database, data: DashboardData, tmp_path: Path
) -> None:
    client = _client(db, tmp_path, Role.ANALYST)
    page = client.get(
        "/responses?from=2026-06-01&to=2026-06-30&touchpoint=delivery&metric=nps&value=0-6&lang=en"
    )
    assert page.status_code == 200
    expected = sum(
        r.nps <= 6 for r in data.rows if r.touchpoint == "delivery" and r.submitted_at.month == 6
    )
    assert f'data-total="{expected}"' in page.text
    assert "送货太慢了" in page.text and "顾*" in page.text
    assert client.get("/responses?metric=xyz").status_code == 400


def test_an_agent_sees_only_their_department(
    db: Database, data: DashboardData, tmp_path: Path
) -> None:
    client = _client(db, tmp_path, Role.AGENT, department="CARE")
    assert client.get(f"/dashboard?{PERIOD}&department=LOG&lang=en").status_code == 400
    page = client.get(f"/responses?{PERIOD}&metric=nps&lang=en")
    hotline = sum(r.touchpoint == "hotline" for r in data.rows)
    assert f'data-total="{hotline}"' in page.text


# --------------------------------------------------------------------------- closed loop


@pytest.fixture
def loop(db: Database, data: DashboardData) -> LoopData:
    planner = create_user(db, "planner@example.com", "correct horse battery", Role.ADMIN)
    return make_loop_data(db, data, planner)


def test_the_closed_loop_panel_shows_breaches_and_plans_with_their_links(
    db: Database, data: DashboardData, loop: LoopData, tmp_path: Path
) -> None:
    client = _client(db, tmp_path, Role.MANAGER)
    page = client.get(f"/dashboard?{PERIOD}&lang=en")
    assert page.status_code == 200 and 'id="loop"' in page.text
    breached = re.search(
        r'data-loop="breached">.*?<p class="value"><a href="([^"]+)">(\d+)<', page.text, re.S
    )
    assert breached is not None and int(breached.group(2)) == len(loop.breached)
    assert breached.group(1) == "/cases?state=open&amp;overdue=true"
    listed = re.findall(r'<li data-case="(\d+)"><a href="/cases/(\d+)">', page.text)
    assert len(listed) == 5 and all(a == b and int(a) in loop.breached for a, b in listed)
    assert '<a href="/plans?status=active">1</a>' in page.text
    assert f'<a href="/plans/{loop.plan_id}">' in page.text
    effect = measure_effect(db, loop.spec)
    assert (
        html.escape(effect.verdict_en, quote=False) in page.text
    )  # the plan's measured verdict, as the plan page says it
    # The department filter reaches the case inbox's links.
    page = client.get(f"/dashboard?{PERIOD}&department=LOG&lang=zh-CN")
    dep = data.departments["LOG"]
    assert f'href="/cases?state=open&amp;overdue=true&amp;department={dep}"' in page.text
    shown = re.search(r'data-loop="breached">.*?<p class="value"><a [^>]+>(\d+)<', page.text, re.S)
    assert shown is not None
    assert int(shown.group(1)) == sum(1 for d in loop.breached.values() if d == "LOG")
    assert html.escape(effect.verdict_zh, quote=False) in page.text


def test_the_closed_loop_panel_is_hidden_without_the_case_permission(
    db: Database, data: DashboardData, loop: LoopData, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    client = _client(db, tmp_path, Role.VIEWER)
    assert 'id="loop"' in client.get(f"/dashboard?{PERIOD}&lang=en").text  # viewers see cases
    monkeypatch.setitem(
        ROLE_PERMISSIONS, Role.VIEWER, ROLE_PERMISSIONS[Role.VIEWER] - {Permission.VIEW_CASES}
    )
    page = client.get(f"/dashboard?{PERIOD}&lang=en")
    assert page.status_code == 200 and 'data-metric="nps"' in page.text
    assert 'id="loop"' not in page.text and "/cases/" not in page.text


def test_an_agent_sees_only_their_departments_breaches(
    db: Database, data: DashboardData, loop: LoopData, tmp_path: Path
) -> None:
    client = _client(db, tmp_path, Role.AGENT, department="CARE")
    page = client.get(f"/dashboard?{PERIOD}&lang=en")
    care = [i for i, d in loop.breached.items() if d == "CARE"]
    shown = re.search(r'data-loop="breached">.*?<p class="value"><a [^>]+>(\d+)<', page.text, re.S)
    assert shown is not None and int(shown.group(1)) == len(care)
    assert f'<a href="/cases/{care[0]}">' in page.text
    assert all(f'"/cases/{i}"' not in page.text for i, d in loop.breached.items() if d == "LOG")
    assert f"/plans/{loop.plan_id}" not in page.text  # the plan is logistics'
