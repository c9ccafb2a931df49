"""Survey links: QR codes of the anonymous link, and personal single-use invitations."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import Field

from manyi.accounts.service import User
from manyi.api.schemas import InvitationCreate, InvitationPublic, Strict
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, SettingsDep, requires
from manyi.jobs.queue import JobQueue
from manyi.surveys.email import check_survey_takes_invitations
from manyi.surveys.links import QrKind, create_invitation, public_url, qr_code, survey_link

router = APIRouter(prefix="/surveys", tags=["links"])

ChannelQuery = Annotated[
    str | None, Query(max_length=64, description="channel code, carried in the link as ch=")
]
TouchpointQuery = Annotated[
    str | None, Query(max_length=64, description="touchpoint code, carried in the link as tp=")
]
LanguageQuery = Annotated[
    str | None, Query(description="zh-CN or en: the language the form opens in (lang=)")
]
ScaleQuery = Annotated[int, Query(ge=1, le=40, description="pixels (PNG) or units (SVG) a module")]

_MEDIA_TYPES: dict[QrKind, str] = {"png": "image/png", "svg": "image/svg+xml"}


def _qr(
    kind: QrKind,
    survey_id: int,
    db: DbDep,
    settings: SettingsDep,
    channel: str | None,
    touchpoint: str | None,
    lang: str | None,
    scale: int,
) -> Response:
    url = survey_link(
        db,
        survey_id,
        base_url=settings.public_base_url,
        channel=channel,
        touchpoint=touchpoint,
        language=lang,
    )
    name = re.sub(
        r"[^A-Za-z0-9_.-]",
        "_",
        "-".join(str(p) for p in ("survey", survey_id, channel, touchpoint) if p),
    )
    return Response(
        qr_code(url, kind, scale=scale),
        media_type=_MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'inline; filename="{name}.{kind}"'},
    )


@router.get(
    "/{survey_id}/qr.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "the QR code"}},
    summary="QR code (PNG) of the survey's anonymous link",
    description="The link carries the channel and touchpoint (ch=, tp=), so every answer "
    "arriving through a poster is attributed to them; unknown codes are refused (422).",
)
def qr_png(
    survey_id: int,
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.SEND_INVITATIONS)],
    channel: ChannelQuery = None,
    touchpoint: TouchpointQuery = None,
    lang: LanguageQuery = None,
    scale: ScaleQuery = 8,
) -> Response:
    return _qr("png", survey_id, db, settings, channel, touchpoint, lang, scale)


@router.get(
    "/{survey_id}/qr.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "the QR code"}},
    summary="QR code (SVG) of the survey's anonymous link",
    description="As qr.png, as a vector image for print.",
)
def qr_svg(
    survey_id: int,
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.SEND_INVITATIONS)],
    channel: ChannelQuery = None,
    touchpoint: TouchpointQuery = None,
    lang: LanguageQuery = None,
    scale: ScaleQuery = 8,
) -> Response:
    return _qr("svg", survey_id, db, settings, channel, touchpoint, lang, scale)


@router.post(
    "/{survey_id}/invitations",
    status_code=201,
    response_model=InvitationPublic,
    summary="Make a personal single-use link",
    description="One invitation, one response: the link works until it is answered or "
    "expires. Its token is returned this once and stored only as a hash. Admins, "
    "managers and analysts only.",
)
def invite(
    survey_id: int,
    body: InvitationCreate,
    response: Response,
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.SEND_INVITATIONS)],
) -> InvitationPublic:
    made = create_invitation(
        db,
        survey_id,
        secret=settings.secret_key,
        customer=body.customer,
        channel=body.channel,
        touchpoint=body.touchpoint,
        valid_days=body.valid_days,
        meta=body.metadata,
    )
    # The body holds a working link: no cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return InvitationPublic(
        id=made.id,
        survey_id=made.survey_id,
        url=public_url(settings.public_base_url, survey_id, invite=made.token),
        customer=made.customer,
        channel=made.channel,
        touchpoint=made.touchpoint,
        expires_at=made.expires_at,
    )


class InvitationEmails(Strict):
    customers: list[Annotated[str, Field(min_length=1, max_length=128)]] = Field(
        min_length=1, max_length=1000, description="external ids of the customers to e-mail"
    )
    language: Literal["zh-CN", "en"] | None = Field(
        default=None, description="language of the e-mail; default MANYI_DEFAULT_LANGUAGE"
    )


class InvitationEmailsQueued(Strict):
    survey_id: int
    queued: list[str] = Field(description="the customers whose e-mail was queued, in order")


@router.post(
    "/{survey_id}/invitations/email",
    status_code=202,
    response_model=InvitationEmailsQueued,
    summary="E-mail personal single-use links to customers",
    description="Queues one e-mail per customer (a worker sends them, with 3 retries). "
    "A customer without an e-mail address or contact consent, who opted out, or who was "
    "already e-mailed this survey is skipped by the worker (docs/distribution.md#e-mail). "
    "Admins, managers and analysts only.",
)
def invite_by_email(
    survey_id: int,
    body: InvitationEmails,
    request: Request,
    db: DbDep,
    user: Annotated[User, requires(Permission.SEND_INVITATIONS)],
) -> InvitationEmailsQueued:
    check_survey_takes_invitations(db, survey_id)
    queue: JobQueue = request.app.state.queue
    customers = list(dict.fromkeys(c.strip() for c in body.customers if c.strip()))
    for customer in customers:
        queue.enqueue_invitation_email(survey_id, customer, body.language)
    return InvitationEmailsQueued(survey_id=survey_id, queued=customers)
