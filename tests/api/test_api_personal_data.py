"""Personal data is redacted at intake; the API shows the original only to roles allowed
to see personal data (admin, manager, agent), never to analysts; viewers do not read
single responses or feedback items at all (no permission responses:view)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from factories import good_answers, make_survey, make_user_token
from manyi.accounts.service import create_token, create_user
from manyi.domain.enums import Role
from manyi.storage.database import Database

RAW = "安装师傅很好，回访请打13812345678"
REDACTED = "安装师傅很好，回访请打[手机号]"


def _bearer(db: Database, role: Role) -> dict[str, str]:
    token = make_user_token(db, role, email=f"{role.value}@example.com")
    return {"Authorization": f"Bearer {token}"}


def test_feedback_text_is_shown_raw_only_to_roles_that_may_see_personal_data(
    client: TestClient, db: Database
) -> None:
    manager = _bearer(db, Role.MANAGER)
    created = client.post("/api/v1/feedback", json={"text": RAW}, headers=manager)
    assert created.status_code == 201, created.text
    fid = created.json()["data"][0]["id"]
    analyst = _bearer(db, Role.ANALYST)
    viewer = _bearer(db, Role.VIEWER)
    assert client.get(f"/api/v1/feedback/{fid}", headers=manager).json()["text"] == RAW
    assert client.get(f"/api/v1/feedback/{fid}", headers=analyst).json()["text"] == REDACTED
    listed = client.get("/api/v1/feedback", headers=analyst).json()["data"]
    assert [item["text"] for item in listed] == [REDACTED]
    # searching for the phone number finds nothing: the stored text has none
    found = client.get("/api/v1/feedback", params={"q": "13812345678"}, headers=analyst)
    assert found.json()["count"] == 0
    for url in (f"/api/v1/feedback/{fid}", "/api/v1/feedback"):
        refused = client.get(url, headers=viewer)
        assert refused.status_code == 403 and "13812345678" not in refused.text


def test_open_answers_are_shown_raw_only_to_roles_that_may_see_personal_data(
    client: TestClient, db: Database
) -> None:
    survey = make_survey(db)
    # Agents see their own department's responses: the touchpoint "repair" is care's.
    create_user(db, "agent@example.com", "correct horse battery", Role.AGENT, department="care")
    agent = {"Authorization": f"Bearer {create_token(db, 'agent@example.com')}"}
    body = {"answers": good_answers(comment=RAW), "touchpoint": "repair"}
    created = client.post(f"/api/v1/surveys/{survey.id}/responses", json=body, headers=agent)
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    assert client.get(f"/api/v1/responses/{rid}", headers=agent).json()["answers"]["comment"] == RAW
    analyst = _bearer(db, Role.ANALYST)
    shown = client.get(f"/api/v1/responses/{rid}", headers=analyst).json()
    assert shown["answers"]["comment"] == REDACTED
    listed = client.get(f"/api/v1/surveys/{survey.id}/responses", headers=analyst).json()
    assert listed["data"][0]["answers"]["comment"] == REDACTED
