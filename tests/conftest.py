"""Shared fixtures.

``db`` is parametrised over the database back-ends: SQLite always, and PostgreSQL when
``MANYI_TEST_DATABASE_URL`` is set (``.ci/run`` sets it). A configured back-end that
cannot be reached fails the run instead of being skipped silently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from manyi.storage.database import Database
from manyi.storage.migrate import upgrade

PG_URL = os.environ.get("MANYI_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("MANYI_TEST_REDIS_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [
        f"manyi database back-ends: {', '.join(BACKENDS)}"
        + (f" (PostgreSQL: {PG_URL})" if PG_URL else ""),
        f"manyi redis: {REDIS_URL or 'not configured (MANYI_TEST_REDIS_URL)'}",
    ]


def _pg_schema_url(schema: str) -> str:
    assert PG_URL
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Any]:
    if not PG_URL:
        pytest.skip("MANYI_TEST_DATABASE_URL is not set")
    engine = create_engine(PG_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # a configured database that is down is an error, not a skip
        pytest.fail(f"MANYI_TEST_DATABASE_URL={PG_URL} is set but unreachable: {exc}")
    yield engine
    engine.dispose()


def make_database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Database:
    """A fresh, migrated database: a new SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'test.db'}")
        upgrade(db)
        request.addfinalizer(db.dispose)
        return db
    admin = request.getfixturevalue("pg_admin")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    db = Database(_pg_schema_url(schema))
    upgrade(db)

    def drop() -> None:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))

    request.addfinalizer(drop)
    return db


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    return make_database(request.param, tmp_path, request)


@pytest.fixture
def sqlite_db(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    return make_database("sqlite", tmp_path, request)


_BACKEND_PASSES = {"sqlite": 0, "postgresql": 0, "redis": 0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call" or not report.passed:
        return
    if "[postgresql" in report.nodeid:
        _BACKEND_PASSES["postgresql"] += 1
    elif "[sqlite" in report.nodeid:
        _BACKEND_PASSES["sqlite"] += 1
    if "redis" in report.keywords:
        _BACKEND_PASSES["redis"] += 1


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    counts = _BACKEND_PASSES
    terminalreporter.write_sep("=", "manyi back-ends exercised")
    terminalreporter.write_line(f"SQLite: {counts['sqlite']} database tests passed")
    terminalreporter.write_line(
        f"PostgreSQL: {counts['postgresql']} database tests passed"
        if PG_URL
        else "PostgreSQL: not configured"
    )
    terminalreporter.write_line(
        f"Redis: {counts['redis']} queue tests passed" if REDIS_URL else "Redis: not configured"
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # A configured service that ran no test means the suite silently skipped it: fail.
    # Under pytest-xdist the controller sees every worker's reports; a worker alone may
    # have drawn no PostgreSQL test.
    if hasattr(session.config, "workerinput"):
        return
    if exitstatus != 0 or session.config.option.collectonly or session.config.args != ["tests"]:
        return
    if PG_URL and _BACKEND_PASSES["postgresql"] == 0:
        session.exitstatus = 1
    if REDIS_URL and _BACKEND_PASSES["redis"] == 0:
        session.exitstatus = 1
