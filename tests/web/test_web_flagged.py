"""/responses/flagged (issue #10): analysts see flagged responses with their flags
explained in zh/en, filter them, and exclude or keep them with a CSRF-checked POST; the
home page's NPS follows the decision. Other roles may not."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from factories import make_user_token, sign_in
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.ingestion.responses import ResponseIn, record_response
from manyi.storage.database import Database
from manyi.surveys.service import create_survey

RATINGS = [f"r{i}" for i in range(8)]
DEFINITION: dict[str, Any] = {
    "title": {"zh-CN": "质量", "en": "Quality"},
    "questions": [
        {"code": "nps", "kind": "nps", "text": "推荐", "required": True},
        *({"code": c, "kind": "rating", "text": c} for c in RATINGS),
    ],
}


def seed(db: Database) -> tuple[int, int]:
    """Four clean responses (NPS 50) and one straight-liner scoring 0: (survey, liner)."""
    survey = create_survey(db, DEFINITION, status="active")
    for n, score in enumerate((10, 10, 9, 0)):
        ratings = {c: 1 + (i + n) % 5 for i, c in enumerate(RATINGS)}
        record_response(db, survey.id, ResponseIn({"nps": score, **ratings}, customer=f"c{n}"))
    liner = record_response(
        db, survey.id, ResponseIn({"nps": 0, **dict.fromkeys(RATINGS, 3)}, customer="liner")
    )
    assert liner.quality_flags == ["straight_liner"]
    return survey.id, liner.id


def staff(db: Database, tmp_path: Path, role: Role = Role.ANALYST) -> TestClient:
    email = f"{role.value}@example.com"
    make_user_token(db, role, email)
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    sign_in(client, email)
    return client


def nps_cell(client: TestClient, query: str = "") -> str:
    page = client.get(f"/?lang=en{query}")
    cell = re.search(r'<td class="num nps"[^>]*>\s*<strong>([^<]+)</strong>', page.text)
    assert cell, page.text
    return cell.group(1)


def decide(client: TestClient, response_id: int, action: str, **extra: str) -> Any:
    page = client.get("/responses/flagged?lang=en")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    data = {"csrf_token": token.group(1), "action": action, **extra}
    return client.post(f"/responses/flagged/{response_id}", data=data, follow_redirects=False)


def test_an_analyst_excludes_a_straight_liner_and_the_nps_follows(
    db: Database, tmp_path: Path
) -> None:
    _, liner = seed(db)
    client = staff(db, tmp_path)
    assert nps_cell(client) == "+50.0"  # flagged: left out by default
    assert nps_cell(client, "&flagged=include") == "+20.0"
    page = client.get("/responses/flagged?lang=en")
    assert page.status_code == 200
    assert f'data-response="{liner}"' in page.text
    assert "Straight-liner: gave the same score to every rating item." in page.text
    zh = client.get("/responses/flagged?lang=zh-CN")
    assert "直线作答：所有评分题都给了同一个分数。" in zh.text

    kept = decide(client, liner, "keep", reason="checked by phone")
    assert kept.status_code == 303 and kept.headers["location"].endswith(f"#response-{liner}")
    assert nps_cell(client) == "+20.0"  # kept: counted
    excluded = decide(client, liner, "exclude", reason="all threes")
    assert excluded.status_code == 303
    assert nps_cell(client) == "+50.0"
    assert nps_cell(client, "&flagged=include") == "+50.0"  # excluded is never counted
    home = client.get("/?lang=en")
    assert "1 response excluded by an analyst is left out of NPS and CSAT." in home.text
    listed = client.get("/responses/flagged?decision=excluded&lang=en")
    assert "all threes" in listed.text and f'data-response="{liner}"' in listed.text
    assert decide(client, liner, "undo").status_code == 303
    assert f'data-response="{liner}"' in client.get("/responses/flagged?decision=open").text


def test_a_post_without_the_csrf_token_changes_nothing(db: Database, tmp_path: Path) -> None:
    _, liner = seed(db)
    client = staff(db, tmp_path)
    refused = client.post(
        f"/responses/flagged/{liner}",
        data={"action": "exclude", "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert refused.status_code == 303 and "error=csrf" in refused.headers["location"]
    assert nps_cell(client, "&flagged=include") == "+20.0"
    assert "The page expired" in client.get(refused.headers["location"] + "&lang=en").text


def test_filters(db: Database, tmp_path: Path) -> None:
    survey, liner = seed(db)
    client = staff(db, tmp_path)
    assert f'data-response="{liner}"' in client.get(f"/responses/flagged?survey={survey}").text
    assert "data-response=" not in client.get(f"/responses/flagged?survey={survey + 1}").text
    assert "data-response=" not in client.get("/responses/flagged?flag=speeder").text
    assert client.get("/responses/flagged?flag=nonsense").status_code == 400


@pytest.mark.parametrize("role", [Role.AGENT, Role.VIEWER])
def test_other_roles_may_not(db: Database, tmp_path: Path, role: Role) -> None:
    _, liner = seed(db)
    client = staff(db, tmp_path, role)
    assert client.get("/responses/flagged").status_code == 403
    assert client.post(f"/responses/flagged/{liner}", data={"action": "exclude"}).status_code == 403


def test_signed_out_goes_to_login(db: Database, tmp_path: Path) -> None:
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    page = client.get("/responses/flagged", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
