"""Survey triggers (event type → survey invitation) and the customer events posted to them.

An event is stored once per ``external_id``: the insert skips a clash with the unique
constraint, so the same event posted twice, even at the same moment, is stored (and
acted on) once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from manyi.storage.insert import insert_ignore
from manyi.storage.tables import CustomerEventRow, CustomerRow, SurveyTriggerRow
from manyi.storage.types import utcnow


@dataclass(frozen=True)
class StoredTrigger:
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


def add_trigger(
    session: Session,
    *,
    event_type: str,
    survey_id: int,
    channel: str,
    delay_minutes: int,
    channel_code: str | None,
    touchpoint: str | None,
    language: str | None,
    fatigue_days: int | None,
    conditions: dict[str, Any],
) -> StoredTrigger:
    row = SurveyTriggerRow(
        event_type=event_type,
        survey_id=survey_id,
        channel=channel,
        delay_minutes=delay_minutes,
        channel_code=channel_code,
        touchpoint=touchpoint,
        language=language,
        fatigue_days=fatigue_days,
        conditions=conditions,
        active=True,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _trigger(row)


def triggers(
    session: Session, *, event_type: str | None = None, active_only: bool = False
) -> list[StoredTrigger]:
    query = select(SurveyTriggerRow).order_by(SurveyTriggerRow.id)
    if event_type is not None:
        query = query.where(SurveyTriggerRow.event_type == event_type)
    if active_only:
        query = query.where(SurveyTriggerRow.active.is_(True))
    return [_trigger(row) for row in session.scalars(query)]


def set_trigger_active(session: Session, trigger_id: int, active: bool) -> StoredTrigger | None:
    row = session.get(SurveyTriggerRow, trigger_id)
    if row is None:
        return None
    row.active = active
    session.flush()
    return _trigger(row)


def _trigger(row: SurveyTriggerRow) -> StoredTrigger:
    return StoredTrigger(
        id=row.id,
        event_type=row.event_type,
        survey_id=row.survey_id,
        channel=row.channel,
        delay_minutes=row.delay_minutes,
        channel_code=row.channel_code,
        touchpoint=row.touchpoint,
        language=row.language,
        fatigue_days=row.fatigue_days,
        conditions=dict(row.conditions or {}),
        active=bool(row.active),
        created_at=row.created_at,
    )


@dataclass(frozen=True)
class StoredEvent:
    id: int
    type: str
    external_id: str
    customer: str | None
    occurred_at: datetime
    attributes: dict[str, Any]
    outcomes: list[dict[str, Any]]
    received_at: datetime


def add_event(
    session: Session,
    *,
    type: str,
    external_id: str,
    customer_id: int | None,
    occurred_at: datetime,
    attributes: dict[str, Any],
) -> int | None:
    """Insert the event; None when an event with this ``external_id`` is stored already."""
    made = insert_ignore(
        session,
        CustomerEventRow,
        [
            {
                "type": type,
                "external_id": external_id,
                "customer_id": customer_id,
                "occurred_at": occurred_at,
                "attributes": attributes,
                "outcomes": [],
                "received_at": utcnow(),
            }
        ],
        conflict=("external_id",),
        returning=(CustomerEventRow.id,),
    )
    return int(made[0][0]) if made else None


def set_event_outcomes(session: Session, event_id: int, outcomes: list[dict[str, Any]]) -> None:
    session.execute(
        update(CustomerEventRow)
        .where(CustomerEventRow.id == event_id)
        .values(outcomes=outcomes)
        .execution_options(synchronize_session=False)
    )


def event_by_external_id(session: Session, external_id: str) -> StoredEvent | None:
    found = session.execute(
        _event_query().where(CustomerEventRow.external_id == external_id)
    ).first()
    return None if found is None else _event(found[0], found[1])


def event_by_id(session: Session, event_id: int) -> StoredEvent | None:
    found = session.execute(_event_query().where(CustomerEventRow.id == event_id)).first()
    return None if found is None else _event(found[0], found[1])


def _event_query() -> Any:
    return select(CustomerEventRow, CustomerRow.external_id).join(
        CustomerRow, CustomerRow.id == CustomerEventRow.customer_id, isouter=True
    )


def _event(row: CustomerEventRow, customer: str | None) -> StoredEvent:
    return StoredEvent(
        id=row.id,
        type=row.type,
        external_id=row.external_id,
        customer=customer,
        occurred_at=row.occurred_at,
        attributes=dict(row.attributes or {}),
        outcomes=list(row.outcomes or []),
        received_at=row.received_at,
    )
