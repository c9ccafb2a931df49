"""Export jobs: a large export runs in a worker and reports its progress.

Each job is a folder ``<data_dir>/exports/<id>/`` holding ``job.json`` (the request, who
asked, the state and the rows done) and, once done, the file. The id is 128 random bits,
so it cannot be guessed; only the user who asked (or an administrator) may read a job.
``job.json`` is replaced atomically (written beside, then renamed), so a reader never
sees half of it. Jobs older than the retention time are removed with their files
(:func:`remove_expired_exports`, run by the worker every hour and before each new job).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from manyi.domain.scope import SYSTEM, Reader
from manyi.errors import InvalidInput, ManyiError, NotFound
from manyi.reporting.exports.service import (
    PAGE_SIZE,
    ExportFilters,
    ExportFormat,
    ExportRequest,
    audit_export,
    file_name,
    plan_export,
    write_export,
)
from manyi.storage.database import Database
from manyi.storage.types import utcnow

JobState = Literal["queued", "running", "done", "failed"]
_ID = re.compile(r"^[0-9a-f]{32}$")
#: At most this often (seconds) a running job rewrites its progress.
PROGRESS_EVERY_S = 0.5


@dataclass(frozen=True)
class ExportJob:
    id: str
    owner_id: int
    request: ExportRequest
    state: JobState = "queued"
    rows_done: int = 0
    rows_total: int | None = None
    created_at: datetime = field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    file_name: str | None = None


def _encode(job: ExportJob) -> dict[str, Any]:
    data = asdict(job)
    data["request"]["format"] = job.request.format.value
    return json.loads(json.dumps(data, default=lambda v: v.isoformat()))  # type: ignore[no-any-return]


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _decode(data: dict[str, Any]) -> ExportJob:
    request = data["request"]
    filters = request["filters"]
    return ExportJob(
        id=data["id"],
        owner_id=int(data["owner_id"]),
        request=ExportRequest(
            survey_id=int(request["survey_id"]),
            format=ExportFormat(request["format"]),
            language=request["language"],
            filters=ExportFilters(
                **{**filters, "since": _time(filters["since"]), "until": _time(filters["until"])}
            ),
            personal_data=bool(request["personal_data"]),
            departments=(
                tuple(int(d) for d in request["departments"])
                if request.get("departments") is not None
                else None
            ),
        ),
        state=data["state"],
        rows_done=int(data["rows_done"]),
        rows_total=data["rows_total"],
        created_at=datetime.fromisoformat(data["created_at"]),
        started_at=_time(data["started_at"]),
        finished_at=_time(data["finished_at"]),
        error=data["error"],
        file_name=data["file_name"],
    )


def exports_folder(data_dir: Path) -> Path:
    """Where export jobs and their files live: ``<data_dir>/exports``."""
    return data_dir / "exports"


def _folder(exports_dir: Path, export_id: str) -> Path:
    if not _ID.match(export_id):
        raise NotFound(f"no export {export_id!r}")
    return exports_dir / export_id


def _save(exports_dir: Path, job: ExportJob) -> ExportJob:
    folder = _folder(exports_dir, job.id)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "job.json.tmp"
    tmp.write_text(json.dumps(_encode(job), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / "job.json")
    return job


def _load(exports_dir: Path, export_id: str) -> ExportJob:
    path = _folder(exports_dir, export_id) / "job.json"
    try:
        return _decode(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise NotFound(
            f"no export {export_id!r} (unknown, or removed after the retention time)"
        ) from None


def create_export_job(
    db: Database,
    exports_dir: Path,
    request: ExportRequest,
    *,
    owner_id: int,
    retention: timedelta,
    reader: Reader = SYSTEM,
) -> ExportJob:
    """Check the request (unknown survey: NotFound; bad filters: InvalidInput), count its
    rows and store a queued job for a worker to run (:func:`run_export_job`). An export
    with personal data is audited as ``reader``'s when it is asked for."""
    plan = plan_export(db, request)
    audit_export(db, plan, reader)
    remove_expired_exports(exports_dir, retention)
    job = ExportJob(
        id=secrets.token_hex(16), owner_id=owner_id, request=request, rows_total=plan.total
    )
    return _save(exports_dir, job)


def run_export_job(
    db: Database,
    exports_dir: Path,
    export_id: str,
    *,
    sav_max_rows: int,
    page_size: int = PAGE_SIZE,
) -> ExportJob:
    """Run a queued export: write its file, saving progress as it goes. A request the
    format cannot hold, or any other error, ends the job as failed with its reason."""
    job = _load(exports_dir, export_id)
    if job.state in ("done", "running"):
        return job  # a retried task: the first run wrote it or is writing it
    job = _save(exports_dir, replace(job, state="running", started_at=utcnow(), error=None))
    folder = _folder(exports_dir, export_id)
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal job, last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_S:
            last = now
            job = _save(exports_dir, replace(job, rows_done=done, rows_total=total))

    try:
        plan = plan_export(db, job.request)
        name = file_name(plan)
        partial = folder / f"{name}.part"
        rows = write_export(
            db, plan, partial, progress=progress, sav_max_rows=sav_max_rows, page_size=page_size
        )
        os.replace(partial, folder / name)
    except ManyiError as error:
        return _save(
            exports_dir, replace(job, state="failed", error=error.message, finished_at=utcnow())
        )
    except Exception as error:
        _save(exports_dir, replace(job, state="failed", error=str(error), finished_at=utcnow()))
        raise
    return _save(
        exports_dir,
        replace(
            job,
            state="done",
            rows_done=rows,
            rows_total=rows,
            finished_at=utcnow(),
            file_name=name,
        ),
    )


def get_export_job(
    exports_dir: Path, export_id: str, *, user_id: int, is_admin: bool = False
) -> ExportJob:
    """The job, for the user who asked for it or an administrator (others: NotFound, so
    that an id tells nobody else it exists)."""
    job = _load(exports_dir, export_id)
    if job.owner_id != user_id and not is_admin:
        raise NotFound(f"no export {export_id!r}")
    return job


def export_file(
    exports_dir: Path, export_id: str, *, user_id: int, is_admin: bool = False
) -> tuple[Path, ExportJob]:
    """The finished file of a job and the job; InvalidInput while it is not done."""
    job = get_export_job(exports_dir, export_id, user_id=user_id, is_admin=is_admin)
    if job.state != "done" or job.file_name is None:
        raise InvalidInput(f"export {export_id} is {job.state}, not done")
    path = _folder(exports_dir, export_id) / job.file_name
    if not path.is_file():
        raise NotFound(f"the file of export {export_id} was removed")
    return path, job


def remove_expired_exports(
    exports_dir: Path, retention: timedelta, *, now: datetime | None = None
) -> int:
    """Remove jobs created longer than ``retention`` ago, with their files; returns how
    many. A folder whose job.json cannot be read is judged by its modification time."""
    if not exports_dir.is_dir():
        return 0
    cutoff = (now or utcnow()) - retention
    removed = 0
    for folder in exports_dir.iterdir():
        if not folder.is_dir() or not _ID.match(folder.name):
            continue
        try:
            created = _load(exports_dir, folder.name).created_at
        except (NotFound, ValueError, KeyError, TypeError):
            created = datetime.fromtimestamp(folder.stat().st_mtime, UTC).replace(tzinfo=None)
        if created < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
