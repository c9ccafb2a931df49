from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Response
from pydantic import ValidationError

from manyi.accounts.scope import reader_of
from manyi.accounts.service import User
from manyi.api.schemas import (
    FeedbackBatchCreate,
    FeedbackCreate,
    FeedbackListPublic,
    FeedbackPublic,
    FeedbackRecorded,
    FeedbackRecordedList,
)
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, QueueDep, SettingsDep, requires
from manyi.errors import FieldError, InvalidInput
from manyi.ingestion.feedback import FeedbackIn
from manyi.ingestion.pipeline import FeedbackBatch, IntakeOptions, record
from manyi.reporting.listing import get_feedback, list_feedback

router = APIRouter(prefix="/feedback", tags=["feedback"])


def _parse(body: dict[str, Any]) -> list[FeedbackCreate]:
    """A batch has ``items``; anything else is one item. Errors keep their field paths."""
    model: type[FeedbackCreate] | type[FeedbackBatchCreate] = (
        FeedbackBatchCreate if "items" in body else FeedbackCreate
    )
    try:
        parsed = model.model_validate(body)
    except ValidationError as exc:
        errors = [
            FieldError(("body", *e["loc"]), e["msg"], e["type"])
            for e in exc.errors(include_url=False)
        ]
        raise InvalidInput(f"{len(errors)} field(s) could not be accepted", errors) from None
    return parsed.items if isinstance(parsed, FeedbackBatchCreate) else [parsed]


@router.post(
    "",
    status_code=201,
    response_model=FeedbackRecordedList,
    summary="Submit one feedback item or a batch",
    description='A batch ({"items": [...]}) is stored whole or not at all; errors name items.N.field.',
)
def submit(
    body: Annotated[
        dict[str, Any],
        Body(
            description='one FeedbackCreate object, or {"items": [FeedbackCreate, ...]} (at most 1000)'
        ),
    ],
    db: DbDep,
    settings: SettingsDep,
    queue: QueueDep,
    user: Annotated[User, requires(Permission.SUBMIT_DATA)],
    response: Response,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> FeedbackRecordedList:
    items = _parse(body)
    result = record(
        db,
        FeedbackBatch([FeedbackIn(**i.model_dump()) for i in items], idempotency_key),
        IntakeOptions(source="api", keep_raw_text=settings.keep_raw_text),
        enqueue=queue.enqueue_enrichment,
        alerts=queue.enqueue_alerts,
    )
    if not result.created:
        response.status_code = 200
    return FeedbackRecordedList(
        data=[
            FeedbackRecorded(id=r.id, created=r.created, is_duplicate=r.is_duplicate)
            for r in result.stored
        ]
    )


@router.get(
    "",
    response_model=FeedbackListPublic,
    summary="List and filter feedback items",
    description="Only the items of the departments you see (docs/permissions.md); the "
    "original texts for roles with personal:view, recorded in the audit log.",
)
def list_(
    db: DbDep,
    user: Annotated[User, requires(Permission.VIEW_RESPONSES)],
    kind: str | None = None,
    department: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    q: Annotated[str | None, Query(max_length=200, description="text contains")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> FeedbackListPublic:
    page = list_feedback(
        db,
        kind=kind,
        department=department,
        since=since,
        until=until,
        q=q,
        limit=limit,
        offset=offset,
        reader=reader_of(db, user),
    )
    return FeedbackListPublic(
        data=[FeedbackPublic(**i) for i in page.items], count=page.count, limit=limit, offset=offset
    )


@router.get(
    "/{feedback_id}",
    response_model=FeedbackPublic,
    summary="Get one feedback item",
    description="404 also for an item of a department you do not see (docs/permissions.md).",
)
def get(
    feedback_id: int, db: DbDep, user: Annotated[User, requires(Permission.VIEW_RESPONSES)]
) -> FeedbackPublic:
    return FeedbackPublic(**get_feedback(db, feedback_id, reader=reader_of(db, user)))
