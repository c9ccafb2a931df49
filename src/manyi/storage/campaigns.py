"""Invitation campaigns and invitation requests: who was decided on, and contact fatigue.

An invitation request is written under the customer's row lock before its sending job
is queued, so that the fatigue rule (no customer invited, to any survey, within N days)
and "already invited to this survey" see it at once, also from a campaign or event
running beside it. Requests in state ``failed`` (the queue refused them) count for
neither: nothing was sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import false, select, update
from sqlalchemy.orm import Session

from manyi.storage.contacts import chunks
from manyi.storage.insert import insert_ignore
from manyi.storage.tables import (
    ChannelRow,
    CustomerRow,
    InvitationCampaignRow,
    InvitationRequestRow,
    InvitationRow,
    TouchpointRow,
)
from manyi.storage.types import utcnow

#: Request states that hold a customer: recorded, being queued, queued.
HOLDING = ("claimed", "queuing", "queued")


def lock_customers(session: Session, customer_ids: Iterable[int]) -> None:
    """Hold the customers' rows until commit, so that two campaigns or events deciding on
    the same customer decide one after the other.

    PostgreSQL: SELECT … FOR UPDATE in id order (the same order everywhere, so two lockers
    never deadlock). SQLite has one writer at a time: a write statement that changes
    nothing takes the database's write lock, and every read after it in the transaction
    sees the latest commits.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(CustomerRow)
            .where(false())
            .values(id=CustomerRow.id)
            .execution_options(synchronize_session=False)
        )
        return
    for part in chunks(sorted(set(customer_ids))):
        session.execute(
            select(CustomerRow.id)
            .where(CustomerRow.id.in_(part))
            .order_by(CustomerRow.id)
            .with_for_update()
        )


def recently_invited(session: Session, customer_ids: Iterable[int], since: datetime) -> set[int]:
    """Those of ``customer_ids`` invited to any survey at or after ``since``: an invitation
    made then, or a request due then (a delayed send counts from when it is due)."""
    found: set[int] = set()
    for part in chunks(sorted(set(customer_ids))):
        found.update(
            session.scalars(
                select(InvitationRow.customer_id).where(
                    InvitationRow.customer_id.in_(part), InvitationRow.created_at >= since
                )
            )
        )
        found.update(
            session.scalars(
                select(InvitationRequestRow.customer_id).where(
                    InvitationRequestRow.customer_id.in_(part),
                    InvitationRequestRow.send_at >= since,
                    InvitationRequestRow.state.in_(HOLDING),
                )
            )
        )
    found.discard(None)  # type: ignore[arg-type]
    return found


def already_invited(session: Session, survey_id: int, customer_ids: Iterable[int]) -> set[int]:
    """Those of ``customer_ids`` ever invited to ``survey_id`` (invitation or request)."""
    found: set[int] = set()
    for part in chunks(sorted(set(customer_ids))):
        found.update(
            session.scalars(
                select(InvitationRow.customer_id).where(
                    InvitationRow.survey_id == survey_id, InvitationRow.customer_id.in_(part)
                )
            )
        )
        found.update(
            session.scalars(
                select(InvitationRequestRow.customer_id).where(
                    InvitationRequestRow.survey_id == survey_id,
                    InvitationRequestRow.customer_id.in_(part),
                    InvitationRequestRow.state.in_(HOLDING),
                )
            )
        )
    found.discard(None)  # type: ignore[arg-type]
    return found


@dataclass(frozen=True)
class StoredCampaign:
    id: int
    survey_id: int
    list_id: int | None
    channel: str
    idempotency_key: str | None
    params: dict[str, Any]
    counts: dict[str, Any]
    created_at: datetime


