"""GET /api/v1/dashboard: the overview's numbers as JSON, the same as the service and as
``manyi.stats`` on the raw rows; filters as query parameters; scoping per user."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dashboard_data import DashboardData, make_dashboard_data
from dashboard_loop_data import make_loop_data
from manyi.accounts.service import create_token, create_user
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.domain.permissions import ROLE_PERMISSIONS, Permission
from manyi.stats.metrics import nps
from manyi.storage.database import Database
from manyi.workflow.plan_effect import measure_effect

PERIOD = "from=2026-03-01&to=2026-08-31"


@pytest.fixture
def data(db: Database) -> DashboardData:
    return make_dashboard_data(db)


@pytest.fixture
def client(db: Database, tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))


def _token(db: Database, role: Role, department: str | None = None) -> dict[str, str]:
    email = f"{role.value}@example.com"
    create_user(db, email, "correct horse battery", role, department=department)
    return {"Authorization": f"Bearer {create_token(db, email)}"}


def _metric(body: dict[str, object], key: str) -> dict[str, object]:
    return next(m for m in body["metrics"] if m["key"] == key)  # type: ignore[attr-defined,index]


def test_api_gives_the_numbers_of_manyi_stats_on_the_raw_rows(
    db: Database, data: DashboardData, client: TestClient
) -> None:
    r = client.get(f"/api/v1/dashboard?{PERIOD}&granularity=month", headers=_token(db, Role.ADMIN))
    assert r.status_code == 200, r.text
    body = r.json()
    expected = nps([x.nps for x in data.rows])
    m = _metric(body, "nps")
    assert (m["value"], m["low"], m["high"], m["n"]) == pytest.approx(
        (expected.score, expected.ci_low, expected.ci_high, expected.n)
    )
    june = next(p for p in body["trends"][1]["points"] if p["label"] == "2026-06")
    assert body["trends"][1]["key"] == "nps" and june["signal"] == "1"
    assert body["filters"]["start"] == "2026-03-01" and body["headline_correction"] == "holm"


def test_an_agent_gets_only_their_department(
    db: Database, data: DashboardData, client: TestClient
) -> None:
    agent = _token(db, Role.AGENT, department="CARE")
    body = client.get(f"/api/v1/dashboard?{PERIOD}", headers=agent).json()
    hotline = [x.nps for x in data.rows if x.touchpoint == "hotline"]
    assert _metric(body, "nps")["n"] == len(hotline)
    assert [c["value"] for c in body["options"]["departments"]] == ["CARE"]
    refused = client.get(f"/api/v1/dashboard?{PERIOD}&department=LOG", headers=agent)
    assert refused.status_code == 422 and "among your departments" in refused.text


def test_bad_filters_are_422_with_the_reason(
    db: Database, data: DashboardData, client: TestClient
) -> None:
    auth = _token(db, Role.VIEWER)
    for query, message in (
        ("granularity=hour", "granularity must be one of"),
        ("colour=red", "unknown filter 'colour'"),
        ("from=2026-02-30&to=2026-03-01", "'from' must be a date"),
    ):
        r = client.get(f"/api/v1/dashboard?{query}", headers=auth)
        assert r.status_code == 422 and message in r.text, r.text
    assert client.get("/api/v1/dashboard").status_code == 401


def test_the_closed_loop_is_in_the_json_for_those_who_see_cases(
    db: Database, data: DashboardData, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    planner = create_user(db, "planner@example.com", "correct horse battery", Role.ADMIN)
    loop = make_loop_data(db, data, planner)
    body = client.get(f"/api/v1/dashboard?{PERIOD}", headers=_token(db, Role.MANAGER)).json()
    got = body["loop"]
    assert (got["breached"]["hits"], got["opened"]) == (len(loop.breached), 10)
    assert got["first_response_breached"] == 4 and got["resolution_breached"] == 3
    assert (got["open_cases"], got["overdue_now"]) == (2, 1)  # one waits for the customer
    newest = [c["opened_at"][:10] for c in got["breached_cases"]]
    assert newest == ["2026-06-10", "2026-06-08", "2026-06-05", "2026-06-04", "2026-06-03"]
    assert {c["id"] for c in got["breached_cases"]} <= set(loop.breached)
    assert (got["plans_in_progress"], got["plans_due"], got["plans_overdue"]) == (1, 1, 1)
    assert got["plans"][0]["verdict"] == measure_effect(db, loop.spec).verdict
    agent = _token(db, Role.AGENT, department="CARE")
    care = client.get(f"/api/v1/dashboard?{PERIOD}", headers=agent).json()["loop"]
    assert (care["opened"], care["breached"]["hits"], care["plans"]) == (3, 1, [])
    assert (care["open_cases"], care["overdue_now"]) == (1, 0)
    monkeypatch.setitem(
        ROLE_PERMISSIONS, Role.VIEWER, ROLE_PERMISSIONS[Role.VIEWER] - {Permission.VIEW_CASES}
    )
    viewer = client.get(f"/api/v1/dashboard?{PERIOD}", headers=_token(db, Role.VIEWER)).json()
    assert "loop" not in viewer and "metrics" in viewer
