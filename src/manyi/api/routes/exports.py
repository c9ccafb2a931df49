"""Exports of a survey's responses: background jobs with progress, and small exports
answered at once (docs/exports.md)."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from pydantic import Field
from starlette.background import BackgroundTask

from manyi.accounts.scope import Reader, reader_of
from manyi.accounts.service import User
from manyi.api.schemas import Strict
from manyi.domain.permissions import Permission, has_permission
from manyi.edge.deps import DbDep, SettingsDep, requires
from manyi.jobs.queue import JobQueue
from manyi.reporting.exports import (
    MEDIA_TYPES,
    ExportFilters,
    ExportFormat,
    ExportJob,
    ExportRequest,
    create_export_job,
    direct_export,
    export_file,
    exports_folder,
    get_export_job,
)

router = APIRouter(tags=["exports"])

Language = Literal["zh-CN", "en"]


def _departments(reader: Reader) -> tuple[int, ...] | None:
    """The requester's departments as an export request keeps them (None: all)."""
    ids = reader.scope.department_ids
    return None if ids is None else tuple(sorted(ids))


class ExportFiltersIn(Strict):
    since: datetime | None = Field(default=None, description="submitted at or after (UTC)")
    until: datetime | None = Field(default=None, description="submitted before (UTC)")
    channel: str | None = Field(default=None, description="channel code")
    touchpoint: str | None = Field(default=None, description="touchpoint code")
    language: str | None = Field(default=None, description="the language the response was given in")
    include_flagged: bool = Field(
        default=False, description="also responses with a quality flag nobody reviewed yet"
    )
    include_excluded: bool = Field(default=False, description="also responses an analyst excluded")


class ExportCreate(Strict):
    format: ExportFormat
    language: Language = Field(
        default="zh-CN", description="language of the labels (question texts, value labels)"
    )
    filters: ExportFiltersIn = Field(default_factory=ExportFiltersIn)


class ExportPublic(Strict):
    id: str
    survey_id: int
    format: ExportFormat
    language: str
    state: Literal["queued", "running", "done", "failed"]
    rows_done: int
    rows_total: int | None
    personal_data: bool = Field(description="holds customer ids and unredacted open answers")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime
    error: str | None
    download_url: str | None = Field(description="the file, once the export is done")


def _public(job: ExportJob, retention_hours: int) -> ExportPublic:
    done = job.state == "done"
    return ExportPublic(
        id=job.id,
        survey_id=job.request.survey_id,
        format=job.request.format,
        language=job.request.language,
        state=job.state,
        rows_done=job.rows_done,
        rows_total=job.rows_total,
        personal_data=job.request.personal_data,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        expires_at=job.created_at + timedelta(hours=retention_hours),
        error=job.error,
        download_url=f"/api/v1/exports/{job.id}/file" if done else None,
    )


@router.post(
    "/surveys/{survey_id}/exports",
    status_code=202,
    response_model=ExportPublic,
    summary="Start an export of a survey's responses (CSV, XLSX or SPSS .sav)",
    description="A worker writes the file; poll GET /api/v1/exports/{id} for its progress "
    "and download it from its download_url when done. Customer ids and unredacted open "
    "answers are included only for admins and managers. Admins, managers and analysts only.",
)
def start_export(
    survey_id: int,
    body: ExportCreate,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.EXPORT_DATA)],
) -> ExportPublic:
    reader = reader_of(db, user)
    job = create_export_job(
        db,
        exports_folder(settings.data_dir),
        ExportRequest(
            survey_id,
            body.format,
            body.language,
            ExportFilters(**body.filters.model_dump()),
            personal_data=reader.personal_data,
            departments=_departments(reader),
        ),
        owner_id=user.id,
        retention=timedelta(hours=settings.export_retention_hours),
        reader=reader,
    )
    queue: JobQueue = request.app.state.queue
    queue.enqueue_export(job.id)
    job = get_export_job(exports_folder(settings.data_dir), job.id, user_id=user.id)
    return _public(job, settings.export_retention_hours)


@router.get(
    "/exports/{export_id}",
    response_model=ExportPublic,
    summary="An export's state and progress",
    description="Only the user who started it (or an admin) sees it.",
)
def get_export(
    export_id: str, settings: SettingsDep, user: Annotated[User, requires(Permission.EXPORT_DATA)]
) -> ExportPublic:
    job = get_export_job(
        exports_folder(settings.data_dir),
        export_id,
        user_id=user.id,
        is_admin=has_permission(user.role, Permission.HANDLE_PERSONAL_DATA_REQUESTS),
    )
    return _public(job, settings.export_retention_hours)


@router.get(
    "/exports/{export_id}/file",
    response_class=FileResponse,
    summary="Download a finished export",
)
def download_export(
    export_id: str, settings: SettingsDep, user: Annotated[User, requires(Permission.EXPORT_DATA)]
) -> FileResponse:
    path, job = export_file(
        exports_folder(settings.data_dir),
        export_id,
        user_id=user.id,
        is_admin=has_permission(user.role, Permission.HANDLE_PERSONAL_DATA_REQUESTS),
    )
    return FileResponse(path, media_type=MEDIA_TYPES[job.request.format], filename=path.name)


@router.get(
    "/surveys/{survey_id}/responses.{fmt}",
    summary="Export a survey's responses at once (small exports)",
    description="CSV is streamed; XLSX and SAV are written, then sent. More responses than "
    "MANYI_EXPORT_DIRECT_MAX_ROWS answer 422: use POST /api/v1/surveys/{id}/exports.",
    responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}}},
)
def export_now(
    survey_id: int,
    fmt: ExportFormat,
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.EXPORT_DATA)],
    language: Language = "zh-CN",
    since: datetime | None = None,
    until: datetime | None = None,
    channel: str | None = None,
    touchpoint: str | None = None,
    response_language: Annotated[
        str | None, Query(description="only responses given in this language")
    ] = None,
    include_flagged: bool = False,
    include_excluded: bool = False,
) -> Response:
    reader = reader_of(db, user)
    request = ExportRequest(
        survey_id,
        fmt,
        language,
        ExportFilters(
            since, until, channel, touchpoint, response_language, include_flagged, include_excluded
        ),
        personal_data=reader.personal_data,
        departments=_departments(reader),
    )
    folder = Path(tempfile.mkdtemp(prefix="manyi-export-"))
    try:
        export = direct_export(
            db,
            request,
            folder,
            max_rows=settings.export_direct_max_rows,
            sav_max_rows=settings.export_sav_max_rows,
            reader=reader,
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    disposition = {"Content-Disposition": f'attachment; filename="{export.name}"'}
    cleanup = BackgroundTask(shutil.rmtree, folder, ignore_errors=True)
    if export.chunks is not None:
        return StreamingResponse(
            export.chunks, media_type=export.media_type, headers=disposition, background=cleanup
        )
    if export.path is None:
        raise RuntimeError("an XLSX or SAV export without its file")
    return FileResponse(
        export.path, media_type=export.media_type, filename=export.name, background=cleanup
    )
