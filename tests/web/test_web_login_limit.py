"""The sign-in form's rate limit, per account and per client address (issue #9): a locked
account answers 429 with Retry-After, the same message whether or not it exists, and the
right password does not get in while it lasts."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from factories import make_user_token
from manyi.app import create_app
from manyi.config import Settings
from manyi.storage.database import Database

RIGHT = "correct horse battery"


def _client(
    db: Database, tmp_path: Path, address: str = "203.0.113.7", **limits: int
) -> TestClient:
    settings = Settings(environment="test", data_dir=tmp_path, **limits)  # type: ignore[arg-type]
    return TestClient(create_app(settings, db), client=(address, 50000))


def _attempt(client: TestClient, email: str, password: str) -> Response:
    page = client.get("/login?lang=en")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token.group(1)},
        follow_redirects=False,
    )


def _alert(response: Response) -> str:
    match = re.search(r'<p class="error" role="alert">(.*?)</p>', response.text, re.S)
    assert match, response.text
    return match.group(1)


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    make_user_token(sqlite_db)
    return sqlite_db


def test_an_account_is_locked_after_its_failures(db: Database, tmp_path: Path) -> None:
    client = _client(db, tmp_path, login_failures_per_account=3, login_failures_per_ip=100)
    for _ in range(3):
        assert _attempt(client, "admin@example.com", "wrong").status_code == 401
    locked = _attempt(client, "Admin@Example.com ", RIGHT)  # the right password, same account
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["retry-after"]) <= 15 * 60
    assert "Too many failed sign-ins" in _alert(locked) and "15 min" in _alert(locked)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    # another account from the same address is not affected
    make_user_token(db, email="other@example.com")
    assert _attempt(client, "other@example.com", RIGHT).status_code == 303


def test_a_locked_account_looks_the_same_whether_or_not_it_exists(
    db: Database, tmp_path: Path
) -> None:
    client = _client(db, tmp_path, login_failures_per_account=2, login_failures_per_ip=100)
    answers = {}
    for email in ("admin@example.com", "nobody@example.com"):
        first = [_attempt(client, email, "wrong") for _ in range(2)]
        assert [r.status_code for r in first] == [401, 401]
        locked = _attempt(client, email, RIGHT)
        answers[email] = (locked.status_code, _alert(locked), _alert(first[0]))
    assert answers["admin@example.com"] == answers["nobody@example.com"]
    assert answers["admin@example.com"][0] == 429


def test_an_address_is_locked_after_its_failures(db: Database, tmp_path: Path) -> None:
    limits = {"login_failures_per_account": 100, "login_failures_per_ip": 4}
    client = _client(db, tmp_path, **limits)
    for i in range(4):  # guessing a different account each time
        assert _attempt(client, f"guess{i}@example.com", "wrong").status_code == 401
    locked = _attempt(client, "admin@example.com", RIGHT)
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 1
    # the same app seen from another address still lets the owner in
    elsewhere = TestClient(client.app, client=("198.51.100.9", 50000))
    assert _attempt(elsewhere, "admin@example.com", RIGHT).status_code == 303


def test_a_successful_sign_in_forgets_the_account_failures(db: Database, tmp_path: Path) -> None:
    client = _client(db, tmp_path, login_failures_per_account=2, login_failures_per_ip=100)
    assert _attempt(client, "admin@example.com", "wrong").status_code == 401
    assert _attempt(client, "admin@example.com", RIGHT).status_code == 303
    assert _attempt(client, "admin@example.com", "wrong").status_code == 401
    assert _attempt(client, "admin@example.com", RIGHT).status_code == 303


def test_the_lock_ends_when_the_failures_leave_the_window(db: Database, tmp_path: Path) -> None:
    client = _client(
        db,
        tmp_path,
        login_failures_per_account=1,
        login_failures_per_ip=100,
        login_failure_window_s=1,
    )
    assert _attempt(client, "admin@example.com", "wrong").status_code == 401
    locked = _attempt(client, "admin@example.com", RIGHT)
    assert locked.status_code == 429 and locked.headers["retry-after"] == "1"
    time.sleep(1.2)
    assert _attempt(client, "admin@example.com", RIGHT).status_code == 303
