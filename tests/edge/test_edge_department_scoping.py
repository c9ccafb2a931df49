"""Must show (issue #11): an agent of one department cannot open another department's
data, on the pages nor through the API, and can open their own. A row of another
department answers 404 as a row that does not exist, so its existence does not leak."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from factories import sign_in
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.enrichment.service import enrich_pending
from manyi.storage.database import Database
from scoped_data import PHONE, make_scoped_data, make_scoped_user


def _client(db: Database, tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))


def test_an_agent_opens_their_department_and_not_another(db: Database, tmp_path: Path) -> None:
    data = make_scoped_data(db)
    enrich_pending(db)
    email, token = make_scoped_user(db, Role.AGENT, "east")
    api = {"Authorization": f"Bearer {token}"}
    client = _client(db, tmp_path)

    own = client.get(f"/api/v1/responses/{data.responses['tp_east']}", headers=api)
    assert own.status_code == 200 and PHONE in own.json()["answers"]["comment"]
    for other in ("tp_west", "tp_east_a", "tp_none"):  # agents: exactly their department
        refused = client.get(f"/api/v1/responses/{data.responses[other]}", headers=api)
        assert refused.status_code == 404, other
        assert refused.json()["error"] == f"no response with id {data.responses[other]}"
    assert client.get(f"/api/v1/feedback/{data.feedback['east']}", headers=api).status_code == 200
    assert client.get(f"/api/v1/feedback/{data.feedback['west']}", headers=api).status_code == 404
    listed = client.get(f"/api/v1/surveys/{data.survey_id}/responses", headers=api).json()
    assert [r["touchpoint"] for r in listed["data"]] == ["tp_east"] and listed["count"] == 1
    feedback = client.get("/api/v1/feedback", headers=api).json()["data"]
    assert [f["department"] for f in feedback] == ["east"]

    sign_in(client, email)
    page = client.get("/themes/delivery")
    assert page.status_code == 200
    assert "east 送货太慢" in page.text
    for other in ("west 送货太慢", "east_a 送货太慢", "hq 送货太慢", "none 送货太慢"):
        assert other not in page.text, other
    # the review pages are not an agent's at all
    assert client.get("/responses/flagged").status_code == 403


def test_a_department_head_sees_the_subtree_and_no_more(db: Database, tmp_path: Path) -> None:
    data = make_scoped_data(db)
    email, token = make_scoped_user(db, Role.ANALYST, "east")
    api = {"Authorization": f"Bearer {token}"}
    client = _client(db, tmp_path)
    listed = client.get(f"/api/v1/surveys/{data.survey_id}/responses", headers=api).json()
    assert sorted(r["touchpoint"] for r in listed["data"]) == ["tp_east", "tp_east_a"]
    # analysts see no personal data
    assert all(PHONE not in r["answers"]["comment"] for r in listed["data"])
    west = data.responses["tp_west"]
    assert client.get(f"/api/v1/responses/{west}", headers=api).status_code == 404
    # the exclusion decision: refused for another department's response, page and API
    body = {"excluded": True, "reason": "test"}
    assert (
        client.post(f"/api/v1/responses/{west}/exclusion", json=body, headers=api).status_code
        == 404
    )
    own = data.responses["tp_east_a"]
    assert (
        client.post(f"/api/v1/responses/{own}/exclusion", json=body, headers=api).status_code == 200
    )
    sign_in(client, email)
    form = client.get("/responses/flagged")
    assert form.status_code == 200
    csrf = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    decision = {"action": "exclude", "reason": "test", "csrf_token": csrf}
    refused = client.post(f"/responses/flagged/{west}", data=decision, follow_redirects=False)
    assert refused.status_code == 404
    shown = client.get("/responses/flagged")
    assert f"response-{own}" in shown.text and f"response-{west}" not in shown.text


def test_the_home_page_counts_only_the_departments_seen(db: Database, tmp_path: Path) -> None:
    make_scoped_data(db)
    # hq's subtree holds the three touchpoints with a department; the fourth response
    # (no department) counts for unscoped users only
    expected = {"hq": 3, "east": 2, "west": 1, None: 4}
    for department, n in expected.items():
        email, _ = make_scoped_user(db, Role.MANAGER, department)
        client = _client(db, tmp_path)
        sign_in(client, email)
        page = client.get("/", params={"lang": "en"})
        assert page.status_code == 200
        total, window = re.findall(r'class="num" data-label="[^"]*">([\d,]+)</td>', page.text)[:2]
        assert (int(total), int(window)) == (n, n), department
