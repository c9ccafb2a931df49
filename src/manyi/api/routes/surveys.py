from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from manyi.accounts.service import User
from manyi.api.schemas import (
    QuotaPublic,
    SurveyCreate,
    SurveyPublic,
    SurveySchedule,
    SurveysPublic,
    SurveySummaryPublic,
)
from manyi.domain.enums import SurveyStatus
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, SettingsDep, requires
from manyi.errors import InvalidInput
from manyi.surveys.links import public_url
from manyi.surveys.quotas import quota_status
from manyi.surveys.schedule import set_schedule
from manyi.surveys.service import (
    Survey,
    create_survey,
    get_survey,
    list_surveys,
    revise_survey,
)
from manyi.surveys.templates import create_from_template

router = APIRouter(prefix="/surveys", tags=["surveys"])


class SurveyFromTemplate(BaseModel):
    """Body of POST /surveys/from-template."""

    model_config = ConfigDict(extra="forbid")

    template: str = Field(max_length=64, description="a code from GET /survey-templates")
    code: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str | dict[str, Any] | None = Field(
        default=None,
        description='replaces the template\'s title: {"zh-CN": ..., "en": ...} or one string',
    )
    status: str = Field(default="draft", description="draft, active, paused or closed")


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
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
    )


@router.post("", status_code=201, response_model=SurveyPublic, summary="Create a survey")
def create(
    body: SurveyCreate,
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.DESIGN_SURVEYS)],
) -> SurveyPublic:
    survey = create_survey(db, body.definition, code=body.code, status=body.status)
    return _public(survey, settings.public_base_url)


@router.get("", response_model=SurveysPublic, summary="List surveys")
def list_(
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.VIEW_DASHBOARD)],
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
def get(
    survey_id: int,
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.VIEW_DASHBOARD)],
) -> SurveyPublic:
    return _public(get_survey(db, survey_id), settings.public_base_url)


@router.get(
    "/{survey_id}/definition.json",
    summary="Export a survey's definition as a JSON file",
    description="The current version's definition (or version `version`), as a download that "
    "POST /surveys and `manyi survey create FILE` accept as it is.",
    response_class=JSONResponse,
)
def export_definition(
    survey_id: int,
    db: DbDep,
    user: Annotated[User, requires(Permission.VIEW_DASHBOARD)],
    version: Annotated[int | None, Query(ge=1, description="default: the current version")] = None,
) -> JSONResponse:
    survey = get_survey(db, survey_id, version)
    name = f"survey-{survey.code or survey.id}-v{survey.version}.json"
    return JSONResponse(
        survey.definition.model_dump(mode="json", by_alias=True, exclude_none=True),
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.put(
    "/{survey_id}/definition",
    response_model=SurveyPublic,
    summary="Replace a survey's definition (stores a new version)",
    description="The body is the whole definition document. Earlier versions stay: every "
    "response keeps pointing at the version it answered.",
)
def revise(
    survey_id: int,
    definition: Annotated[dict[str, Any], Body(description="the survey document")],
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.DESIGN_SURVEYS)],
) -> SurveyPublic:
    return _public(revise_survey(db, survey_id, definition), settings.public_base_url)


@router.post(
    "/from-template",
    status_code=201,
    response_model=SurveyPublic,
    summary="Create a survey from a template",
    description="The new survey is a copy of the template (version 1, a draft unless "
    "`status` says otherwise); edit it with PUT /surveys/{id}/definition.",
)
def create_from(
    body: SurveyFromTemplate,
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.DESIGN_SURVEYS)],
) -> SurveyPublic:
    survey = create_from_template(
        db, body.template, code=body.code, title=body.title, status=body.status
    )
    return _public(survey, settings.public_base_url)


@router.put(
    "/{survey_id}/schedule",
    response_model=SurveyPublic,
    summary="Set when a survey opens and closes",
    description="Both times in UTC (an ISO 8601 offset is converted); null clears a bound. "
    "A published survey is `scheduled` before `opens_at` and takes answers from it until "
    "`closes_at`, checked at every request; a job stores the status as the times pass.",
)
def schedule(
    survey_id: int,
    body: SurveySchedule,
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.DESIGN_SURVEYS)],
) -> SurveyPublic:
    survey = set_schedule(db, survey_id, body.opens_at, body.closes_at)
    return _public(survey, settings.public_base_url)


@router.get(
    "/{survey_id}/quotas",
    response_model=list[QuotaPublic],
    summary="A survey's quotas and how full they are",
)
def quotas(
    survey_id: int, db: DbDep, user: Annotated[User, requires(Permission.VIEW_DASHBOARD)]
) -> list[QuotaPublic]:
    return [
        QuotaPublic(
            code=q.code,
            segment=q.segment,
            limit=q.limit,
            count=q.count,
            action=q.action,
            full=q.full,
        )
        for q in quota_status(db, survey_id)
    ]
