"""Adding a row that a unique constraint may refuse, reported as :class:`Conflict`."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from manyi.errors import Conflict

_Row = TypeVar("_Row")


def add_unique(session: Session, row: _Row, conflict: str) -> _Row:
    """Add ``row`` and flush it now, so that a clash with a unique constraint (a code or an
    e-mail address taken by a stored row) raises ``Conflict(conflict)`` here rather than an
    IntegrityError at commit. The flushed row has its id.

    After a conflict the session's transaction is unusable: let the error end it.
    """
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(conflict) from None
    return row
