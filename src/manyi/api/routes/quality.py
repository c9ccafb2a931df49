"""Response quality in the API: the responses to review (by quality flag and decision)
and an analyst's decision to exclude one from the aggregates or keep it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from manyi.accounts.scope import department_scope, reader_of
from manyi.accounts.service import User
from manyi.api.schemas import (
    ExclusionResult,
    ExclusionUpdate,
    FlaggedResponsePublic,
    FlaggedResponsesPublic,
)
from manyi.domain.enums import QualityFlag
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, requires
from manyi.reporting.exclusions import decide_exclusion, flagged_responses, is_counted

router = APIRouter(tags=["responses"])


@router.get(
    "/responses",
    response_model=FlaggedResponsesPublic,
    summary="List responses to review (quality flags and exclusions)",
    description=(
        "Responses with a quality flag or an analyst's decision, newest first. Flagged "
        "responses nobody decided on are left out of NPS and CSAT; excluded ones always are."
    ),
)
def list_flagged(
    db: DbDep,
    user: Annotated[User, requires(Permission.REVIEW_QUALITY)],
    flag: Annotated[QualityFlag | None, Query(description="only responses with this flag")] = None,
    survey_id: Annotated[int | None, Query(ge=1)] = None,
    decision: Annotated[
        Literal["open", "excluded", "kept"] | None,
        Query(description="open: not reviewed; excluded; kept"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> FlaggedResponsesPublic:
    page = flagged_responses(
        db,
        survey_id=survey_id,
        flag=flag.value if flag else None,
        decision=decision,
        limit=limit,
        offset=offset,
        reader=reader_of(db, user),
    )
    items = [
        FlaggedResponsePublic(
            **{k: v for k, v in asdict(i).items() if k not in ("flags", "reason")},
            quality_flags=i.flags,
            exclusion_reason=i.reason,
        )
        for i in page.items
    ]
    return FlaggedResponsesPublic(data=items, count=page.count, limit=limit, offset=offset)


@router.post(
    "/responses/{response_id}/exclusion",
    response_model=ExclusionResult,
    summary="Exclude a response from the aggregates, or keep it",
)
def set_exclusion(
    response_id: int,
    body: ExclusionUpdate,
    db: DbDep,
    user: Annotated[User, requires(Permission.REVIEW_QUALITY)],
) -> ExclusionResult:
    change = decide_exclusion(
        db,
        response_id,
        excluded=body.excluded,
        reason=body.reason,
        user_id=user.id,
        scope=department_scope(db, user),
    )
    return ExclusionResult(
        id=change.response_id,
        survey_id=change.survey_id,
        excluded=change.excluded,
        counted=is_counted(change),
    )
