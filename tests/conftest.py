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
