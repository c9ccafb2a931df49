"""The number of quality flags (speeder, straight-liner, duplicate, …) on a stored response."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

from manyi.storage.tables import ResponseRow


def quality_flag_count(session: Session) -> Any:
    """SQL expression: how many quality flags a response has (``quality_flags`` is a JSON
    array: ``jsonb`` on PostgreSQL, text JSON on SQLite, each with its own length function)."""
    length = (
        func.jsonb_array_length
        if session.get_bind().dialect.name == "postgresql"
        else func.json_array_length
    )
    return length(ResponseRow.quality_flags)
