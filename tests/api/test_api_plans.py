"""The closed loop's API (issue #12): plans, scorecards and points, the inbox and webhook
subscriptions, with their permissions."""

from __future__ import annotations

from fastapi.testclient import TestClient

from factories import make_survey, make_user_token
from manyi.domain.enums import Role
from manyi.storage.database import Database


def token(db: Database, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_user_token(db, role, f'{role.value}@example.com')}"}


def test_plan_api_create_read_status_and_permissions(client: TestClient, db: Database) -> None:
    analyst, viewer = token(db, Role.ANALYST), token(db, Role.VIEWER)
    survey = make_survey(db)
    body = {
        "title": "配送整改",
        "metric": {"metric_kind": "mean", "survey_id": survey.id, "question": "csat",
                   "change_at": "2026-07-01", "target_value": 4.2},
        "source_kind": "driver", "source_ref": "csat",
        "milestones": [{"title": "签约"}],
    }  # fmt: skip
    assert client.post("/api/v1/plans", json=body, headers=viewer).status_code == 403
    made = client.post("/api/v1/plans", json=body, headers=analyst)
    assert made.status_code == 201, made.text
    plan = made.json()
    assert plan["metric"]["question"] == "csat" and plan["milestones"][0]["title"] == "签约"
    read = client.get(f"/api/v1/plans/{plan['id']}", headers=viewer).json()
    assert read["effect"] is None and "not enough data" in read["effect_unavailable"]
    listed = client.get("/api/v1/plans", headers=viewer).json()
    assert listed["count"] == 1
    moved = client.post(f"/api/v1/plans/{plan['id']}/status",
                        json={"version": plan["version"], "status": "done"}, headers=analyst)  # fmt: skip
    assert moved.json()["status"] == "done"
    stale = client.post(f"/api/v1/plans/{plan['id']}/status",
                        json={"version": plan["version"], "status": "active"}, headers=analyst)  # fmt: skip
    assert stale.status_code == 409 and "changed by someone else" in stale.json()["error"]
    bad = client.post("/api/v1/plans", headers=analyst,
                      json={**body, "metric": {**body["metric"], "metric_kind": "top_box"}})  # fmt: skip
    assert bad.status_code == 422 and "threshold" in bad.json()["error"]


def test_scorecards_points_and_health_api(client: TestClient, db: Database) -> None:
    manager, agent = token(db, Role.MANAGER), token(db, Role.AGENT)
    assert client.get("/api/v1/scorecards", headers=agent).status_code == 403
    cards = client.get("/api/v1/scorecards", headers=manager).json()
    assert cards["min_n"] == 10 and cards["staff"] == []
    given = client.post("/api/v1/scorecards/points", headers=manager,
                        json={"holder_kind": "user", "holder_id": 1, "points": 5,
                              "reason": "好评"})  # fmt: skip
    assert given.status_code == 201 and given.json()["points"] == 5
    ledger = client.get("/api/v1/scorecards/points", headers=manager).json()
    assert ledger["count"] == 1
    health = client.get("/api/v1/scorecards/health?days=30", headers=manager).json()
    assert health["backlog_total"] == 0 and health["current"]["cases"] == 0


def test_inbox_and_webhook_api(client: TestClient, db: Database) -> None:
    admin, manager = token(db, Role.ADMIN), token(db, Role.MANAGER)
    assert client.get("/api/v1/webhooks", headers=manager).status_code == 403
    made = client.post("/api/v1/webhooks", headers=admin,
                       json={"url": "https://hooks.example.com/x", "events": ["case-opened"]})  # fmt: skip
    assert made.status_code == 201 and made.json()["secret"].startswith("whsec_")
    listed = client.get("/api/v1/webhooks", headers=admin).json()
    assert "secret" not in listed["data"][0]
    off = client.patch(f"/api/v1/webhooks/{made.json()['id']}", headers=admin,
                       json={"active": False})  # fmt: skip
    assert off.json()["active"] is False
    bad = client.post(
        "/api/v1/webhooks", headers=admin, json={"url": "ftp://x.example", "events": ["*"]}
    )
    assert bad.status_code == 422
    # A plan with an owner puts an item in the owner's inbox.
    survey = make_survey(db)
    client.post("/api/v1/plans", headers=admin, json={
        "title": "p", "owner_id": 2, "metric": {"survey_id": survey.id, "question": "csat"}})  # fmt: skip
    inbox = client.get("/api/v1/inbox", headers=manager).json()
    assert inbox["unread"] == 1 and inbox["data"][0]["link"].startswith("/plans/")
    assert client.post("/api/v1/inbox/read", headers=manager, json={"ids": None}).json() == {
        "marked": 1,
        "unread": 0,
    }
