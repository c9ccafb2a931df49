"""Survey templates, definition export and revision over the JSON API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from factories import good_answers, make_user_token, survey_definition
from manyi.domain.enums import Role
from manyi.domain.survey import SurveyDefinition
from manyi.storage.database import Database
from manyi.surveys.templates import template


def _viewer(db: Database) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_user_token(db, Role.VIEWER, 'viewer@example.com')}"}


def _create(client: TestClient, auth: dict[str, str], definition: dict[str, Any]) -> int:
    r = client.post(
        "/api/v1/surveys", json={"definition": definition, "status": "active"}, headers=auth
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _parsed(document: dict[str, Any]) -> SurveyDefinition:
    return SurveyDefinition.model_validate(document)


def _export(client: TestClient, auth: dict[str, str], survey_id: int, query: str = "") -> Any:
    r = client.get(f"/api/v1/surveys/{survey_id}/definition.json{query}", headers=auth)
    assert r.status_code == 200, r.text
    return r


def test_list_templates(client: TestClient, auth: dict[str, str]) -> None:
    r = client.get("/api/v1/survey-templates", headers=auth)
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 6
    assert [t["code"] for t in body["data"]] == [
        "ces",
        "csat",
        "followup",
        "kano",
        "nps",
        "servqual",
    ]
    servqual = body["data"][-1]
    assert servqual["title"] == {
        "zh-CN": "服务质量调查（SERVQUAL-22）",
        "en": "Service quality survey (SERVQUAL-22)",
    }
    assert servqual["questions"] == 23
    assert client.get("/api/v1/survey-templates").status_code == 401


def test_create_from_template(client: TestClient, auth: dict[str, str], db: Database) -> None:
    r = client.post(
        "/api/v1/surveys/from-template",
        json={"template": "nps", "code": "store-nps", "title": {"zh-CN": "门店", "en": "Store"}},
        headers=auth,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["code"], body["status"], body["version"], body["title"]) == (
        "store-nps",
        "draft",
        1,
        "门店",
    )
    expected = {**template("nps"), "title": {"zh-CN": "门店", "en": "Store"}}
    assert _parsed(_export(client, auth, body["id"]).json()) == _parsed(expected)
    assert body["public_url"].endswith(f"/s/{body['id']}")
    listed = client.get("/api/v1/surveys", headers=auth).json()
    assert [s["code"] for s in listed["data"]] == ["store-nps"]


def test_create_from_template_refusals(
    client: TestClient, auth: dict[str, str], db: Database
) -> None:
    viewer = client.post(
        "/api/v1/surveys/from-template", json={"template": "nps"}, headers=_viewer(db)
    )
    assert viewer.status_code == 403
    assert viewer.json()["error"] == "the role viewer lacks the permission surveys:design"
    unknown = client.post("/api/v1/surveys/from-template", json={"template": "x"}, headers=auth)
    assert unknown.status_code == 404
    assert unknown.json()["error"].startswith("no survey template 'x'; templates: ces, csat")
    extra = client.post(
        "/api/v1/surveys/from-template", json={"template": "nps", "colour": "red"}, headers=auth
    )
    assert extra.status_code == 422
    assert client.get("/api/v1/surveys", headers=auth).json()["count"] == 0


def test_export_is_a_download_that_imports_as_the_same_definition(
    client: TestClient, auth: dict[str, str]
) -> None:
    first = client.post(
        "/api/v1/surveys/from-template", json={"template": "servqual", "code": "sq"}, headers=auth
    ).json()
    exported = _export(client, auth, first["id"])
    assert exported.headers["content-type"] == "application/json"
    assert exported.headers["content-disposition"] == 'attachment; filename="survey-sq-v1.json"'
    document = exported.json()
    assert _parsed(document) == _parsed(template("servqual"))
    copy = _create(client, auth, document)
    assert copy != first["id"]
    assert _export(client, auth, copy).json() == document
    assert client.get("/api/v1/surveys/999/definition.json", headers=auth).status_code == 404


def test_revising_a_survey_keeps_old_responses_on_their_version(
    client: TestClient, auth: dict[str, str], db: Database
) -> None:
    original = survey_definition()
    sid = _create(client, auth, original)
    old = client.post(
        f"/api/v1/surveys/{sid}/responses", json={"answers": good_answers()}, headers=auth
    )
    assert old.status_code == 201 and old.json()["survey_version"] == 1

    revised = survey_definition()
    revised["questions"] = [q for q in revised["questions"] if q["code"] != "app"]
    revised["questions"].append(
        {"code": "wait", "kind": "rating", "text": {"zh-CN": "等待时间", "en": "Waiting time"}}
    )
    r = client.put(f"/api/v1/surveys/{sid}/definition", json=revised, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2

    answers = {k: v for k, v in good_answers().items() if k != "app"}
    new = client.post(
        f"/api/v1/surveys/{sid}/responses",
        json={"answers": {**answers, "wait": 2}},
        headers=auth,
    )
    assert new.status_code == 201, new.text
    assert new.json()["survey_version"] == 2
    # The old version's question is gone from the current one.
    refused = client.post(
        f"/api/v1/surveys/{sid}/responses", json={"answers": good_answers()}, headers=auth
    )
    assert refused.status_code == 422

    stored = client.get(f"/api/v1/surveys/{sid}/responses", headers=auth).json()["data"]
    versions = {row["id"]: row["survey_version"] for row in stored}
    assert versions == {old.json()["id"]: 1, new.json()["id"]: 2}
    old_row = client.get(f"/api/v1/responses/{old.json()['id']}", headers=auth).json()
    assert old_row["answers"]["app"] == 4
    exported_v1 = _export(client, auth, sid, "?version=1")
    assert _parsed(exported_v1.json()) == _parsed(original)
    assert 'filename="survey-' in exported_v1.headers["content-disposition"]
    assert "wait" in [q["code"] for q in _export(client, auth, sid).json()["questions"]]


def test_revision_refusals_change_nothing(
    client: TestClient, auth: dict[str, str], db: Database
) -> None:
    sid = _create(client, auth, survey_definition())
    bad = client.put(
        f"/api/v1/surveys/{sid}/definition", json={"title": "t", "questions": []}, headers=auth
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"][0] == "questions"
    viewer = client.put(
        f"/api/v1/surveys/{sid}/definition", json=survey_definition(), headers=_viewer(db)
    )
    assert viewer.status_code == 403
    assert viewer.json()["error"] == "the role viewer lacks the permission surveys:design"
    missing = client.put("/api/v1/surveys/999/definition", json=survey_definition(), headers=auth)
    assert missing.status_code == 404
    assert client.get(f"/api/v1/surveys/{sid}", headers=auth).json()["version"] == 1
