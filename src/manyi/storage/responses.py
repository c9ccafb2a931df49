"""Response repository: inserts, idempotency look-ups, the reads intake needs, and the
paged, filtered listing of a survey's responses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manyi.domain.scope import DepartmentScope
from manyi.storage.insert import insert_ignore
from manyi.storage.paging import fetch_page
from manyi.storage.quality import quality_flag_count
from manyi.storage.scoping import response_in_scope
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


def response_by_id(session: Session, response_id: int) -> ResponseRow | None:
    return session.get(ResponseRow, response_id)


def response_page(
    session: Session,
    survey_id: int,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    flagged: bool | None = None,
    limit: int,
    offset: int,
    scope: DepartmentScope | None = None,
) -> tuple[list[ResponseRow], int]:
    """A survey's responses submitted in [since, until), newest first: one page and the total.

    ``flagged``: True keeps only responses with a quality flag, False only those without,
    None both. ``scope``: only the responses of these departments (storage/scoping.py).
    """
    query = select(ResponseRow).where(ResponseRow.survey_id == survey_id, response_in_scope(scope))
    if since:
        query = query.where(ResponseRow.submitted_at >= since)
    if until:
        query = query.where(ResponseRow.submitted_at < until)
    if flagged is not None:
        n_flags = quality_flag_count(session)
        query = query.where(n_flags > 0 if flagged else n_flags == 0)
    # The id breaks ties between responses submitted in the same instant, so pages are stable.
    query = query.order_by(ResponseRow.submitted_at.desc(), ResponseRow.id.desc())
    return fetch_page(session, query, limit=limit, offset=offset)


def response_counts(
    session: Session,
    since: datetime | None = None,
    *,
    flagged_only: bool = False,
    survey_ids: Iterable[int] | None = None,
    scope: DepartmentScope | None = None,
) -> dict[int, int]:
    """survey id -> stored responses (since ``since``; only those with a quality flag if
    asked; only the surveys ``survey_ids`` if given; only those of ``scope``), for the
    surveys that have any."""
    query = (
        select(ResponseRow.survey_id, func.count())
        .where(response_in_scope(scope))
        .group_by(ResponseRow.survey_id)
    )
    if survey_ids is not None:
        ids = list(survey_ids)
        if not ids:
            return {}
        query = query.where(ResponseRow.survey_id.in_(ids))
    if since is not None:
        query = query.where(ResponseRow.submitted_at >= since)
    if flagged_only:
        query = query.where(quality_flag_count(session) > 0)
    return {int(sid): int(n) for sid, n in session.execute(query).all()}


def count_responses(session: Session, *, source: str, flagged_only: bool = False) -> int:
    """Responses stored from ``source`` (only those with a quality flag if asked)."""
    query = select(func.count()).select_from(ResponseRow).where(ResponseRow.source == source)
    if flagged_only:
        query = query.where(quality_flag_count(session) > 0)
    return int(session.scalar(query) or 0)
