"""Survey triggers and events over the API: an event invites once (201, then 200 for the
same external_id), the outcome shows the sent invitation; roles and bad input."""

from __future__ import annotations

from fastapi.testclient import TestClient

from factories import Outbox, make_survey, make_user_token
from manyi.domain.enums import Role
from manyi.storage.database import Database


def token(db: Database, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_user_token(db, role, f'{role.value}@example.com')}"}


def test_trigger_event_invitation(app_client: TestClient, db: Database, outbox: Outbox) -> None:
    manager = token(db, Role.MANAGER)
    survey_id = make_survey(db).id
    made = app_client.post(
        "/api/v1/survey-triggers",
        json={
            "event_type": "case.closed",
            "survey_id": survey_id,
            "channel": "email",
            "touchpoint": "repair",
            "conditions": {"resolution": "solved"},
        },
        headers=manager,
    )
    assert made.status_code == 201, made.text
    trigger = made.json()
    assert trigger["active"] and trigger["delay_minutes"] == 0 and trigger["fatigue_days"] is None
    listed = app_client.get(
        "/api/v1/survey-triggers", params={"event_type": "case.closed"}, headers=manager
    )
    assert listed.json()["count"] == 1

    agent = token(db, Role.AGENT)  # the case system posts with an agent's token
    event = {
        "type": "case.closed",
        "external_id": "CASE-77",
        "customer": {
            "external_id": "C-1",
            "name": "Li Lei",
            "email": "lilei@example.com",
            "phone": "+86 138 1234 5678",
            "consent_contact": True,
        },
        "occurred_at": "2026-06-01T10:00:00+08:00",
        "attributes": {"resolution": "solved", "agent": "wang"},
    }
    first = app_client.post("/api/v1/events", json=event, headers=agent)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["customer"] == "C-1" and body["occurred_at"] == "2026-06-01T02:00:00"
    (outcome,) = body["outcomes"]
    assert (outcome["status"], outcome["state"], outcome["result"]) == ("invited", "queued", "sent")
    assert isinstance(outcome["invitation_id"], int)
    assert len(outbox.messages) == 1 and outbox.messages[0]["To"] == "lilei@example.com"

    second = app_client.post("/api/v1/events", json=event, headers=agent)
    assert second.status_code == 200 and second.json()["created"] is False
    assert second.json()["outcomes"] == body["outcomes"] and len(outbox.messages) == 1
    read = app_client.get(f"/api/v1/events/{body['id']}", headers=manager)
    assert read.status_code == 200 and read.json()["outcomes"] == body["outcomes"]

    off = app_client.patch(
        f"/api/v1/survey-triggers/{trigger['id']}", json={"active": False}, headers=manager
    )
    assert off.status_code == 200 and off.json()["active"] is False
    quiet = app_client.post(
        "/api/v1/events", json={**event, "external_id": "CASE-78"}, headers=agent
    )
    assert quiet.status_code == 201 and quiet.json()["outcomes"] == []


def test_roles_and_bad_input(app_client: TestClient, db: Database) -> None:
    survey_id = make_survey(db).id
    admin, viewer, agent = token(db, Role.ADMIN), token(db, Role.VIEWER), token(db, Role.AGENT)
    rule = {"event_type": "order.delivered", "survey_id": survey_id, "channel": "sms"}
    assert app_client.post("/api/v1/survey-triggers", json=rule, headers=agent).status_code == 403
    for bad in (
        {**rule, "channel": "fax"},
        {**rule, "delay_minutes": -5},
        {**rule, "touchpoint": "nowhere"},
        {**rule, "conditions": {"x": [1, 2]}},
        {**rule, "event_type": ""},
    ):
        assert (
            app_client.post("/api/v1/survey-triggers", json=bad, headers=admin).status_code == 422
        ), bad
    assert (
        app_client.post(
            "/api/v1/survey-triggers", json={**rule, "survey_id": 999}, headers=admin
        ).status_code
        == 404
    )
    assert (
        app_client.patch(
            "/api/v1/survey-triggers/999", json={"active": True}, headers=admin
        ).status_code
        == 404
    )

    event = {"type": "order.delivered", "external_id": "O-1", "customer": "C-9"}
    assert app_client.post("/api/v1/events", json=event, headers=viewer).status_code == 403
    assert app_client.post("/api/v1/events", json=event).status_code == 401
    bad_phone = {**event, "customer": {"external_id": "C-9", "phone": "12"}}
    refused = app_client.post("/api/v1/events", json=bad_phone, headers=agent)
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"] == [
        "customer",
        "phone",
    ]
    assert (
        app_client.post(
            "/api/v1/events", json={**event, "external_id": ""}, headers=agent
        ).status_code
        == 422
    )
    assert app_client.get("/api/v1/events/999", headers=admin).status_code == 404
    # A customer given by id alone is created, like at intake; without contact details
    # or consent nothing is sent, and the outcome says why.
    app_client.post("/api/v1/survey-triggers", json=rule, headers=admin)
    stored = app_client.post("/api/v1/events", json=event, headers=agent)
    assert stored.status_code == 201
    assert stored.json()["outcomes"][0]["reason"] == "no_address"
