"""Migrations go upgrade → downgrade → upgrade on SQLite and PostgreSQL, and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from manyi.storage.database import Database
from manyi.storage.migrate import current_revision, downgrade, head_revision, upgrade
from manyi.storage.tables import Base


def test_upgrade_downgrade_upgrade(db: Database) -> None:
    assert current_revision(db) == head_revision()
    tables = set(inspect(db.engine).get_table_names())
    assert {"responses", "answers", "feedback_items", "surveys", "users", "api_tokens"} <= tables
    downgrade(db, "base")
    assert current_revision(db) is None
    assert not set(inspect(db.engine).get_table_names()) & {"responses", "answers", "surveys"}
    upgrade(db)
    assert current_revision(db) == head_revision()


def test_models_and_migrations_agree(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"the models changed without a migration: {diff}"


def test_sqlite_runs_in_wal_mode(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
