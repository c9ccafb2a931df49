"""Answer repository: the bulk insert into the narrow ``answers`` table."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from manyi.storage.tables import AnswerRow

ANSWERS = cast(Table, AnswerRow.__table__)
ANSWER_COLUMNS = ("response_id", "survey_id", "question", "item", "value", "text", "submitted_at")


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
        )
        for c in cells
    ]
    connection.exec_driver_sql(sql, rows)
