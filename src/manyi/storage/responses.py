"""Response repository: inserts, idempotency look-ups and the reads intake needs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manyi.storage.insert import insert_ignore
from manyi.storage.tables import ResponseRow


def recent_durations(session: Session, survey_id: int, limit: int) -> list[float]:
    """Completion times (seconds) of the ``limit`` most recent timed responses."""
    rows = session.execute(
        select(ResponseRow.started_at, ResponseRow.submitted_at)
        .where(ResponseRow.survey_id == survey_id, ResponseRow.started_at.is_not(None))
        .order_by(ResponseRow.submitted_at.desc())
        .limit(limit)
    ).all()
    return [(b - a).total_seconds() for a, b in rows if a is not None and b is not None]


def stored_response_hashes(session: Session, survey_id: int, hashes: Iterable[str]) -> set[str]:
    """Which of ``hashes`` a stored response of the survey already has (duplicate check)."""
    wanted = set(hashes)
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(ResponseRow.content_hash).where(
                ResponseRow.survey_id == survey_id, ResponseRow.content_hash.in_(wanted)
            )
        ).all()
    )


def insert_responses(
    session: Session, rows: list[dict[str, Any]], *, conflict: tuple[str, ...] | None
) -> list[tuple[int, str | None, str | None]]:
    """Insert responses that do not clash on ``conflict``.

    Returns (id, external_key, idempotency_key) of the rows inserted now.
    """
    inserted = insert_ignore(
        session,
        ResponseRow,
        rows,
        conflict=conflict,
        returning=(ResponseRow.id, ResponseRow.external_key, ResponseRow.idempotency_key),
    )
    return [(int(r[0]), r[1], r[2]) for r in inserted]


def stored_external_keys(session: Session, survey_id: int, keys: list[str]) -> dict[str, int]:
    """external_key -> id of the survey's stored responses among ``keys``."""
    found: dict[str, int] = {}
    for start in range(0, len(keys), 900):  # SQLite allows ~999 bound parameters
        rows = session.execute(
            select(ResponseRow.external_key, ResponseRow.id).where(
                ResponseRow.survey_id == survey_id,
                ResponseRow.external_key.in_(keys[start : start + 900]),
            )
        ).all()
        found.update({str(key): int(rid) for key, rid in rows})
    return found


def response_by_idempotency_key(session: Session, survey_id: int, key: str) -> ResponseRow | None:
    return session.scalar(
        select(ResponseRow).where(
            ResponseRow.survey_id == survey_id, ResponseRow.idempotency_key == key
        )
    )
