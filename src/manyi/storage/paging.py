"""Paging in the database: one page of a query's rows and how many rows the query matches."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

_T = TypeVar("_T")


def fetch_page(
    session: Session, query: Select[_T], *, limit: int, offset: int
) -> tuple[list[_T], int]:
    """The rows ``offset`` … ``offset + limit`` of ``query`` (which sets the order) and the
    number of rows it matches in all.

    The count runs on the query without its ORDER BY, which cannot change the number of
    rows and would only cost the database a sort.
    """
    count = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.scalars(query.limit(limit).offset(offset)).all()
    return list(rows), int(count or 0)
