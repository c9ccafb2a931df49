"""Personal data is redacted at intake; the API shows the original only to roles allowed
to see personal data (admin, manager, agent), never to analysts or viewers."""

from __future__ import annotations

from fastapi.testclient import TestClient

from factories import good_answers, make_survey, make_user_token
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
    for headers in (analyst, viewer):
        assert client.get(f"/api/v1/feedback/{fid}", headers=headers).json()["text"] == REDACTED
        listed = client.get("/api/v1/feedback", headers=headers).json()["data"]
        assert [item["text"] for item in listed] == [REDACTED]
        # searching for the phone number finds nothing: the stored text has none
        found = client.get("/api/v1/feedback", params={"q": "13812345678"}, headers=headers)
        assert found.json()["count"] == 0


def test_open_answers_are_shown_raw_only_to_roles_that_may_see_personal_data(
    client: TestClient, db: Database
) -> None:
    survey = make_survey(db)
    agent = _bearer(db, Role.AGENT)
    body = {"answers": good_answers(comment=RAW)}
    created = client.post(f"/api/v1/surveys/{survey.id}/responses", json=body, headers=agent)
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    assert client.get(f"/api/v1/responses/{rid}", headers=agent).json()["answers"]["comment"] == RAW
    analyst = _bearer(db, Role.ANALYST)
    shown = client.get(f"/api/v1/responses/{rid}", headers=analyst).json()
    assert shown["answers"]["comment"] == REDACTED
    listed = client.get(f"/api/v1/surveys/{survey.id}/responses", headers=analyst).json()
    assert listed["data"][0]["answers"]["comment"] == REDACTED
