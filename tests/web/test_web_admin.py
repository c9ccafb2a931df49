"""The /admin pages: only for MANAGE_USERS (a 403 page for other roles, the login page
without a session), CSRF on every form, users created, edited, disabled and reset, the
last administrator protected with a clear message, the department tree with its cycle
refusal, the role → permission map, and the nav link only for administrators."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from factories import sign_in, signed_in_client
from manyi.accounts.service import authenticate, create_user
from manyi.domain.enums import Role
from manyi.domain.permissions import ROLE_PERMISSIONS, Permission
from manyi.storage.audit import audit_entries
from manyi.storage.database import Database

PASSWORD = "correct horse battery"
PAGES = [
    "/admin/users",
    "/admin/users/new",
    "/admin/users/1",
    "/admin/departments",
    "/admin/roles",
]


def csrf(client: TestClient, url: str = "/admin/users/new") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text)
    assert found
    return found.group(1)


def alert(page_text: str) -> list[str]:
    return re.findall(r'role="alert">([^<]*)<', page_text)


@pytest.fixture
def admin(db: Database, tmp_path: Path) -> TestClient:
    client: TestClient = signed_in_client(db, tmp_path)
    client.cookies.set("manyi_lang", "en")
    return client


@pytest.mark.parametrize(
    "role", [r for r in Role if Permission.MANAGE_USERS not in ROLE_PERMISSIONS[r]]
)
def test_other_roles_get_403_and_no_link(db: Database, tmp_path: Path, role: Role) -> None:
    create_user(db, "root@example.com", PASSWORD, Role.ADMIN)
    create_user(db, f"{role.value}@example.com", PASSWORD, role)
    from manyi.app import create_app
    from manyi.config import Settings

    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    for url in PAGES:  # no session: the login page
        answer = client.get(url, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=")
    sign_in(client, f"{role.value}@example.com")
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    token = csrf(client, "/")
    refused = client.post(
        "/admin/users", data={"csrf_token": token, "email": "x@example.com", "role": "admin"}
    )
    assert refused.status_code == 403
    assert 'href="/admin/users"' not in client.get("/").text


def test_admin_sees_every_page_and_the_link(admin: TestClient) -> None:
    for url in PAGES:
        assert admin.get(url).status_code == 200, url
    assert 'href="/admin/users"' in admin.get("/").text
    assert admin.get("/admin", follow_redirects=False).headers["location"] == "/admin/users"


def test_create_edit_disable_and_reset_a_user(db: Database, admin: TestClient) -> None:
    token = csrf(admin)
    # a form without the CSRF token changes nothing
    stale = admin.post("/admin/users", data={"email": "li@example.com", "role": "agent"})
    assert stale.status_code == 400 and alert(stale.text) == ["The page expired; please try again"]

    made = admin.post(
        "/admin/users",
        data={"csrf_token": token, "email": "li@example.com", "role": "agent", "name": "李娜"},
    )
    assert made.status_code == 201 and made.headers["cache-control"] == "no-store"
    password = re.search(r"data-password>([^<]+)<", made.text)
    assert password is not None
    user = authenticate(db, "li@example.com", password.group(1))
    assert user.role is Role.AGENT

    again = admin.post(
        "/admin/users", data={"csrf_token": token, "email": "LI@example.com", "role": "agent"}
    )
    assert again.status_code == 409
    assert alert(again.text) == ["A user with this e-mail address already exists."]
    assert 'value="LI@example.com"' in again.text  # the form keeps what was typed

    saved = admin.post(
        f"/admin/users/{user.id}",
        data={"csrf_token": token, "role": "viewer", "name": "李娜", "department": ""},
        follow_redirects=False,
    )  # no "active" box: disabled
    assert saved.status_code == 303
    page = admin.get(saved.headers["location"])
    assert "Saved." in page.text and "Disabled" in page.text

    reset = admin.post(f"/admin/users/{user.id}/password", data={"csrf_token": token})
    new_password = re.search(r"data-password>([^<]+)<", reset.text)
    assert reset.status_code == 200 and new_password is not None
    assert new_password.group(1) != password.group(1)

    listing = admin.get("/admin/users?q=li%40&active=no")
    assert re.findall(r'data-user="([^"]+)"', listing.text) == ["li@example.com"]
    with db.session() as s:
        entries, _ = audit_entries(s, subject_kind="user", subject_id=str(user.id))
    assert [e.action for e in reversed(entries)] == [
        "user.created",
        "user.role_changed",
        "user.disabled",
        "user.password_reset",
    ]


def test_sso_only_user_shows_no_password(admin: TestClient) -> None:
    made = admin.post(
        "/admin/users",
        data={
            "csrf_token": csrf(admin),
            "email": "sso@example.com",
            "role": "viewer",
            "sign_in": "sso",
        },
    )
    assert made.status_code == 201 and "data-password" not in made.text
    assert "signs in by single sign-on only" in made.text


def test_the_last_admin_cannot_demote_or_disable_themself(admin: TestClient) -> None:
    token = csrf(admin)
    for data in ({"role": "manager", "active": "true"}, {"role": "admin"}):
        page = admin.post("/admin/users/1", data={"csrf_token": token, **data})
        assert page.status_code == 409
        assert alert(page.text) == [
            "This is the last active administrator: make another user an administrator first."
        ]


def test_department_tree_create_move_and_cycle(db: Database, admin: TestClient) -> None:
    token = csrf(admin, "/admin/departments")
    for code, parent in [("HQ", ""), ("CS", "HQ"), ("CS-N", "CS")]:
        made = admin.post(
            "/admin/departments",
            data={"csrf_token": token, "code": code, "name_zh": f"部门{code}", "parent": parent},
            follow_redirects=False,
        )
        assert made.status_code == 303
    tree = admin.get("/admin/departments").text
    assert re.findall(r'data-department="([^"]+)" style="--depth: (\d)"', tree) == [
        ("HQ", "0"),
        ("CS", "1"),
        ("CS-N", "2"),
    ]
    # the move form offers no parent that would make a cycle ...
    edit = admin.get("/admin/departments/CS").text
    move_form = edit.split('action="/admin/departments/CS/parent"')[1]
    assert re.findall(r'<option value="([^"]*)"', move_form) == ["", "HQ"]
    # ... and a forged one is refused with the reason
    cycle = admin.post("/admin/departments/CS/parent", data={"csrf_token": token, "parent": "CS-N"})
    assert cycle.status_code == 422
    assert alert(cycle.text) == [
        "A department cannot be put under itself or under a department below it."
    ]
    taken = admin.post(
        "/admin/departments", data={"csrf_token": token, "code": "CS", "name_zh": "x"}
    )
    assert alert(taken.text) == ["A department with this code already exists."]
    renamed = admin.post(
        "/admin/departments/CS/name",
        data={"csrf_token": token, "name_zh": "客服", "name_en": "Service"},
        follow_redirects=False,
    )
    assert renamed.status_code == 303
    admin.post("/admin/departments/CS-N/parent", data={"csrf_token": token, "parent": ""})
    assert "Service" in admin.get("/admin/departments").text
    with db.session() as s:
        entries, _ = audit_entries(s, subject_kind="department")
    assert sorted(e.action for e in entries) == [
        "department.created",
        "department.created",
        "department.created",
        "department.moved",
        "department.renamed",
    ]


def test_roles_page_is_the_permission_map(admin: TestClient) -> None:
    page = admin.get("/admin/roles").text
    for permission in Permission:
        row = re.search(
            rf'<tr data-permission="{re.escape(permission.value)}">(.*?)</tr>', page, re.S
        )
        assert row is not None, permission
        ticked = re.findall(r'data-role="(\w+)"><span aria-label="yes"', row.group(1))
        assert ticked == [r.value for r in Role if permission in ROLE_PERMISSIONS[r]]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_pages_render_in_both_languages(admin: TestClient, lang: str) -> None:
    for url in PAGES:
        page = admin.get(f"{url}?lang={lang}")
        assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
    assert "用户" in admin.get("/admin/users?lang=zh-CN").text
