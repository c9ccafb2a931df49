"""The schedule and quotas over the JSON API: PUT /surveys/{id}/schedule, the times in
GET /surveys, GET /surveys/{id}/quotas (issue #10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from factories import make_user_token, survey_definition
from manyi.domain.enums import Role
from manyi.storage.database import Database


def _create(client: TestClient, auth: dict[str, str], **overrides: object) -> int:
    body = {"definition": survey_definition(**overrides), "status": "active"}
    r = client.post("/api/v1/surveys", json=body, headers=auth)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _later(hours: int) -> datetime:
    return (datetime.now(UTC) + timedelta(hours=hours)).replace(second=0, microsecond=0)


def test_schedule_a_survey_and_see_it_in_the_list(client: TestClient, auth: dict[str, str]) -> None:
    survey_id = _create(client, auth)
    opens, closes = _later(24), _later(48)
    r = client.put(
        f"/api/v1/surveys/{survey_id}/schedule",
        json={
            "opens_at": opens.astimezone().isoformat(),  # any offset is turned into UTC
            "closes_at": closes.isoformat(),
        },
        headers=auth,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "scheduled"
    assert body["opens_at"] == opens.replace(tzinfo=None).isoformat()
    assert body["closes_at"] == closes.replace(tzinfo=None).isoformat()
    listed = client.get("/api/v1/surveys", headers=auth).json()["data"]
    (mine,) = [s for s in listed if s["id"] == survey_id]
    assert (mine["status"], mine["opens_at"], mine["closes_at"]) == (
        "scheduled",
        body["opens_at"],
        body["closes_at"],
    )
    assert client.get("/api/v1/surveys?status=scheduled", headers=auth).json()["count"] == 1
    # The form says when it opens; a response through the API is refused until then.
    refused = client.post(
        f"/api/v1/surveys/{survey_id}/responses", json={"answers": {"nps": 9}}, headers=auth
    )
    assert refused.status_code == 409
    assert "not accepting responses yet" in refused.json()["error"]
    cleared = client.put(f"/api/v1/surveys/{survey_id}/schedule", json={}, headers=auth)
    assert cleared.json()["status"] == "active" and cleared.json()["opens_at"] is None


def test_a_bad_schedule_gets_a_clear_error(client: TestClient, auth: dict[str, str]) -> None:
    survey_id = _create(client, auth)
    url = f"/api/v1/surveys/{survey_id}/schedule"
    backwards = client.put(
        url,
        json={"opens_at": _later(5).isoformat(), "closes_at": _later(2).isoformat()},
        headers=auth,
    )
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["loc"] == ["closes_at"]
    past = client.put(url, json={"closes_at": _later(-1).isoformat()}, headers=auth)
    assert past.status_code == 422 and "in the past" in past.json()["error"]
    garbage = client.put(url, json={"opens_at": "next tuesday"}, headers=auth)
    assert garbage.status_code == 422
    unknown = client.put(url, json={"opens": _later(1).isoformat()}, headers=auth)
    assert unknown.status_code == 422
    assert client.put("/api/v1/surveys/999999/schedule", json={}, headers=auth).status_code == 404


def test_only_designers_schedule(client: TestClient, auth: dict[str, str], db: Database) -> None:
    survey_id = _create(client, auth)
    viewer = {"Authorization": f"Bearer {make_user_token(db, Role.VIEWER, 'v@example.com')}"}
    r = client.put(f"/api/v1/surveys/{survey_id}/schedule", json={}, headers=viewer)
    assert r.status_code == 403
    assert client.put(f"/api/v1/surveys/{survey_id}/schedule", json={}).status_code == 401


def test_quotas_show_their_counts(client: TestClient, auth: dict[str, str]) -> None:
    quotas = [
        {"code": "repair", "segment": {"type": "repair"}, "limit": 1},
        {"code": "all", "limit": 100, "action": "close"},
    ]
    survey_id = _create(client, auth, quotas=quotas)
    url = f"/api/v1/surveys/{survey_id}/responses"
    answers = {"nps": 9, "type": "repair"}
    assert client.post(url, json={"answers": answers}, headers=auth).status_code == 201
    full = client.post(url, json={"answers": answers}, headers=auth)
    assert full.status_code == 409
    assert full.json()["error"] == f"quota 'repair' of survey {survey_id} is full"
    other = {"nps": 9, "type": "install"}
    assert client.post(url, json={"answers": other}, headers=auth).status_code == 201
    r = client.get(f"/api/v1/surveys/{survey_id}/quotas", headers=auth)
    assert r.status_code == 200
    assert r.json() == [
        {
            "code": "repair",
            "segment": {"type": ["repair"]},
            "limit": 1,
            "count": 1,
            "action": "screen_out",
            "full": True,
        },
        {"code": "all", "segment": {}, "limit": 100, "count": 2, "action": "close", "full": False},
    ]


def test_a_definition_with_a_bad_quota_is_refused(client: TestClient, auth: dict[str, str]) -> None:
    body = {
        "definition": survey_definition(quotas=[{"code": "q", "segment": {"zz": 1}, "limit": 1}])
    }
    r = client.post("/api/v1/surveys", json=body, headers=auth)
    assert r.status_code == 422
    assert "neither a question of the survey nor customer:<attribute>" in r.text
