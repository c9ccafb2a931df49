"""Delivery repository: what SMS sends, e-mail reminders, receipts and bounces read.

Delivery state lives in the invitation's JSON meta (``meta["sms"]``, ``meta["email"]``),
so these queries return the meta and the services decide. JSON is filtered in Python
rather than SQL where the condition is on the meta: the same code then runs on SQLite
and PostgreSQL, and the rows read are already narrowed by indexed columns (customer,
survey, unanswered).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from manyi.storage.tables import CustomerRow, InvitationRow, SurveyRow


@dataclass(frozen=True)
class Delivery:
    """One invitation as the senders see it."""

    id: int
    survey_id: int
    customer_id: int | None
    token_hash: str
    meta: dict[str, Any]
    expires_at: datetime | None
    answered_at: datetime | None


@dataclass(frozen=True)
class ReminderCandidate:
    """An unanswered, unexpired invitation of an active survey, with its customer."""

    invitation: Delivery
    survey_title: str
    customer: str
    name: str | None
    email: str | None
    consent_contact: bool


def _delivery(row: InvitationRow) -> Delivery:
    return Delivery(
        id=row.id,
        survey_id=row.survey_id,
        customer_id=row.customer_id,
        token_hash=row.token_hash,
        meta=dict(row.meta or {}),
        expires_at=row.expires_at,
        answered_at=row.answered_at,
    )


def customer_deliveries(
    session: Session, customer_id: int, survey_id: int | None = None
) -> list[Delivery]:
    """Every invitation of ``customer_id`` (to ``survey_id`` when given), oldest first."""
    query = select(InvitationRow).where(InvitationRow.customer_id == customer_id)
    if survey_id is not None:
        query = query.where(InvitationRow.survey_id == survey_id)
    return [_delivery(row) for row in session.scalars(query.order_by(InvitationRow.id))]


def lock_customer(session: Session, customer_id: int) -> None:
    """Hold the customer's row until commit, so that check-then-claim is one step.

    A write that changes nothing: PostgreSQL locks the row, and SQLite takes its one write
    lock before the reads that follow (SQLite ignores FOR UPDATE, and Python's sqlite3
    starts the transaction only at the first write, so a read first would see a snapshot
    that another claim may change before this one writes)."""
    session.execute(
        update(CustomerRow)
        .where(CustomerRow.id == customer_id)
        .values(consent_contact=CustomerRow.consent_contact)
        .execution_options(synchronize_session=False)
    )


def lock_invitation(session: Session, invitation_id: int) -> None:
    """Hold the invitation's row until commit (see :func:`lock_customer`)."""
    session.execute(
        update(InvitationRow)
        .where(InvitationRow.id == invitation_id)
        .values(survey_id=InvitationRow.survey_id)
        .execution_options(synchronize_session=False)
    )


def delivery(session: Session, invitation_id: int, *, lock: bool = False) -> Delivery | None:
    """The invitation ``invitation_id``; ``lock`` holds its row until commit
    (:func:`lock_invitation`), so two writers of its meta go one after the other."""
    query = select(InvitationRow).where(InvitationRow.id == invitation_id)
    if lock:
        lock_invitation(session, invitation_id)
        query = query.with_for_update()
    row = session.scalar(query)
    return None if row is None else _delivery(row)


def invitation_id_by_sms_message(session: Session, message_id: str) -> int | None:
    """The invitation whose ``meta["sms"]["message_id"]`` is ``message_id`` (a receipt that
    names only the gateway's id). JSON path on both back-ends; not indexed, receipts are
    few and usually name our reference instead."""
    found = session.scalar(
        select(InvitationRow.id)
        .where(InvitationRow.meta["sms"]["message_id"].as_string() == message_id)
        .order_by(InvitationRow.id.desc())
        .limit(1)
    )
    return None if found is None else int(found)


def reminder_candidates(
    session: Session, now: datetime, *, survey_id: int | None = None, limit: int = 1000
) -> list[ReminderCandidate]:
    """Unanswered invitations to a customer, not expired, of an ``active`` survey, oldest
    first. The service checks the meta (was it e-mailed, how many reminders, bounced)."""
    query = (
        select(InvitationRow, SurveyRow.title, CustomerRow)
        .join(SurveyRow, SurveyRow.id == InvitationRow.survey_id)
        .join(CustomerRow, CustomerRow.id == InvitationRow.customer_id)
        .where(
            InvitationRow.answered_at.is_(None),
            or_(InvitationRow.expires_at.is_(None), InvitationRow.expires_at > now),
            SurveyRow.status == "active",
        )
        .order_by(InvitationRow.id)
        .limit(limit)
    )
    if survey_id is not None:
        query = query.where(InvitationRow.survey_id == survey_id)
    return [
        ReminderCandidate(
            invitation=_delivery(row),
            survey_title=title,
            customer=customer.external_id,
            name=customer.name,
            email=customer.email,
            consent_contact=bool(customer.consent_contact),
        )
        for row, title, customer in session.execute(query)
    ]


def withdraw_consent_by_phone(session: Session, phones: list[str]) -> list[str]:
    """Set ``consent_contact`` false for every customer whose stored phone is one of
    ``phones`` (spaces and dashes ignored); return their external ids."""
    stored = func.replace(func.replace(CustomerRow.phone, " ", ""), "-", "")
    rows = list(session.scalars(select(CustomerRow).where(stored.in_(phones))))
    for row in rows:
        row.consent_contact = False
    return [row.external_id for row in rows]


def customer_phone(session: Session, customer_id: int) -> str | None:
    """The stored phone number of a customer (as imported: any format)."""
    return session.scalar(select(CustomerRow.phone).where(CustomerRow.id == customer_id))
