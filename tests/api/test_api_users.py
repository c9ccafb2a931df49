"""/api/v1/users and /api/v1/departments: MANAGE_USERS only, thin over the account
services (creation with a one-time password, PATCH keeps what is left out, 409 for the
last administrator, 422 for a department cycle)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from factories import make_user_token
from manyi.accounts.service import authenticate
from manyi.domain.enums import Role
from manyi.storage.database import Database


def test_users_and_departments_round_trip(
    client: TestClient, auth: dict[str, str], db: Database
) -> None:
    assert (
        client.post(
            "/api/v1/departments", json={"code": "HQ", "name_zh": "总部"}, headers=auth
        ).status_code
        == 201
    )
    cs = client.post(
        "/api/v1/departments",
        json={"code": "CS", "name_en": "Service", "parent": "HQ"},
        headers=auth,
    )
    assert cs.status_code == 201
    assert cs.json() == {
        "code": "CS",
        "name_zh": "Service",
        "name_en": "Service",
        "parent": "HQ",
        "depth": 1,
        "members": 0,
    }
    cycle = client.patch("/api/v1/departments/HQ", json={"parent": "CS"}, headers=auth)
    assert cycle.status_code == 422 and cycle.json()["errors"][0]["type"] == "cycle"
    renamed = client.patch("/api/v1/departments/CS", json={"name_zh": "客服"}, headers=auth)
    assert (renamed.json()["name_zh"], renamed.json()["name_en"]) == ("客服", "Service")
    assert (
        client.patch("/api/v1/departments/CS", json={"parent": None}, headers=auth).json()["parent"]
        is None
    )

    made = client.post(
        "/api/v1/users",
        json={"email": "li@example.com", "role": "agent", "department": "CS"},
        headers=auth,
    )
    assert made.status_code == 201
    body = made.json()
    assert body["user"]["department"] == "CS" and body["user"]["password_set"]
    assert authenticate(db, "li@example.com", body["initial_password"]).role is Role.AGENT
    user_id = body["user"]["id"]

    patched = client.patch(f"/api/v1/users/{user_id}", json={"role": "manager"}, headers=auth)
    assert patched.json()["role"] == "manager" and patched.json()["department"] == "CS"
    out = client.patch(f"/api/v1/users/{user_id}", json={"department": None}, headers=auth)
    assert out.json()["department"] is None and out.json()["role"] == "manager"
    listing = client.get("/api/v1/users", params={"role": "manager"}, headers=auth).json()
    assert [u["email"] for u in listing["data"]] == ["li@example.com"]
    assert client.get("/api/v1/departments", headers=auth).json()[0]["code"] == "CS"

    last = client.patch("/api/v1/users/1", json={"active": False}, headers=auth)
    assert last.status_code == 409 and "last active administrator" in last.json()["error"]
    extra = client.patch(f"/api/v1/users/{user_id}", json={"password": "x"}, headers=auth)
    assert extra.status_code == 422
    reset = client.post(f"/api/v1/users/{user_id}/password", headers=auth)
    assert authenticate(db, "li@example.com", reset.json()["password"]).id == user_id


def test_other_roles_are_refused(client: TestClient, db: Database) -> None:
    make_user_token(db)
    for role in (Role.MANAGER, Role.ANALYST, Role.AGENT, Role.VIEWER):
        token = make_user_token(db, role, f"{role.value}@example.com")
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/users", headers=headers).status_code == 403
        assert client.get("/api/v1/departments", headers=headers).status_code == 403
        assert (
            client.post(
                "/api/v1/users", json={"email": "x@example.com", "role": "admin"}, headers=headers
            ).status_code
            == 403
        )
        assert (
            client.patch("/api/v1/users/1", json={"role": "viewer"}, headers=headers).status_code
            == 403
        )
    assert client.get("/api/v1/users").status_code == 401
