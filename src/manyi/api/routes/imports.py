from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from manyi.accounts.service import User
from manyi.api.schemas import ImportPublic
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, QueueDep, SettingsDep, requires
from manyi.errors import InvalidInput
from manyi.ingestion.importer import import_feedback, import_responses

router = APIRouter(prefix="/imports", tags=["imports"])


@router.post(
    "",
    status_code=201,
    response_model=ImportPublic,
    summary="Import a CSV, XLSX or JSON Lines file of responses (survey_id) or feedback (kind=feedback)",
)
def upload(
    db: DbDep,
    settings: SettingsDep,
    queue: QueueDep,
    user: Annotated[User, requires(Permission.SUBMIT_DATA)],
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form(pattern="^(responses|feedback)$")] = "responses",
    survey_id: Annotated[int | None, Form()] = None,
) -> ImportPublic:
    name = Path(file.filename or "upload.csv").name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out, length=1 << 20)
        if path.stat().st_size > settings.max_upload_mb * 1024 * 1024:
            raise InvalidInput(
                f"the file is larger than {settings.max_upload_mb} MiB (MANYI_MAX_UPLOAD_MB)"
            )
        error_dir = settings.data_dir / "import-errors"
        if kind == "feedback":
            result = import_feedback(
                db,
                path,
                error_dir=error_dir,
                enqueue=queue.enqueue_enrichment,
                keep_raw_text=settings.keep_raw_text,
            )
        else:
            if survey_id is None:
                raise InvalidInput("survey_id is required to import responses")
            result = import_responses(
                db,
                path,
                survey_id,
                error_dir=error_dir,
                speeder_fraction=settings.speeder_fraction,
                enqueue=queue.enqueue_enrichment,
                keep_raw_text=settings.keep_raw_text,
            )
    return ImportPublic(
        **{**result.__dict__, "error_file": str(result.error_file) if result.error_file else None}
    )
