from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from manyi.accounts.scope import reader_of
from manyi.accounts.service import User
from manyi.api.schemas import ResponseCreate, ResponsePublic, ResponseRecorded, ResponsesPublic
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, QueueDep, SettingsDep, requires
from manyi.ingestion.pipeline import IntakeOptions, ResponseBatch, record
from manyi.ingestion.responses import ResponseIn
from manyi.reporting.listing import get_response, list_responses

router = APIRouter(tags=["responses"])


@router.post(
    "/surveys/{survey_id}/responses",
    status_code=201,
    response_model=ResponseRecorded,
    summary="Submit a response",
    description=(
        "Validated against the survey's current version; every bad field is listed (422). "
        "Send an Idempotency-Key header to make retries safe: the same key returns the same "
        "response id (200) and stores nothing new."
    ),
)
def submit(
    survey_id: int,
    body: ResponseCreate,
    db: DbDep,
    settings: SettingsDep,
    queue: QueueDep,
    user: Annotated[User, requires(Permission.SUBMIT_DATA)],
    response: Response,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> ResponseRecorded:
    result = record(
        db,
        ResponseBatch(survey_id, [ResponseIn(**body.model_dump())], idempotency_key),
        IntakeOptions(
            source="api",
            speeder_fraction=settings.speeder_fraction,
            keep_raw_text=settings.keep_raw_text,
        ),
        enqueue=queue.enqueue_enrichment,
        alerts=queue.enqueue_alerts,
    )
    stored = result.stored[0]
    if not stored.created:
        response.status_code = 200
    return ResponseRecorded(
        id=stored.id,
        created=stored.created,
        survey_version=stored.survey_version or 0,
        quality_flags=list(stored.quality_flags),
    )


@router.get(
    "/surveys/{survey_id}/responses",
    response_model=ResponsesPublic,
    summary="List a survey's responses",
    description="Only the responses of the departments you see (docs/permissions.md); the "
    "original open answers for roles with personal:view, recorded in the audit log.",
)
def list_(
    survey_id: int,
    db: DbDep,
    user: Annotated[User, requires(Permission.VIEW_RESPONSES)],
    since: datetime | None = None,
    until: datetime | None = None,
    flagged: Annotated[
        bool | None, Query(description="only flagged (true) or unflagged (false) responses")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ResponsesPublic:
    page = list_responses(
        db,
        survey_id,
        since=since,
        until=until,
        flagged=flagged,
        limit=limit,
        offset=offset,
        reader=reader_of(db, user),
    )
    return ResponsesPublic(
        data=[ResponsePublic(**i) for i in page.items], count=page.count, limit=limit, offset=offset
    )


@router.get(
    "/responses/{response_id}",
    response_model=ResponsePublic,
    summary="Get one response",
    description="404 also for a response of a department you do not see (docs/permissions.md).",
)
def get(
    response_id: int, db: DbDep, user: Annotated[User, requires(Permission.VIEW_RESPONSES)]
) -> ResponsePublic:
    return ResponsePublic(**get_response(db, response_id, reader=reader_of(db, user)))
