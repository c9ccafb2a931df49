"""Delivery: SMS invitations, e-mail reminders, SMS receipts from the gateway, bounces."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Request
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from manyi.accounts.service import User
from manyi.api.schemas import Strict
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, SettingsDep, requires
from manyi.errors import Conflict, InvalidInput
from manyi.jobs.queue import JobQueue
from manyi.surveys.bounces import ingest_dsn
from manyi.surveys.email import check_survey_takes_invitations
from manyi.surveys.sms_receipts import record_sms_receipts, verify_receipt

router = APIRouter(tags=["delivery"])

MAX_BODY = 2 * 1024 * 1024


class InvitationTexts(Strict):
    customers: list[Annotated[str, Field(min_length=1, max_length=128)]] = Field(
        min_length=1, max_length=1000, description="external ids of the customers to text"
    )
    language: Literal["zh-CN", "en"] | None = Field(
        default=None, description="language of the text; default MANYI_DEFAULT_LANGUAGE"
    )


class InvitationTextsQueued(Strict):
    survey_id: int
    queued: list[str] = Field(description="the customers whose SMS was queued, in order")


class ReminderRequest(Strict):
    after_days: int | None = Field(
        default=None, ge=1, le=60, description="default MANYI_REMINDER_AFTER_DAYS"
    )
    max_reminders: int | None = Field(
        default=None, ge=0, le=10, description="default MANYI_REMINDER_MAX"
    )


class RemindersQueued(Strict):
    survey_id: int
    queued: bool


class ReceiptsRecorded(Strict):
    recorded: int = Field(description="receipts that changed an invitation's SMS state")
    unknown: int = Field(description="receipts naming no invitation of ours, or no known status")
    opted_out: int = Field(description="customers whose consent a STOP / 回T reply withdrew")


class BounceRecorded(Strict):
    status: Literal["bounced", "ignored"]
    invitation_id: int
    reason: str


@router.post(
    "/surveys/{survey_id}/invitations/sms",
    status_code=202,
    response_model=InvitationTextsQueued,
    summary="Text personal single-use links to customers (SMS)",
    description="Queues one SMS per customer (a worker sends it through the gateway of "
    "MANYI_SMS_URL, with 5 retries and back-off). A customer without a mobile number or "
    "contact consent, who opted out, answered, or was already texted this survey is "
    "skipped by the worker (docs/distribution.md#sms). Admins, managers and analysts only.",
)
def invite_by_sms(
    survey_id: int,
    body: InvitationTexts,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    user: Annotated[User, requires(Permission.SEND_INVITATIONS)],
) -> InvitationTextsQueued:
    check_survey_takes_invitations(db, survey_id)
    if not settings.sms_url:
        raise Conflict("SMS sending is not configured: set MANYI_SMS_URL")
    queue: JobQueue = request.app.state.queue
    customers = list(dict.fromkeys(c.strip() for c in body.customers if c.strip()))
    for customer in customers:
        queue.enqueue_invitation_sms(survey_id, customer, body.language)
    return InvitationTextsQueued(survey_id=survey_id, queued=customers)


@router.post(
    "/surveys/{survey_id}/invitations/reminders",
    status_code=202,
    response_model=RemindersQueued,
    summary="E-mail reminders to the survey's unanswered invitations",
    description="Queues a reminder run for this survey: every e-mail invitation not "
    "answered after after_days gets the same link again, at most max_reminders times, "
    "never after an opt-out, a bounce or an answer, never twice on one day "
    "(docs/distribution.md#reminders). The worker also runs it daily for every survey. "
    "Admins, managers and analysts only.",
)
def remind(
    survey_id: int,
    body: ReminderRequest,
    request: Request,
    db: DbDep,
    user: Annotated[User, requires(Permission.SEND_INVITATIONS)],
) -> RemindersQueued:
    check_survey_takes_invitations(db, survey_id)
    queue: JobQueue = request.app.state.queue
    queue.enqueue_reminders(survey_id, body.after_days, body.max_reminders)
    return RemindersQueued(survey_id=survey_id, queued=True)


@router.post(
    "/sms/receipts",
    response_model=ReceiptsRecorded,
    summary="Delivery receipts and replies from the SMS gateway",
    description="For the gateway, not for people: authenticated by MANYI_SMS_RECEIPT_SECRET, "
    "either X-Manyi-Signature: sha256=<HMAC-SHA256 of the raw body> or Authorization: "
    "Bearer <secret>. The body is one JSON receipt or a list (docs/distribution.md#sms).",
)
async def sms_receipts(
    request: Request,
    settings: SettingsDep,
    db: DbDep,
    x_manyi_signature: Annotated[str | None, Header()] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> ReceiptsRecorded:
    body = await _body(request)
    verify_receipt(settings, body, signature=x_manyi_signature, authorization=authorization)
    # The database work runs in a worker thread, as for the routes declared with def.
    run = await run_in_threadpool(record_sms_receipts, db, body)
    return ReceiptsRecorded(
        recorded=run.recorded, unknown=run.unknown, opted_out=len(run.opted_out)
    )


@router.post(
    "/email/bounces",
    response_model=BounceRecorded,
    summary="Record a bounce report (DSN, RFC 3464)",
    description="The body is the whole bounce message as received (message/rfc822). The "
    "invitation is found by the VERP recipient bounces+<id>-<tag>@… or the "
    "X-Manyi-Invitation header in the returned headers; a failed recipient marks it "
    "bounced and its address is not e-mailed again (docs/distribution.md#bounces). "
    "Admins, managers and analysts only (e.g. an API token in the mail server's pipe).",
)
async def email_bounce(
    request: Request,
    settings: SettingsDep,
    db: DbDep,
    user: Annotated[User, requires(Permission.SEND_INVITATIONS)],
) -> BounceRecorded:
    raw = await _body(request)
    result = await run_in_threadpool(lambda: ingest_dsn(db, raw, secret=settings.secret_key))
    return BounceRecorded(
        status=result.status, invitation_id=result.invitation_id, reason=result.reason
    )


async def _body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise InvalidInput(f"the body is larger than {MAX_BODY // 1024} KiB")
    return body
