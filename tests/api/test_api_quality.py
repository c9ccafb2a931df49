"""The API of response quality (issue #10): GET /api/v1/responses?flag=…, POST
/api/v1/responses/{id}/exclusion, the decision in the response listing, and answers with
script tags returned as the text they are (JSON, never HTML)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from factories import make_survey, make_user_token
from manyi.domain.enums import Role
from manyi.storage.database import Database

RATINGS = {"speed": 3, "staff": 3, "price": 3, "app": 3, "grid": {"a": 3, "b": 3}, "csat": 3}
SCRIPT = "<script>alert(1)</script> 服务很好"


def submit(client: TestClient, auth: dict[str, str], survey_id: int, **answers: Any) -> Any:
    reply = client.post(
        f"/api/v1/surveys/{survey_id}/responses", json={"answers": answers}, headers=auth
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_flag_filter_and_exclusion(db: Database, client: TestClient, auth: dict[str, str]) -> None:
    survey = make_survey(db, expected_seconds=None)
    liner = submit(
        client, auth, survey.id, nps=0, sq1={"expectation": 3, "perception": 3}, **RATINGS
    )
    plain = submit(client, auth, survey.id, nps=9, comment=SCRIPT)
    assert "straight_liner" in liner["quality_flags"] and plain["quality_flags"] == []

    listed = client.get("/api/v1/responses?flag=straight_liner", headers=auth).json()
    assert [r["id"] for r in listed["data"]] == [liner["id"]] and listed["count"] == 1
    assert listed["data"][0]["excluded"] is None
    assert client.get("/api/v1/responses?flag=speeder", headers=auth).json()["count"] == 0
    bad = client.get("/api/v1/responses?flag=nonsense", headers=auth)
    assert bad.status_code == 422 and bad.json()["ok"] is False

    done = client.post(
        f"/api/v1/responses/{liner['id']}/exclusion",
        json={"excluded": True, "reason": "all threes"},
        headers=auth,
    )
    assert done.status_code == 200
    assert done.json() == {
        "id": liner["id"],
        "survey_id": survey.id,
        "excluded": True,
        "counted": False,
    }
    one = client.get(f"/api/v1/responses/{liner['id']}", headers=auth).json()
    assert one["excluded"] is True
    excluded = client.get("/api/v1/responses?decision=excluded", headers=auth).json()
    assert excluded["data"][0]["exclusion_reason"] == "all threes"
    kept = client.post(
        f"/api/v1/responses/{liner['id']}/exclusion", json={"excluded": False}, headers=auth
    )
    assert kept.json()["counted"] is True

    missing = client.post(
        "/api/v1/responses/999999/exclusion", json={"excluded": True}, headers=auth
    )
    assert missing.status_code == 404
    unknown_field = client.post(
        f"/api/v1/responses/{liner['id']}/exclusion", json={"exclude": True}, headers=auth
    )
    assert unknown_field.status_code == 422


def test_agents_may_not_exclude(db: Database, client: TestClient, auth: dict[str, str]) -> None:
    survey = make_survey(db)
    stored = submit(client, auth, survey.id, nps=9)
    agent = {"Authorization": f"Bearer {make_user_token(db, Role.AGENT, 'agent@example.com')}"}
    assert client.get("/api/v1/responses", headers=agent).status_code == 403
    refused = client.post(
        f"/api/v1/responses/{stored['id']}/exclusion", json={"excluded": True}, headers=agent
    )
    assert refused.status_code == 403


def test_script_tags_come_back_as_json_text(
    db: Database, client: TestClient, auth: dict[str, str]
) -> None:
    survey = make_survey(db)
    stored = submit(client, auth, survey.id, nps=9, comment=SCRIPT)
    reply = client.get(f"/api/v1/responses/{stored['id']}", headers=auth)
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.json()["answers"]["comment"] == SCRIPT


def test_incentivised_through_the_api(
    db: Database, client: TestClient, auth: dict[str, str]
) -> None:
    survey = make_survey(db)
    reply = client.post(
        f"/api/v1/surveys/{survey.id}/responses",
        json={"answers": {"nps": 10}, "incentivised": True},
        headers=auth,
    )
    assert reply.status_code == 201
    assert client.get(f"/api/v1/responses/{reply.json()['id']}", headers=auth).json()[
        "incentivised"
    ]
