"""The API's request dependencies; they live in :mod:`manyi.edge.deps`, shared with the
pages, and are re-exported here for the API routes and for code written against them."""

from __future__ import annotations

from manyi.edge.deps import (
    CurrentUser,
    DbDep,
    QueueDep,
    SettingsDep,
    current_user,
    get_db,
    get_queue,
    get_settings,
    requires,
)

__all__ = [
    "CurrentUser",
    "DbDep",
    "QueueDep",
    "SettingsDep",
    "current_user",
    "get_db",
    "get_queue",
    "get_settings",
    "requires",
]
