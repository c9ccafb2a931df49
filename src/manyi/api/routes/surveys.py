from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from manyi.api.schemas import SurveyCreate, SurveyPublic, SurveysPublic, SurveySummaryPublic
from manyi.domain.enums import SurveyStatus
from manyi.edge.deps import DESIGNERS, CurrentUser, DbDep, SettingsDep, require
from manyi.errors import InvalidInput
from manyi.surveys.links import public_url
from manyi.surveys.service import Survey, create_survey, get_survey, list_surveys

router = APIRouter(prefix="/surveys", tags=["surveys"])


def _public(survey: Survey, base_url: str) -> SurveyPublic:
    return SurveyPublic(
        id=survey.id,
        code=survey.code,
        title=survey.title,
        status=survey.status.value,
        version=survey.version,
        definition=survey.definition.model_dump(mode="json", by_alias=True, exclude_none=True),
        created_at=survey.created_at,
        updated_at=survey.updated_at,
        public_url=public_url(base_url, survey.id),
    )


@router.post("", status_code=201, response_model=SurveyPublic, summary="Create a survey")
def create(body: SurveyCreate, db: DbDep, settings: SettingsDep, user: CurrentUser) -> SurveyPublic:
    require(user, DESIGNERS, "create surveys")
    survey = create_survey(db, body.definition, code=body.code, status=body.status)
    return _public(survey, settings.public_base_url)


@router.get("", response_model=SurveysPublic, summary="List surveys")
def list_(
    db: DbDep,
    settings: SettingsDep,
    user: CurrentUser,
    status: Annotated[str | None, Query(description="draft, active, paused or closed")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SurveysPublic:
    try:
        wanted = SurveyStatus(status) if status else None
    except ValueError:
        raise InvalidInput(f"unknown status {status!r}") from None
    rows, count = list_surveys(db, status=wanted, limit=limit, offset=offset)
    return SurveysPublic(
        data=[
            SurveySummaryPublic(
                **{
                    **r.__dict__,
                    "status": r.status.value,
                    "public_url": public_url(settings.public_base_url, r.id),
                }
            )
            for r in rows
        ],
        count=count,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/{survey_id}", response_model=SurveyPublic, summary="Get a survey with its current definition"
)
def get(survey_id: int, db: DbDep, settings: SettingsDep, user: CurrentUser) -> SurveyPublic:
    return _public(get_survey(db, survey_id), settings.public_base_url)
