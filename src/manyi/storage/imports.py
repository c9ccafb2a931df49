"""Import-run repository: one ``imports`` row per file import, with its running totals."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from manyi.storage.tables import ImportRow
from manyi.storage.types import utcnow


def start_import_run(
    session: Session,
    *,
    kind: str,
    survey_id: int | None,
    file_name: str,
    file_sha256: str,
    total_rows: int,
) -> int:
    """Record a new import run; earlier runs of the same file still "running" were interrupted."""
    session.execute(
        update(ImportRow)
        .where(ImportRow.file_sha256 == file_sha256, ImportRow.status == "running")
        .values(status="interrupted", finished_at=utcnow())
    )
    row = ImportRow(
        kind=kind,
        survey_id=survey_id,
        file_name=file_name,
        file_sha256=file_sha256,
        total_rows=total_rows,
    )
    session.add(row)
    session.flush()
    return row.id


def update_import_counts(
    session: Session, import_id: int, *, imported: int, duplicates: int, errors: int
) -> None:
    session.execute(
        update(ImportRow)
        .where(ImportRow.id == import_id)
        .values(imported_rows=imported, duplicate_rows=duplicates, error_rows=errors)
    )


def finish_import_run(
    session: Session,
    import_id: int,
    *,
    imported: int,
    duplicates: int,
    errors: int,
    error_file: str | None,
) -> None:
    """Mark the run finished with its totals (a run deleted meanwhile is left alone)."""
    session.execute(
        update(ImportRow)
        .where(ImportRow.id == import_id)
        .values(
            status="finished",
            imported_rows=imported,
            duplicate_rows=duplicates,
            error_rows=errors,
            error_file=error_file,
            finished_at=utcnow(),
        )
    )
