"""Survey triggers and the events that fire them (order delivered, case closed …)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from manyi.accounts.service import User
from manyi.api.schemas import Strict
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, SettingsDep, requires
from manyi.jobs.queue import JobQueue
from manyi.surveys.triggers import (
    EventCustomer,
    EventIn,
    EventRecord,
    TriggerSpec,
    create_trigger,
    get_event,
    list_triggers,
    record_event,
    set_active,
)

router = APIRouter(tags=["events"])

Scalar = str | int | float | bool


class TriggerCreate(Strict):
    event_type: str = Field(min_length=1, max_length=100, examples=["case.closed"])
    survey_id: int
    channel: Literal["email", "sms"]
    delay_minutes: int = Field(
        default=0, ge=0, le=129600, description="send this long after the event occurred"
    )
    channel_code: str | None = Field(default=None, max_length=64)
    touchpoint: str | None = Field(default=None, max_length=64)
    language: Literal["zh-CN", "en"] | None = None
    fatigue_days: int | None = Field(
        default=None, ge=0, le=3650, description="default MANYI_CONTACT_FATIGUE_DAYS"
    )
    conditions: dict[str, Scalar] = Field(
        default_factory=dict,
        description='event attributes that must be equal, e.g. {"resolution": "solved"}',
    )


class TriggerPatch(Strict):
    active: bool


class TriggerPublic(BaseModel):
    id: int
    event_type: str
    survey_id: int
    channel: str
    delay_minutes: int
    channel_code: str | None
    touchpoint: str | None
    language: str | None
    fatigue_days: int | None
    conditions: dict[str, Any]
    active: bool
    created_at: datetime


class TriggerPage(BaseModel):
    data: list[TriggerPublic]
    count: int


class EventCustomerIn(Strict):
    external_id: str = Field(min_length=1, max_length=128)
    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=64)
    email: str | None = Field(default=None, max_length=320)
    consent_contact: bool | None = None
    segments: dict[str, Scalar] | None = None


class EventCreate(Strict):
    type: str = Field(min_length=1, max_length=100, examples=["order.delivered"])
    external_id: str = Field(
        min_length=1, max_length=200, description="unique: the same event posted twice acts once"
    )
    customer: str | EventCustomerIn | None = Field(
        default=None, description="the customer's external id, or it with contact details"
    )
    occurred_at: datetime | None = Field(default=None, description="default: now")
    attributes: dict[str, Any] = Field(default_factory=dict)


class EventPublic(BaseModel):
    id: int
    type: str
    external_id: str
    customer: str | None
    occurred_at: datetime
    received_at: datetime
    attributes: dict[str, Any]
    outcomes: list[dict[str, Any]] = Field(
        description="one per matching trigger: trigger_id, survey_id, channel, status "
        "(invited/skipped), reason, request_id, send_at, state, result, invitation_id"
    )
    created: bool = Field(description="false: this event was posted before")


@router.post(
    "/survey-triggers",
    status_code=201,
    response_model=TriggerPublic,
    summary="Invite a customer to a survey when an event of a type is posted",
    description="Admins, managers and analysts only. Unknown survey 404; unknown channel "
    "or touchpoint codes 422.",
)
def add_trigger(
    body: TriggerCreate, db: DbDep, user: Annotated[User, requires(Permission.SEND_INVITATIONS)]
) -> TriggerPublic:
    made = create_trigger(db, TriggerSpec(**body.model_dump()))
    return TriggerPublic(**vars(made))


@router.get("/survey-triggers", response_model=TriggerPage, summary="Survey triggers")
def get_triggers(
    db: DbDep,
    user: Annotated[User, requires(Permission.SEND_INVITATIONS)],
    event_type: Annotated[str | None, Query(max_length=100)] = None,
) -> TriggerPage:
    found = list_triggers(db, event_type=event_type)
    return TriggerPage(data=[TriggerPublic(**vars(t)) for t in found], count=len(found))


@router.patch(
    "/survey-triggers/{trigger_id}",
    response_model=TriggerPublic,
    summary="Switch a survey trigger on or off",
)
def patch_trigger(
    trigger_id: int,
    body: TriggerPatch,
    db: DbDep,
    user: Annotated[User, requires(Permission.SEND_INVITATIONS)],
) -> TriggerPublic:
    return TriggerPublic(**vars(set_active(db, trigger_id, body.active)))


@router.post(
    "/events",
    status_code=201,
    response_model=EventPublic,
    summary="Post an event (order delivered, case closed …); matching triggers invite",
    description="Stored once per external_id: the same event posted again answers 200 "
    "with what the first post did and invites nobody again. Each active trigger of the "
    "type whose conditions hold invites the customer (contact consent, opt-out and "
    "contact fatigue respected) after its delay; the outcomes say what was done or why "
    "not. Admins, managers, analysts and agents.",
)
def post_event(
    body: EventCreate,
    request: Request,
    response: Response,
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.SUBMIT_DATA)],
) -> EventPublic:
    queue: JobQueue = request.app.state.queue
    customer = body.customer
    record = record_event(
        db,
        EventIn(
            type=body.type,
            external_id=body.external_id,
            customer=EventCustomer(external_id=customer)
            if isinstance(customer, str)
            else EventCustomer(**customer.model_dump())
            if customer
            else None,
            occurred_at=body.occurred_at,
            attributes=body.attributes,
        ),
        enqueue=queue.enqueue_invitation,
        default_fatigue_days=settings.contact_fatigue_days,
    )
    if not record.created:
        response.status_code = 200
    return _public(record)


@router.get("/events/{event_id}", response_model=EventPublic, summary="One event and its outcomes")
def read_event(
    event_id: int, db: DbDep, user: Annotated[User, requires(Permission.SUBMIT_DATA)]
) -> EventPublic:
    return _public(get_event(db, event_id))


def _public(record: EventRecord) -> EventPublic:
    return EventPublic(**vars(record))
