"""INSERT … ON CONFLICT DO NOTHING on both SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session


def _column_values(table: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Map attribute names (e.g. ``meta``) to column names (``metadata``)."""
    mapper = table.__mapper__
    out: dict[str, Any] = {}
    for key, value in values.items():
        out[mapper.attrs[key].columns[0].name] = value
    return out


def insert_ignore(
    session: Session,
    table: Any,
    rows: Sequence[dict[str, Any]],
    *,
    conflict: tuple[str, ...] | None,
    returning: tuple[InstrumentedAttribute[Any], ...] = (),
) -> list[tuple[Any, ...]]:
    """Insert ``rows``, skipping those that clash with the unique constraint on ``conflict``.

    Returns the ``returning`` columns of the rows actually inserted.
    """
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(table.__table__)
    if conflict:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(conflict))
    if returning:
        stmt = stmt.returning(*[table.__table__.c[c.property.columns[0].name] for c in returning])
    mapped = [_column_values(table, r) for r in rows]
    if returning:
        result = (
            session.execute(stmt, mapped)
            if len(mapped) > 1
            else session.execute(stmt.values(mapped[0]))
        )
        return [tuple(row) for row in result.all()]
    session.execute(stmt, mapped)
    return []
