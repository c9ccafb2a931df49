"""Answer repository: the bulk insert into the narrow ``answers`` table and the score
histograms read from it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from manyi.domain.scope import DepartmentScope
from manyi.storage.exclusions import counted_up_to
from manyi.storage.scoping import answer_in_scope
from manyi.storage.tables import AnswerRow

ANSWERS = cast(Table, AnswerRow.__table__)
ANSWER_COLUMNS = (
    "response_id",
    "survey_id",
    "question",
    "item",
    "value",
    "text",
    "submitted_at",
    "quality",
)


def insert_answer_rows(session: Session, cells: list[dict[str, Any]]) -> None:
    """Insert answer cells (dicts with :data:`ANSWER_COLUMNS`) with the driver's executemany.

    The narrow table receives ten or more rows per response, so per-row overhead decides
    import speed; SQLAlchemy's parameter processing costs more than SQLite's insert here.
    """
    if not cells:
        return
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        connection.execute(insert(ANSWERS), cells)
        return
    sql = (
        f"INSERT INTO answers ({', '.join(ANSWER_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(ANSWER_COLUMNS))})"
    )
    # Same text format as SQLAlchemy's SQLite DateTime, so stored values compare and parse alike.
    rows = [
        (
            c["response_id"],
            c["survey_id"],
            c["question"],
            c["item"],
            c["value"],
            c["text"],
            c["submitted_at"].strftime("%Y-%m-%d %H:%M:%S.%f"),
            c["quality"],
        )
        for c in cells
    ]
    connection.exec_driver_sql(sql, rows)


def score_histogram(
    session: Session,
    survey_id: int,
    question: str,
    since: datetime,
    *,
    include_flagged: bool = False,
    scope: DepartmentScope | None = None,
) -> list[tuple[float, int]]:
    """(value, count) of a question's numeric answers since ``since`` (of ``scope``'s
    departments: a restricted scope adds a semi-join to the scoped responses).

    Responses with a quality flag (speeder, straight-liner, duplicate, …) that no analyst
    kept are left out unless ``include_flagged``; those an analyst excluded always are.
    The answers' copy of the response's quality class is the last column of their
    covering index, so this stays an index-only scan (storage/exclusions.py).
    """
    query = (
        select(AnswerRow.value, func.count())
        .where(
            AnswerRow.survey_id == survey_id,
            AnswerRow.question == question,
            AnswerRow.item == "",
            AnswerRow.submitted_at >= since,
            AnswerRow.value.is_not(None),
            AnswerRow.quality <= counted_up_to(include_flagged),
            answer_in_scope(scope),
        )
        .group_by(AnswerRow.value)
    )
    return [(float(v), int(n)) for v, n in session.execute(query).all() if v is not None]
