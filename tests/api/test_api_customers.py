"""GET /api/v1/customers/{id}: contact fields pass through mask_contact — a role × field
matrix through the API (issue #10, privacy)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from factories import make_user_token
from manyi.domain.enums import Role
from manyi.storage.database import Database
from manyi.storage.tables import CustomerRow

STORED = {"name": "王小明", "phone": "13812345678", "email": "xiaoming@example.com"}
MASKED = {"name": "王**", "phone": "138****5678", "email": "x***@example.com"}


def _store(db: Database) -> None:
    with db.session() as s:
        s.add(CustomerRow(external_id="C-7", segments={"tier": "gold"}, **STORED))


@pytest.mark.parametrize("role", list(Role))
def test_contact_fields_by_role(client: TestClient, db: Database, role: Role) -> None:
    _store(db)
    token = make_user_token(db, role, email=f"{role.value}@example.com")
    shown = client.get("/api/v1/customers/C-7", headers={"Authorization": f"Bearer {token}"})
    if role == Role.VIEWER:  # dashboards only: no permission responses:view
        assert shown.status_code == 403, shown.text
        assert "13812345678" not in shown.text
        return
    if role == Role.AGENT:
        # agents see the customers of their department (through a response or feedback
        # item there); this one has none, and this agent no department (docs/permissions.md)
        assert shown.status_code == 404, shown.text
        return
    assert shown.status_code == 200, shown.text
    body = shown.json()
    sees = role in (Role.ADMIN, Role.MANAGER, Role.AGENT)
    for field in ("name", "phone", "email"):
        assert body[field] == (STORED if sees else MASKED)[field], (role, field)
    if not sees:
        assert "13812345678" not in shown.text and "xiaoming@" not in shown.text
    assert body["segments"] == {"tier": "gold"}
    assert (body["responses"], body["feedback_items"], body["invitations"]) == (0, 0, 0)


def test_an_unknown_customer_is_404_and_needs_a_token(client: TestClient, db: Database) -> None:
    assert client.get("/api/v1/customers/C-7").status_code == 401
    token = make_user_token(db, Role.ANALYST, email="a@example.com")
    missing = client.get("/api/v1/customers/nobody", headers={"Authorization": f"Bearer {token}"})
    assert missing.status_code == 404
    assert "no customer 'nobody'" in missing.json()["error"]
