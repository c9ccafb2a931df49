"""The ready survey templates (POST /surveys/from-template, in surveys.py, starts a survey from one)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from manyi.accounts.service import User
from manyi.domain.permissions import Permission
from manyi.edge.deps import requires
from manyi.surveys.templates import list_templates

router = APIRouter(tags=["surveys"])


class SurveyTemplatePublic(BaseModel):
    code: str = Field(description="pass it as `template` to POST /surveys/from-template")
    title: dict[str, str] = Field(description='{"zh-CN": ..., "en": ...}')
    description: dict[str, str]
    questions: int = Field(description="number of questions")


class SurveyTemplatesPublic(BaseModel):
    data: list[SurveyTemplatePublic]
    count: int


@router.get(
    "/survey-templates",
    response_model=SurveyTemplatesPublic,
    summary="List the ready survey templates",
)
def list_(user: Annotated[User, requires(Permission.DESIGN_SURVEYS)]) -> SurveyTemplatesPublic:
    data = [
        SurveyTemplatePublic(
            code=t.code,
            title={"zh-CN": t.title_zh, "en": t.title_en},
            description={"zh-CN": t.description_zh, "en": t.description_en},
            questions=t.questions,
        )
        for t in list_templates()
    ]
    return SurveyTemplatesPublic(data=data, count=len(data))
