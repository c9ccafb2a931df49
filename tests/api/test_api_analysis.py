"""GET /api/v1/analysis: the stored analysis as JSON, for VIEW_ANALYSIS, scoped to the
caller's departments, with the numbers of the service and of manyi.stats."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from analysis_data import store_study
from factories import make_user_token
from manyi.accounts.service import create_user
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.reporting.stored import AnalysisQuery, analysis_to_dict, analyze_survey, clear_cache
from manyi.stats.metrics import nps
from manyi.storage.database import Database


@pytest.fixture
def api(db: Database, tmp_path: Path) -> TestClient:
    clear_cache()
    return TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))


def test_analysis_json_equals_the_service_and_stats(db: Database, api: TestClient) -> None:
    study = store_study(db)
    headers = {"Authorization": f"Bearer {make_user_token(db, Role.VIEWER, 'v@example.com')}"}
    answer = api.get(
        "/api/v1/analysis",
        params={"survey": "study", "from": "2026-01-01", "to": "2026-06-30", "bootstrap": 20},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["responses"] == len(study.counted)
    assert body["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    score = body["report"]["sections"]["metrics"]["parts"]["nps.nps"]["values"]["score"]
    assert score == pytest.approx(nps([r["answers"]["nps"] for r in study.counted]).score)
    assert body["report"]["schema"] == "manyi.analyze/1"
    assert [p["touchpoint"] for p in body["journey"]["points"]] == ["install", "repair"]
    assert body["missing"] == {"value_curve": "no_raters"}
    direct = analysis_to_dict(
        analyze_survey(db, AnalysisQuery("study", *_days("2026-01-01", "2026-06-30")), bootstrap=20)
    )
    assert body == direct


def _days(a: str, b: str) -> tuple[object, object]:
    from datetime import date

    return date.fromisoformat(a), date.fromisoformat(b)


def test_analysis_is_scoped_and_needs_a_token(db: Database, api: TestClient) -> None:
    study = store_study(db)
    assert api.get("/api/v1/analysis", params={"survey": "study"}).status_code == 401
    create_user(db, "agent@example.com", "correct horse battery", Role.AGENT, department="care")
    from manyi.accounts.service import create_token

    headers = {"Authorization": f"Bearer {create_token(db, 'agent@example.com')}"}
    body = api.get(
        "/api/v1/analysis", params={"survey": "study", "bootstrap": 0}, headers=headers
    ).json()
    assert body["responses"] == sum(r["touchpoint"] == "repair" for r in study.counted)
    missing = api.get("/api/v1/analysis", params={"survey": "nope"}, headers=headers)
    assert missing.status_code == 404
    bad = api.get(
        "/api/v1/analysis",
        params={"survey": "study", "from": "2026-06-01", "to": "2026-01-01"},
        headers=headers,
    )
    assert bad.status_code == 422 and "before it starts" in bad.text  # InvalidInput
