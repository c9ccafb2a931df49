from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from factories import good_answers, survey_definition
from manyi.domain.enums import Role
from manyi.storage.database import Database


def _survey(client: TestClient, auth: dict[str, str], status: str = "active") -> int:
    r = client.post(
        "/api/v1/surveys",
        json={"definition": survey_definition(), "status": status, "code": "svc"},
        headers=auth,
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_healthz_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json()["ok"] is True
    spec = client.get("/openapi.json").json()
    assert "/api/v1/surveys/{survey_id}/responses" in spec["paths"]


def test_token_required_with_json_error_shape(client: TestClient) -> None:
    r = client.get("/api/v1/surveys")
    assert r.status_code == 401
    assert r.json() == {
        "ok": False,
        "error": "an API token is required: Authorization: Bearer <token>",
        "errors": [],
        "status": 401,
    }
    assert (
        client.get("/api/v1/surveys", headers={"Authorization": "Bearer nope"}).status_code == 401
    )


def test_viewer_cannot_create_surveys(client: TestClient, db: Database) -> None:
    from factories import make_user_token

    token = make_user_token(db, Role.VIEWER, "viewer@example.com")
    r = client.post(
        "/api/v1/surveys",
        json={"definition": survey_definition()},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 403 and r.json()["ok"] is False


def test_create_list_get_survey(client: TestClient, auth: dict[str, str]) -> None:
    sid = _survey(client, auth)
    listed = client.get("/api/v1/surveys", headers=auth).json()
    assert listed["count"] == 1 and listed["data"][0]["responses"] == 0
    got = client.get(f"/api/v1/surveys/{sid}", headers=auth).json()
    assert got["definition"]["questions"][0]["code"] == "nps"
    assert client.get("/api/v1/surveys/999", headers=auth).json()["status"] == 404


def test_invalid_survey_definition_lists_fields(client: TestClient, auth: dict[str, str]) -> None:
    bad = survey_definition(questions=[{"code": "q", "kind": "single", "text": "x", "options": []}])
    r = client.post("/api/v1/surveys", json={"definition": bad}, headers=auth)
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"][:2] == ["questions", "0"]


def test_submit_response_and_malformed_bodies(client: TestClient, auth: dict[str, str]) -> None:
    sid = _survey(client, auth)
    ok = client.post(
        f"/api/v1/surveys/{sid}/responses",
        json={"answers": good_answers(), "channel": "web"},
        headers=auth,
    )
    assert ok.status_code == 201 and ok.json()["created"] is True
    bad = client.post(
        f"/api/v1/surveys/{sid}/responses",
        json={"answers": good_answers(nps=12, type="x", ghost=1), "channel": "pigeon"},
        headers=auth,
    )
    body = bad.json()
    assert bad.status_code == 422 and body["ok"] is False and body["status"] == 422
    assert {tuple(e["loc"]) for e in body["errors"]} == {
        ("answers", "nps"),
        ("answers", "type"),
        ("answers", "ghost"),
        ("channel",),
    }
    wrong_type = client.post(
        f"/api/v1/surveys/{sid}/responses", json={"answers": "nope", "extra": 1}, headers=auth
    ).json()
    assert wrong_type["status"] == 422
    assert {tuple(e["loc"]) for e in wrong_type["errors"]} == {
        ("body", "answers"),
        ("body", "extra"),
    }
    not_json = client.post(
        f"/api/v1/surveys/{sid}/responses",
        content=b"{oops",
        headers={**auth, "Content-Type": "application/json"},
    )
    assert not_json.status_code == 422 and not_json.json()["ok"] is False


def test_concurrent_idempotent_submissions_store_one(
    client: TestClient, auth: dict[str, str]
) -> None:
    sid = _survey(client, auth)
    headers = {**auth, "Idempotency-Key": "retry-abc"}

    def post(_: int) -> tuple[int, int]:
        r = client.post(
            f"/api/v1/surveys/{sid}/responses", json={"answers": good_answers()}, headers=headers
        )
        return r.status_code, r.json()["id"]

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(post, range(12)))
    assert len({rid for _, rid in results}) == 1
    assert sorted(code for code, _ in results).count(201) == 1
    listed = client.get(f"/api/v1/surveys/{sid}/responses", headers=auth).json()
    assert listed["count"] == 1


def test_feedback_single_batch_list(client: TestClient, auth: dict[str, str]) -> None:
    single = client.post(
        "/api/v1/feedback",
        json={"text": "安装师傅迟到两小时", "kind": "complaint", "department": "care"},
        headers=auth,
    )
    assert single.status_code == 201
    batch = client.post(
        "/api/v1/feedback",
        json={
            "items": [
                {"text": "App keeps crashing", "kind": "review"},
                {"text": "", "kind": "review"},
            ]
        },
        headers=auth,
    )
    assert batch.status_code == 422
    assert batch.json()["errors"][0]["loc"][:3] == ["body", "items", 1]
    listed = client.get(
        "/api/v1/feedback", params={"department": "care", "q": "迟到"}, headers=auth
    ).json()
    assert listed["count"] == 1 and listed["data"][0]["department"] == "care"
    assert client.get("/api/v1/feedback", params={"q": "100%_"}, headers=auth).json()["count"] == 0


def test_import_upload_reports_bad_rows(client: TestClient, auth: dict[str, str]) -> None:
    sid = _survey(client, auth)
    csv = "response_id,nps,csat,comment\nr1,9,5,很好\nr2,11,4,bad nps\nr3,7,,\n"
    files = {"file": ("resp.csv", io.BytesIO(csv.encode("gb18030")), "text/csv")}
    r = client.post("/api/v1/imports", data={"survey_id": str(sid)}, files=files, headers=auth)
    assert r.status_code == 201, r.text
    assert (r.json()["imported"], r.json()["errors"]) == (2, 1)


def test_feedback_enqueues_enrichment(client: TestClient, auth: dict[str, str]) -> None:
    queue = client.app.state.queue  # type: ignore[attr-defined]
    assert queue.huey.pending_count() == 0
    client.post(
        "/api/v1/feedback", json={"text": "退款三周还没到账", "kind": "complaint"}, headers=auth
    )
    # the enrichment and the alert rules (issue #12), each queued once
    names = sorted(task.name.rsplit(".", 1)[-1] for task in queue.huey.pending())
    assert names == ["enrich-pending", "evaluate-alerts"]


def test_dead_queue_does_not_lose_a_submission(
    db: Database, settings: object, auth: dict[str, str]
) -> None:
    from huey import RedisHuey

    from manyi.app import create_app
    from manyi.jobs.queue import build_queue

    dead = build_queue(settings, db, huey=RedisHuey("manyi-dead", url="redis://127.0.0.1:1/0"))  # type: ignore[arg-type]
    client = TestClient(create_app(settings, db, dead))  # type: ignore[arg-type]
    r = client.post(
        "/api/v1/feedback", json={"text": "客服态度很好", "kind": "praise"}, headers=auth
    )
    assert r.status_code == 201
    assert client.get("/api/v1/feedback", headers=auth).json()["count"] == 1