def add_campaign(
    session: Session,
    *,
    survey_id: int,
    list_id: int,
    channel: str,
    idempotency_key: str | None,
    params: dict[str, Any],
) -> int | None:
    """Insert a campaign; None when (survey, idempotency_key) is taken (the same campaign
    posted before, or at this moment by another request)."""
    made = insert_ignore(
        session,
        InvitationCampaignRow,
        [
            {
                "survey_id": survey_id,
                "list_id": list_id,
                "channel": channel,
                "idempotency_key": idempotency_key,
                "params": params,
                "counts": {},
                "created_at": utcnow(),
            }
        ],
        conflict=("survey_id", "idempotency_key"),
        returning=(InvitationCampaignRow.id,),
    )
    return int(made[0][0]) if made else None


def campaign_by_key(session: Session, survey_id: int, key: str) -> StoredCampaign | None:
    row = session.scalar(
        select(InvitationCampaignRow).where(
            InvitationCampaignRow.survey_id == survey_id,
            InvitationCampaignRow.idempotency_key == key,
        )
    )
    return None if row is None else _campaign(row)


def campaign(session: Session, campaign_id: int) -> StoredCampaign | None:
    row = session.get(InvitationCampaignRow, campaign_id)
    return None if row is None else _campaign(row)


def set_campaign_counts(session: Session, campaign_id: int, counts: dict[str, Any]) -> None:
    session.execute(
        update(InvitationCampaignRow)
        .where(InvitationCampaignRow.id == campaign_id)
        .values(counts=counts)
        .execution_options(synchronize_session=False)
    )


def _campaign(row: InvitationCampaignRow) -> StoredCampaign:
    return StoredCampaign(
        id=row.id,
        survey_id=row.survey_id,
        list_id=row.list_id,
        channel=row.channel,
        idempotency_key=row.idempotency_key,
        params=dict(row.params or {}),
        counts=dict(row.counts or {}),
        created_at=row.created_at,
    )


@dataclass(frozen=True)
class NewRequest:
    survey_id: int
    customer_id: int
    channel: str
    send_at: datetime
    language: str | None = None
    channel_code: str | None = None
    touchpoint: str | None = None
    campaign_id: int | None = None
    event_id: int | None = None


def add_requests(session: Session, requests: list[NewRequest]) -> list[int]:
    """Insert requests in state ``claimed``; returns their ids in the order given."""
    now = utcnow()
    ids: list[int] = []
    for part in chunks(requests, 500):
        rows = insert_ignore(
            session,
            InvitationRequestRow,
            [
                {
                    "survey_id": r.survey_id,
                    "customer_id": r.customer_id,
                    "channel": r.channel,
                    "language": r.language,
                    "channel_code": r.channel_code,
                    "touchpoint": r.touchpoint,
                    "campaign_id": r.campaign_id,
                    "event_id": r.event_id,
                    "send_at": r.send_at,
                    "state": "claimed",
                    "created_at": now,
                }
                for r in part
            ],
            conflict=None,
            returning=(InvitationRequestRow.id,),
        )
        ids.extend(sorted(int(row[0]) for row in rows))
    return ids


@dataclass(frozen=True)
class PendingRequest:
    """A request taken for queueing, with what its sending job needs."""

    id: int
    survey_id: int
    customer: str
    channel: str
    language: str | None
    channel_code: str | None
    touchpoint: str | None
    send_at: datetime


def take_requests(session: Session, request_ids: list[int]) -> list[PendingRequest]:
    """Move ``claimed`` requests to ``queuing`` and return them; a request another process
    took first (or already queued) is left out, so each is queued once."""
    taken: list[int] = []
    for part in chunks(sorted(set(request_ids))):
        taken.extend(
            int(i)
            for i in session.scalars(
                update(InvitationRequestRow)
                .where(InvitationRequestRow.id.in_(part), InvitationRequestRow.state == "claimed")
                .values(state="queuing")
                .returning(InvitationRequestRow.id)
                .execution_options(synchronize_session=False)
            )
        )
    pending: list[PendingRequest] = []
    for part in chunks(sorted(taken)):
        for row, external_id in session.execute(
            select(InvitationRequestRow, CustomerRow.external_id)
            .join(CustomerRow, CustomerRow.id == InvitationRequestRow.customer_id)
            .where(InvitationRequestRow.id.in_(part))
            .order_by(InvitationRequestRow.id)
        ):
            pending.append(
                PendingRequest(
                    id=row.id,
                    survey_id=row.survey_id,
                    customer=external_id,
                    channel=row.channel,
                    language=row.language,
                    channel_code=row.channel_code,
                    touchpoint=row.touchpoint,
                    send_at=row.send_at,
                )
            )
    return pending


