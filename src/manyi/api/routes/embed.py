"""The website widget's snippet: ``GET /api/v1/surveys/{id}/embed``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from manyi.accounts.service import User
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, SettingsDep, requires
from manyi.surveys.embed import DEFAULT_HEIGHT, embed_snippet, parse_origins

router = APIRouter(prefix="/surveys", tags=["links"])


class EmbedPublic(BaseModel):
    survey_id: int
    snippet: str = Field(description="the <script> tag to paste into the website's HTML")
    script_url: str
    form_url: str = Field(description="the form in embed mode, as the widget's frame opens it")
    embeddable: bool = Field(
        description="false while MANYI_EMBED_ORIGINS is empty: browsers then show the form "
        "in no other website's frame"
    )
    allowed_origins: list[str] = Field(description="the websites that may show the widget")


@router.get(
    "/{survey_id}/embed",
    response_model=EmbedPublic,
    summary="Snippet of the survey's website widget",
    description="One <script> tag that shows the survey on a website, as a button with a "
    "slide-in panel or inline (docs/distribution.md#embed). Only the websites in "
    "MANYI_EMBED_ORIGINS may show it. Channel and touchpoint codes must exist (422).",
)
def embed(
    survey_id: int,
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.SEND_INVITATIONS)],
    channel: Annotated[str | None, Query(max_length=64, description="channel code")] = None,
    touchpoint: Annotated[str | None, Query(max_length=64, description="touchpoint code")] = None,
    lang: Annotated[
        Literal["zh-CN", "en"] | None, Query(description="the language the form opens in")
    ] = None,
    mode: Annotated[
        Literal["button", "inline"], Query(description="button with a slide-in panel, or inline")
    ] = "button",
    label: Annotated[
        str | None, Query(max_length=40, description="the button's text (default by language)")
    ] = None,
    height: Annotated[
        int, Query(ge=200, le=2000, description="first height of the frame, pixels")
    ] = DEFAULT_HEIGHT,
) -> EmbedPublic:
    made = embed_snippet(
        db,
        survey_id,
        base_url=settings.public_base_url,
        allowed_origins=parse_origins(settings.embed_origins),
        channel=channel,
        touchpoint=touchpoint,
        language=lang,
        mode=mode,
        label=label,
        height=height,
    )
    return EmbedPublic(
        survey_id=made.survey_id,
        snippet=made.snippet,
        script_url=made.script_url,
        form_url=made.form_url,
        embeddable=made.embeddable,
        allowed_origins=list(made.allowed_origins),
    )
