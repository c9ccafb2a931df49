"""Invitation repository: personal single-use survey links (``invitations``).

Only the SHA-256 of a link's token is stored; the token itself is shown once, when the
invitation is made. Answering is one conditional UPDATE, so that two submissions of the
same link racing each other mark it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from manyi.storage.tables import ChannelRow, CustomerRow, InvitationRow, TouchpointRow


@dataclass(frozen=True)
class StoredInvitation:
    """An invitation row with the codes of its customer, channel and touchpoint."""

    id: int
    survey_id: int
    customer: str | None
    channel: str | None
    touchpoint: str | None
    meta: dict[str, Any]
    created_at: datetime
    expires_at: datetime | None
    answered_at: datetime | None
    response_id: int | None


def add_invitation(
    session: Session,
    *,
    survey_id: int,
    token_hash: str,
    customer_id: int | None,
    channel_id: int | None,
    touchpoint_id: int | None,
    expires_at: datetime | None,
    meta: dict[str, Any] | None = None,
) -> int:
    """Insert an invitation and return its id (flushed, so the id is known at once)."""
    row = InvitationRow(
        survey_id=survey_id,
        token_hash=token_hash,
        customer_id=customer_id,
        channel_id=channel_id,
        touchpoint_id=touchpoint_id,
        expires_at=expires_at,
        meta=meta or {},
    )
    session.add(row)
    session.flush()
    return row.id


def set_token_hash(session: Session, invitation_id: int, token_hash: str) -> None:
    """Replace the stored token hash (the token names the id, so it is made after insert)."""
    session.execute(
        update(InvitationRow).where(InvitationRow.id == invitation_id).values(token_hash=token_hash)
    )


def invitation_by_hash(session: Session, token_hash: str) -> StoredInvitation | None:
    """The invitation whose token has SHA-256 ``token_hash``, or None."""
    found = session.execute(
        select(InvitationRow, CustomerRow.external_id, ChannelRow.code, TouchpointRow.code)
        .join(CustomerRow, CustomerRow.id == InvitationRow.customer_id, isouter=True)
        .join(ChannelRow, ChannelRow.id == InvitationRow.channel_id, isouter=True)
        .join(TouchpointRow, TouchpointRow.id == InvitationRow.touchpoint_id, isouter=True)
        .where(InvitationRow.token_hash == token_hash)
    ).first()
    if found is None:
        return None
    row, customer, channel, touchpoint = found
    return StoredInvitation(
        id=row.id,
        survey_id=row.survey_id,
        customer=customer,
        channel=channel,
        touchpoint=touchpoint,
        meta=dict(row.meta or {}),
        created_at=row.created_at,
        expires_at=row.expires_at,
        answered_at=row.answered_at,
        response_id=row.response_id,
    )


def mark_invitation_answered(
    session: Session, invitation_id: int, response_id: int, answered_at: datetime
) -> bool:
    """Record that ``response_id`` answered the invitation, unless it is already answered.

    One UPDATE … WHERE answered_at IS NULL: of two concurrent calls exactly one changes
    the row (the database serialises the writes), so it returns True for that one only.
    """
    result = session.execute(
        update(InvitationRow)
        .where(InvitationRow.id == invitation_id, InvitationRow.answered_at.is_(None))
        .values(answered_at=answered_at, response_id=response_id)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def invitation_exists(session: Session, invitation_id: int) -> bool:
    return session.get(InvitationRow, invitation_id) is not None


@dataclass(frozen=True)
class CustomerContact:
    """What an e-mail send needs to know about a customer."""

    id: int
    external_id: str
    name: str | None
    email: str | None
    consent_contact: bool


def customer_contact(
    session: Session, external_id: str, *, lock: bool = False
) -> CustomerContact | None:
    """The customer with ``external_id``, or None; ``lock`` holds its row until commit.

    The lock (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers anyway) makes
    two sends to the same customer check and claim one after the other.
    """
    query = select(CustomerRow).where(CustomerRow.external_id == external_id)
    if lock:
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None:
        return None
    return CustomerContact(
        id=row.id,
        external_id=row.external_id,
        name=row.name,
        email=row.email,
        consent_contact=bool(row.consent_contact),
    )


def customer_invitation_metas(
    session: Session, survey_id: int, customer_id: int
) -> list[tuple[int, dict[str, Any]]]:
    """(id, meta) of every invitation of ``customer_id`` to ``survey_id``, oldest first."""
    rows = session.execute(
        select(InvitationRow.id, InvitationRow.meta)
        .where(InvitationRow.survey_id == survey_id, InvitationRow.customer_id == customer_id)
        .order_by(InvitationRow.id)
    ).all()
    return [(row_id, dict(meta or {})) for row_id, meta in rows]


def set_invitation_meta(
    session: Session,
    invitation_id: int,
    meta: dict[str, Any],
    *,
    expires_at: datetime | None = None,
) -> None:
    """Replace an invitation's meta (and, when given, bring its expiry forward)."""
    values: dict[str, Any] = {"meta": meta}
    if expires_at is not None:
        values["expires_at"] = expires_at
    session.execute(
        update(InvitationRow)
        .where(InvitationRow.id == invitation_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def invitation_meta(session: Session, invitation_id: int) -> dict[str, Any] | None:
    row = session.get(InvitationRow, invitation_id)
    return None if row is None else dict(row.meta or {})


def opt_out_by_hash(session: Session, survey_id: int, token_hash: str, at: datetime) -> str | None:
    """Withdraw the contact consent of the customer invited by the token with ``token_hash``.

    Sets ``customers.consent_contact`` to false and records ``opted_out_at`` in the
    invitation's meta. Returns the customer's external id, "" for an invitation that names
    no customer, and None when no invitation of ``survey_id`` has that hash.
    """
    row = session.scalar(
        select(InvitationRow).where(
            InvitationRow.token_hash == token_hash, InvitationRow.survey_id == survey_id
        )
    )
    if row is None:
        return None
    if row.customer_id is None:
        return ""
    customer = session.get(CustomerRow, row.customer_id)
    if customer is None:
        return ""
    customer.consent_contact = False
    meta = dict(row.meta or {})
    meta.setdefault("opted_out_at", at.isoformat(timespec="seconds"))
    row.meta = meta
    return customer.external_id
