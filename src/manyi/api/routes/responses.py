from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from manyi.api.deps import WRITERS, CurrentUser, DbDep, QueueDep, SettingsDep, require
from manyi.api.schemas import ResponseCreate, ResponsePublic, ResponseRecorded, ResponsesPublic
from manyi.ingestion.responses import ResponseIn, record_response
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
    user: CurrentUser,
    response: Response,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> ResponseRecorded:
    require(user, WRITERS, "submit responses")
    recorded = record_response(
        db,
        survey_id,
        ResponseIn(**body.model_dump()),
        idempotency_key=idempotency_key,
        source="api",
        speeder_fraction=settings.speeder_fraction,
    )
    if not recorded.created:
        response.status_code = 200
    elif any(isinstance(v, str) for v in body.answers.values()):
        queue.enqueue_enrichment()  # open answers get sentiment and aspects in the background
    return ResponseRecorded(**recorded.__dict__)


@router.get(
    "/surveys/{survey_id}/responses",
    response_model=ResponsesPublic,
    summary="List a survey's responses",
)
def list_(
    survey_id: int,
    db: DbDep,
    user: CurrentUser,
    since: datetime | None = None,
    until: datetime | None = None,
    flagged: Annotated[
        bool | None, Query(description="only flagged (true) or unflagged (false) responses")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ResponsesPublic:
    page = list_responses(
        db, survey_id, since=since, until=until, flagged=flagged, limit=limit, offset=offset
    )
    return ResponsesPublic(
        data=[ResponsePublic(**i) for i in page.items], count=page.count, limit=limit, offset=offset
    )


@router.get("/responses/{response_id}", response_model=ResponsePublic, summary="Get one response")
def get(response_id: int, db: DbDep, user: CurrentUser) -> ResponsePublic:
    return ResponsePublic(**get_response(db, response_id))
