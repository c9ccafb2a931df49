"""What a running process holds: its database handle and its schema, for the entry points.

Entry points (``manyi.api``, ``manyi.web``, ``manyi.cli``, ``manyi.jobs``) never import
``manyi.storage`` (import-linter enforces it): they get the database from here, next to
:mod:`manyi.config` and :mod:`manyi.app`, the other wiring modules, and hand it to the
services, which do the storage work.
"""

from __future__ import annotations

from manyi.config import Settings
from manyi.storage.database import Database
from manyi.storage.migrate import current_revision, head_revision
from manyi.storage.migrate import upgrade as upgrade_database

__all__ = [
    "Database",
    "current_revision",
    "head_revision",
    "open_database",
    "upgrade_database",
]


def open_database(settings: Settings) -> Database:
    """The database the settings name (the SQLite file in the data folder by default)."""
    return Database(settings.effective_database_url, echo=settings.sql_echo)
