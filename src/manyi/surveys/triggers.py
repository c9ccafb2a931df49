"""Event-triggered invitations: an order delivered or a case closed invites its customer.

A trigger names an event type, a survey, a channel (email or sms), a delay, optional
channel and touchpoint codes for the invitation, and optional conditions on the event's
attributes (each must be equal). :func:`record_event` stores a posted event once per
``external_id`` and, for each active trigger of its type whose conditions hold, decides
under the customer's row lock, with the same contact rules as campaigns (address,
opt-out, consent, already invited to the survey, contact fatigue), whether to invite.
An invitation request is then recorded and its sending job queued to run
``delay_minutes`` after the event occurred (at once when that time has passed). The
event keeps one outcome per matching trigger: the request made, or the reason none was.

The same event posted again (same ``external_id``) invites nobody new; it answers
what the first post did, and retries a send the queue refused the first time (if the
contact rules still allow it) or that a stopped process left unqueued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from manyi.domain.contact import normalise_email, normalise_phone
from manyi.errors import ChannelError, FieldError, InvalidInput, NotFound
from manyi.storage.campaigns import (
    NewRequest,
    add_requests,
    already_invited,
    claimed_requests,
    failed_requests,
    lock_customers,
    recently_invited,
    requests_of_event,
    set_request_state,
)
from manyi.storage.contacts import (
    ContactUpsert,
    member,
    opted_out_customers,
    upsert_customers,
)
from manyi.storage.database import Database
from manyi.storage.surveys import survey_row
from manyi.storage.triggers import (
    StoredEvent,
    StoredTrigger,
    add_event,
    add_trigger,
    event_by_external_id,
    event_by_id,
    set_event_outcomes,
    set_trigger_active,
    triggers,
)
from manyi.surveys.campaigns import (
    CHANNELS,
    LANGUAGES,
    MAX_FATIGUE_DAYS,
    Enqueue,
    check_codes,
    dispatch,
    skip_reason,
)
from manyi.surveys.links import is_anonymous, refuse_if_anonymous

MAX_DELAY_MINUTES = 60 * 24 * 90
#: Survey states in which a trigger invites; others are an outcome's reason.
OPEN_STATES = ("active", "scheduled")


@dataclass(frozen=True)
class TriggerSpec:
    event_type: str
    survey_id: int
    channel: str
    delay_minutes: int = 0
    channel_code: str | None = None
    touchpoint: str | None = None
    language: str | None = None
    fatigue_days: int | None = None
    conditions: dict[str, Any] | None = None


@dataclass(frozen=True)
class EventCustomer:
    """The customer of an event: its external id and, where the posting system knows
    them, contact details to store (blank ones leave the stored values)."""

    external_id: str
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    consent_contact: bool | None = None
    segments: dict[str, Any] | None = None


@dataclass(frozen=True)
class EventIn:
    type: str
    external_id: str
    customer: EventCustomer | None
    occurred_at: datetime | None = None
    attributes: dict[str, Any] | None = None


@dataclass(frozen=True)
class EventRecord:
    """A stored event and what it caused: ``outcomes`` has one entry per matching trigger
    (``status`` invited or skipped, ``reason``, ``request_id``, ``send_at``; ``state`` of
    the request, and the sending job's ``result`` and ``invitation_id`` once it ran)."""

    id: int
    type: str
    external_id: str
    customer: str | None
    occurred_at: datetime
    attributes: dict[str, Any]
    outcomes: list[dict[str, Any]]
    received_at: datetime
    created: bool


def create_trigger(db: Database, spec: TriggerSpec) -> StoredTrigger:
    """Store a trigger. Raises NotFound (survey), InvalidInput (channel, delay, language,
    fatigue, unknown codes, conditions that are not plain values)."""
    event_type = (spec.event_type or "").strip()
    if not event_type or len(event_type) > 100:
        raise InvalidInput("an event type has 1 to 100 characters, e.g. order.delivered")
    if spec.channel not in CHANNELS:
        raise InvalidInput(f"a trigger's channel is email or sms, not {spec.channel!r}")
    if not 0 <= spec.delay_minutes <= MAX_DELAY_MINUTES:
        raise InvalidInput(f"delay_minutes is 0 to {MAX_DELAY_MINUTES} (90 days)")
    if spec.language not in (None, *LANGUAGES):
        raise InvalidInput(f"the language is zh-CN or en, not {spec.language!r}")
    if spec.fatigue_days is not None and not 0 <= spec.fatigue_days <= MAX_FATIGUE_DAYS:
        raise InvalidInput(f"fatigue_days is 0 to {MAX_FATIGUE_DAYS}")
    conditions = dict(spec.conditions or {})
    for name, value in conditions.items():
        if not isinstance(value, str | int | float | bool):
            raise InvalidInput(
                f"condition {name!r}: an event attribute is compared with a text, number or "
                "true/false"
            )
    with db.session() as s:
        if survey_row(s, spec.survey_id) is None:
            raise NotFound(f"no survey with id {spec.survey_id}")
        refuse_if_anonymous(s, spec.survey_id)
    check_codes(db, spec.channel_code, spec.touchpoint)
    with db.session() as s:
        return add_trigger(
            s,
            event_type=event_type,
            survey_id=spec.survey_id,
            channel=spec.channel,
            delay_minutes=spec.delay_minutes,
            channel_code=spec.channel_code or None,
            touchpoint=spec.touchpoint or None,
            language=spec.language,
            fatigue_days=spec.fatigue_days,
            conditions=conditions,
        )


def list_triggers(db: Database, *, event_type: str | None = None) -> list[StoredTrigger]:
    with db.session() as s:
        return triggers(s, event_type=event_type)


def set_active(db: Database, trigger_id: int, active: bool) -> StoredTrigger:
    """Switch a trigger on or off (events keep their outcomes); NotFound if unknown."""
    with db.session() as s:
        found = set_trigger_active(s, trigger_id, active)
    if found is None:
        raise NotFound(f"no survey trigger with id {trigger_id}")
    return found


def record_event(
    db: Database,
    event: EventIn,
    *,
    enqueue: Enqueue,
    default_fatigue_days: int,
    now: datetime | None = None,
) -> EventRecord:
    """Store ``event`` once and invite its customer as its triggers say.

    Raises InvalidInput for a missing type or external id, a bad phone or e-mail of the
    customer, and ChannelError when the queue refused a sending job (the event and its
    outcomes are stored; posting the event again retries the refused sends).
    """
    event_type = (event.type or "").strip()
    external_id = (event.external_id or "").strip()
    if not event_type or len(event_type) > 100:
        raise InvalidInput("an event's type has 1 to 100 characters, e.g. case.closed")
    if not external_id or len(external_id) > 200:
        raise InvalidInput("an event's external_id has 1 to 200 characters")
    contact = _contact(event.customer)
    at = _utc_naive(now)
    occurred = _utc_naive(event.occurred_at) if event.occurred_at else at
    with db.session() as s:
        customer_id = upsert_customers(s, [contact]).ids[contact.external_id] if contact else None
        event_id = add_event(
            s,
            type=event_type,
            external_id=external_id,
            customer_id=customer_id,
            occurred_at=occurred,
            attributes=dict(event.attributes or {}),
        )
        if event_id is not None:
            outcomes = _act(s, event_id, customer_id, occurred, event, at, default_fatigue_days)
            set_event_outcomes(s, event_id, outcomes)
    created = event_id is not None
    if event_id is None:
        # Posted before: nothing new is decided. A request the queue refused last time
        # gets another chance if the contact rules still allow it.
        with db.session() as s:
            stored = event_by_external_id(s, external_id)
        if stored is None:  # deleted between the two statements
            raise NotFound(f"event {external_id!r} was removed while it was read")
        event_id = stored.id
        _revive(db, stored, at, default_fatigue_days)
    with db.session() as s:
        request_ids = claimed_requests(s, event_id=event_id)
    _queued, failed, error = dispatch(db, request_ids, enqueue)
    if error:
        raise ChannelError(
            f"event {external_id!r} was stored, but {failed} invitation(s) could not be "
            f"queued ({error}); they were not sent: post the event again to retry"
        )
    return get_event(db, event_id, created=created)


def get_event(db: Database, event_id: int, *, created: bool = False) -> EventRecord:
    with db.session() as s:
        stored = event_by_id(s, event_id)
    if stored is None:
        raise NotFound(f"no event with id {event_id}")
    return _record(db, stored, created=created)


def _act(
    s: Any,
    event_id: int,
    customer_id: int | None,
    occurred: datetime,
    event: EventIn,
    at: datetime,
    default_fatigue_days: int,
) -> list[dict[str, Any]]:
    """Decide every matching trigger of the event, in trigger order (a request made for
    the first counts for the fatigue of the next)."""
    outcomes: list[dict[str, Any]] = []
    attributes = dict(event.attributes or {})
    matching = [
        t
        for t in triggers(s, event_type=event.type.strip(), active_only=True)
        if _holds(t, attributes)
    ]
    if matching and customer_id is not None:
        lock_customers(s, [customer_id])
    for trigger in matching:
        outcome: dict[str, Any] = {
            "trigger_id": trigger.id,
            "survey_id": trigger.survey_id,
            "channel": trigger.channel,
        }
        reason = _reason(s, trigger, customer_id, at, default_fatigue_days)
        if reason or customer_id is None:
            outcomes.append({**outcome, "status": "skipped", "reason": reason or "no_customer"})
            continue
        send_at = max(at, occurred + timedelta(minutes=trigger.delay_minutes))
        (request_id,) = add_requests(
            s,
            [
                NewRequest(
                    survey_id=trigger.survey_id,
                    customer_id=customer_id,
                    channel=trigger.channel,
                    send_at=send_at,
                    language=trigger.language,
                    channel_code=trigger.channel_code,
                    touchpoint=trigger.touchpoint,
                    event_id=event_id,
                )
            ],
        )
        s.flush()
        outcomes.append(
            {
                **outcome,
                "status": "invited",
                "request_id": request_id,
                "send_at": send_at.isoformat(timespec="seconds"),
            }
        )
    return outcomes


def _revive(db: Database, stored: StoredEvent, at: datetime, default_days: int) -> None:
    """Set the event's refused requests back to ``claimed`` where the rules still allow
    the invitation (a refused request holds no customer, so another may have been made)."""
    with db.session() as s:
        failed = failed_requests(s, event_id=stored.id)
        if not failed:
            return
        lock_customers(s, [f.customer_id for f in failed])
        trigger_of: dict[int, int] = {
            int(o["request_id"]): int(o["trigger_id"])
            for o in stored.outcomes
            if o.get("request_id") is not None
        }
        known = {t.id: t for t in triggers(s)}
        revived = []
        for request in failed:
            trigger = known.get(trigger_of.get(request.id, -1))
            days = default_days if trigger is None else _days(trigger, default_days)
            reason = _reason_for(
                s, request.survey_id, request.channel, days, request.customer_id, at
            )
            if not reason:
                revived.append(request.id)
        set_request_state(s, revived, "claimed")


def _days(trigger: StoredTrigger, default_days: int) -> int:
    return default_days if trigger.fatigue_days is None else trigger.fatigue_days


def _reason(
    s: Any, trigger: StoredTrigger, customer_id: int | None, at: datetime, default_days: int
) -> str:
    """Why the trigger invites nobody for this event ("" when it invites)."""
    return _reason_for(
        s, trigger.survey_id, trigger.channel, _days(trigger, default_days), customer_id, at
    )


def _reason_for(
    s: Any, survey_id: int, channel: str, days: int, customer_id: int | None, at: datetime
) -> str:
    survey = survey_row(s, survey_id)
    if survey is None:
        return "no_survey"
    if survey.status not in OPEN_STATES:
        return f"survey_{survey.status}"
    if is_anonymous(s, survey_id):
        return "survey_anonymous"
    if customer_id is None:
        return "no_customer"
    found = member(s, customer_id)
    if found is None:
        return "no_customer"
    recent = recently_invited(s, [customer_id], at - timedelta(days=days)) if days > 0 else set()
    reason = skip_reason(
        found,
        channel,
        opted_out_customers(s, [customer_id]),
        already_invited(s, survey_id, [customer_id]),
        recent,
    )
    return reason or ""


def _holds(trigger: StoredTrigger, attributes: dict[str, Any]) -> bool:
    return all(attributes.get(name) == value for name, value in trigger.conditions.items())


def _contact(customer: EventCustomer | None) -> ContactUpsert | None:
    if customer is None:
        return None
    external_id = (customer.external_id or "").strip()
    if not external_id or len(external_id) > 128:
        raise InvalidInput("the event's customer needs an external_id of 1 to 128 characters")
    errors: list[FieldError] = []
    phone = email = None
    if customer.phone:
        try:
            phone = normalise_phone(customer.phone)
        except ValueError as exc:
            errors.append(FieldError(("customer", "phone"), str(exc), "invalid"))
    if customer.email:
        try:
            email = normalise_email(customer.email)
        except ValueError as exc:
            errors.append(FieldError(("customer", "email"), str(exc), "invalid"))
    if errors:
        raise InvalidInput("the event's customer has a bad phone number or e-mail address", errors)
    return ContactUpsert(
        external_id=external_id,
        name=(customer.name or "").strip()[:200] or None,
        phone=phone,
        email=email,
        consent_contact=customer.consent_contact,
        segments=customer.segments or None,
    )


def _record(db: Database, stored: StoredEvent, *, created: bool) -> EventRecord:
    with db.session() as s:
        views = {view.id: view for view in requests_of_event(s, stored.id)}
    outcomes = []
    for outcome in stored.outcomes:
        view = views.get(outcome.get("request_id", -1))
        if view is not None:
            outcome = {
                **outcome,
                "state": view.state,
                "result": view.result,
                "invitation_id": view.invitation_id,
            }
        outcomes.append(outcome)
    return EventRecord(
        id=stored.id,
        type=stored.type,
        external_id=stored.external_id,
        customer=stored.customer,
        occurred_at=stored.occurred_at,
        attributes=stored.attributes,
        outcomes=outcomes,
        received_at=stored.received_at,
        created=created,
    )


def _utc_naive(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(UTC).replace(tzinfo=None)
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)
