"""Under /api every error is the one JSON shape, never the HTML error page (issue #9)."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_unknown_api_path_is_a_json_404(client: TestClient) -> None:
    r = client.get("/api/v1/nope")
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"
    assert r.json() == {"ok": False, "error": "Not Found", "errors": [], "status": 404}


def test_wrong_method_is_a_json_405(client: TestClient, auth: dict[str, str]) -> None:
    r = client.delete("/api/v1/surveys", headers=auth)
    assert r.status_code == 405 and r.json()["status"] == 405
    assert "POST" in r.headers["allow"]  # the HTTPException's headers are kept


def test_a_bad_query_is_a_json_422_with_field_paths(
    client: TestClient, auth: dict[str, str]
) -> None:
    r = client.get("/api/v1/surveys?limit=zero", headers=auth)
    assert r.status_code == 422
    body = r.json()
    assert body["ok"] is False and body["error"] == "1 field could not be accepted"
    assert body["errors"][0]["loc"] == ["query", "limit"]


def test_no_token_is_a_json_401_not_a_login_redirect(client: TestClient) -> None:
    r = client.get("/api/v1/feedback", follow_redirects=False)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert r.json()["status"] == 401


def test_openapi_and_health_stay_json(client: TestClient) -> None:
    assert client.get("/openapi.json").headers["content-type"] == "application/json"
    assert client.post("/healthz").json()["status"] == 405
