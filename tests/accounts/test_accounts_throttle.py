"""Login throttle and password checks (manyi.accounts.throttle, manyi.accounts.service)."""

from __future__ import annotations

import os
import uuid

import pytest
from argon2 import PasswordHasher

from factories import make_user_token
from manyi.accounts import passwords
from manyi.accounts.service import authenticate
from manyi.accounts.throttle import LoginThrottle, TooManyAttempts, log_in
from manyi.config import Settings
from manyi.errors import NotAuthenticated, StorageUnavailable
from manyi.storage.database import Database

REDIS_URL = os.environ.get("MANYI_TEST_REDIS_URL")


class _SpyHasher:
    """Records which hashes a password was checked against, then really checks it."""

    def __init__(self, real: PasswordHasher) -> None:
        self.real = real
        self.checked: list[str] = []

    def verify(self, hash_: str, password: str) -> bool:
        self.checked.append(hash_)
        return self.real.verify(hash_, password)


def test_an_unknown_email_costs_one_password_hash_like_a_known_one(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A missing account must take as long as a wrong password (no timing oracle for which
    # e-mail addresses exist): both run one argon2 verification.
    make_user_token(sqlite_db)
    spy = _SpyHasher(passwords._HASHER)
    checked = spy.checked
    monkeypatch.setattr(passwords, "_HASHER", spy)
    with pytest.raises(NotAuthenticated, match="wrong e-mail or password"):
        authenticate(sqlite_db, "nobody@example.com", "correct horse battery")
    assert checked == [passwords._DUMMY_HASH]
    with pytest.raises(NotAuthenticated, match="wrong e-mail or password"):
        authenticate(sqlite_db, "admin@example.com", "wrong")
    assert len(checked) == 2 and checked[1] != passwords._DUMMY_HASH
    # and the dummy hash itself never lets anyone in, not even with its own password
    with pytest.raises(NotAuthenticated):
        authenticate(sqlite_db, "nobody@example.com", "manyi-dummy-password")


def test_log_in_does_not_check_the_password_while_locked(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user_token(sqlite_db)
    throttle = LoginThrottle(per_account=2, per_ip=100, window_s=600)
    for _ in range(2):
        with pytest.raises(NotAuthenticated):
            log_in(sqlite_db, throttle, "admin@example.com", "wrong", "192.0.2.1")
    spy = _SpyHasher(passwords._HASHER)
    monkeypatch.setattr(passwords, "_HASHER", spy)
    with pytest.raises(TooManyAttempts) as locked:
        log_in(sqlite_db, throttle, "admin@example.com", "correct horse battery", "192.0.2.1")
    assert spy.checked == []
    assert locked.value.status == 429 and 599 <= locked.value.retry_after_s <= 600
    assert locked.value.as_dict()["error"] == "too many failed sign-ins; try again later"


def test_the_limits_come_from_the_settings() -> None:
    throttle = LoginThrottle.from_settings(
        Settings(environment="test", login_failures_per_account=1, login_failures_per_ip=3)
    )
    throttle.failed("a@example.com", "192.0.2.1")
    with pytest.raises(TooManyAttempts):
        throttle.check("a@example.com", "192.0.2.2")
    throttle.check("b@example.com", "192.0.2.1")  # the address has 1 of its 3
    throttle.failed("b@example.com", "192.0.2.1")
    throttle.failed("c@example.com", "192.0.2.1")
    with pytest.raises(TooManyAttempts):
        throttle.check("d@example.com", "192.0.2.1")


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        LoginThrottle(per_account=0, per_ip=20, window_s=900)
    with pytest.raises(ValueError):
        Settings(environment="test", login_failure_window_s=0)


def test_an_unreachable_redis_is_a_clear_503() -> None:
    throttle = LoginThrottle(5, 20, 900, "redis://127.0.0.1:1/0")
    with pytest.raises(StorageUnavailable, match=r"login rate limit's store \(redis\)") as exc:
        throttle.check("a@example.com", "192.0.2.1")
    assert exc.value.status == 503


@pytest.mark.redis
def test_processes_sharing_redis_share_the_counts() -> None:
    if not REDIS_URL:
        pytest.skip("MANYI_TEST_REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as exc:
        pytest.fail(f"MANYI_TEST_REDIS_URL={REDIS_URL} is set but unreachable: {exc}")
    email = f"{uuid.uuid4().hex}@example.com"
    address = f"test-{uuid.uuid4().hex}"
    one, two = (LoginThrottle(2, 100, 60, REDIS_URL) for _ in range(2))  # two server processes
    one.failed(email, address)
    two.failed(email, address)
    with pytest.raises(TooManyAttempts):
        one.check(email, address)
    two.succeeded(email)
    one.check(email, address)