def set_request_state(session: Session, request_ids: list[int], state: str) -> None:
    values: dict[str, Any] = {"state": state}
    if state == "queued":
        values["queued_at"] = utcnow()
    for part in chunks(sorted(set(request_ids))):
        session.execute(
            update(InvitationRequestRow)
            .where(InvitationRequestRow.id.in_(part))
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def claimed_requests(
    session: Session, *, campaign_id: int | None = None, event_id: int | None = None
) -> list[int]:
    """Ids of the campaign's or event's requests recorded but never queued (the process
    stopped between the two)."""
    query = select(InvitationRequestRow.id).where(InvitationRequestRow.state == "claimed")
    if campaign_id is not None:
        query = query.where(InvitationRequestRow.campaign_id == campaign_id)
    if event_id is not None:
        query = query.where(InvitationRequestRow.event_id == event_id)
    return [int(i) for i in session.scalars(query.order_by(InvitationRequestRow.id))]


@dataclass(frozen=True)
class FailedRequest:
    id: int
    survey_id: int
    customer_id: int
    channel: str


def failed_requests(session: Session, *, event_id: int) -> list[FailedRequest]:
    """The event's requests the queue refused (``failed``), oldest first."""
    return [
        FailedRequest(row.id, row.survey_id, row.customer_id, row.channel)
        for row in session.scalars(
            select(InvitationRequestRow)
            .where(
                InvitationRequestRow.event_id == event_id,
                InvitationRequestRow.state == "failed",
            )
            .order_by(InvitationRequestRow.id)
        )
    ]


def request_states(session: Session, campaign_id: int) -> dict[str, int]:
    """How many of the campaign's requests are in each state."""
    counted: dict[str, int] = {}
    for state in session.scalars(
        select(InvitationRequestRow.state).where(InvitationRequestRow.campaign_id == campaign_id)
    ):
        counted[state] = counted.get(state, 0) + 1
    return counted


def record_request_result(
    session: Session, request_id: int, result: str, invitation_id: int | None
) -> None:
    """Keep what the request's sending job did; the invitation it made gets the request's
    channel and touchpoint (codes resolved now; a code removed since is left out), so a
    response through it is attributed to them."""
    row = session.get(InvitationRequestRow, request_id)
    if row is None:
        return
    row.result = result[:500]
    if invitation_id is None:
        return
    row.invitation_id = invitation_id
    values: dict[str, Any] = {}
    if row.channel_code:
        values["channel_id"] = session.scalar(
            select(ChannelRow.id).where(ChannelRow.code == row.channel_code)
        )
    if row.touchpoint:
        values["touchpoint_id"] = session.scalar(
            select(TouchpointRow.id).where(TouchpointRow.code == row.touchpoint)
        )
    values = {key: value for key, value in values.items() if value is not None}
    if values:
        session.execute(
            update(InvitationRow)
            .where(InvitationRow.id == invitation_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


@dataclass(frozen=True)
class RequestView:
    """A request as an event shows it, with its job's result and invitation (once made)."""

    id: int
    survey_id: int
    channel: str
    state: str
    send_at: datetime
    result: str | None
    invitation_id: int | None


def requests_of_event(session: Session, event_id: int) -> list[RequestView]:
    return [
        RequestView(
            id=row.id,
            survey_id=row.survey_id,
            channel=row.channel,
            state=row.state,
            send_at=row.send_at,
            result=row.result,
            invitation_id=row.invitation_id,
        )
        for row in session.scalars(
            select(InvitationRequestRow)
            .where(InvitationRequestRow.event_id == event_id)
            .order_by(InvitationRequestRow.id)
        )
    ]
