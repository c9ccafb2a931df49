"""Notifications repository: inbox items, webhook subscriptions and deliveries, e-mails.

Every function takes the caller's session, so a notification is stored in the same
transaction as the change it announces (a rolled-back case change leaves no e-mail or
webhook behind). Sending happens later, in :mod:`manyi.workflow.delivery`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from manyi.storage.tables import (
    InboxItemRow,
    NotificationEmailRow,
    UserRow,
    WebhookDeliveryRow,
    WebhookSubscriptionRow,
)

# --- inbox ---


def add_inbox_items(session: Session, user_ids: Sequence[int], values: dict[str, Any]) -> None:
    session.add_all([InboxItemRow(user_id=user_id, **values) for user_id in user_ids])
    session.flush()


def inbox_rows(
    session: Session, user_id: int, *, unread_only: bool = False, limit: int = 50, offset: int = 0
) -> list[InboxItemRow]:
    query = select(InboxItemRow).where(InboxItemRow.user_id == user_id)
    if unread_only:
        query = query.where(InboxItemRow.read_at.is_(None))
    query = query.order_by(InboxItemRow.created_at.desc(), InboxItemRow.id.desc())
    return list(session.scalars(query.limit(limit).offset(offset)))


def count_inbox(session: Session, user_id: int, *, unread_only: bool) -> int:
    query = select(func.count()).select_from(InboxItemRow).where(InboxItemRow.user_id == user_id)
    if unread_only:
        query = query.where(InboxItemRow.read_at.is_(None))
    return int(session.scalar(query) or 0)


def mark_inbox_read(
    session: Session, user_id: int, item_ids: Sequence[int] | None, at: datetime
) -> int:
    """Mark the user's items read (``None``: all of them); returns how many changed."""
    query = update(InboxItemRow).where(
        InboxItemRow.user_id == user_id, InboxItemRow.read_at.is_(None)
    )
    if item_ids is not None:
        query = query.where(InboxItemRow.id.in_(list(item_ids)))
    result = session.execute(query.values(read_at=at).execution_options(synchronize_session=False))
    return int(result.rowcount)  # type: ignore[attr-defined]


def undigested_rows(session: Session, since: datetime) -> list[InboxItemRow]:
    """Unread items not yet in a digest, created at or after ``since``, oldest first."""
    query = (
        select(InboxItemRow)
        .where(
            InboxItemRow.read_at.is_(None),
            InboxItemRow.digested_at.is_(None),
            InboxItemRow.created_at >= since,
        )
        .order_by(InboxItemRow.user_id, InboxItemRow.created_at, InboxItemRow.id)
    )
    return list(session.scalars(query))


def mark_digested(session: Session, item_ids: Sequence[int], at: datetime) -> None:
    if item_ids:
        session.execute(
            update(InboxItemRow)
            .where(InboxItemRow.id.in_(list(item_ids)))
            .values(digested_at=at)
            .execution_options(synchronize_session=False)
        )


def active_user_addresses(session: Session, user_ids: Sequence[int]) -> dict[int, str]:
    """E-mail address of each active user among ``user_ids``."""
    if not user_ids:
        return {}
    rows = session.execute(
        select(UserRow.id, UserRow.email).where(
            UserRow.id.in_(list(user_ids)), UserRow.is_active.is_(True)
        )
    )
    return {int(i): str(e) for i, e in rows}


def existing_user_ids(session: Session, user_ids: Sequence[int]) -> set[int]:
    if not user_ids:
        return set()
    return set(session.scalars(select(UserRow.id).where(UserRow.id.in_(list(user_ids)))))


def active_user_ids_with_role(session: Session, roles: Sequence[str]) -> list[int]:
    query = select(UserRow.id).where(UserRow.is_active.is_(True), UserRow.role.in_(list(roles)))
    return list(session.scalars(query.order_by(UserRow.id)))


# --- webhooks ---


def subscription_rows(
    session: Session, *, active_only: bool = False
) -> list[WebhookSubscriptionRow]:
    query = select(WebhookSubscriptionRow).order_by(WebhookSubscriptionRow.id)
    if active_only:
        query = query.where(WebhookSubscriptionRow.active.is_(True))
    return list(session.scalars(query))


def subscription_row(session: Session, subscription_id: int) -> WebhookSubscriptionRow | None:
    return session.get(WebhookSubscriptionRow, subscription_id)


def insert_subscription(session: Session, values: dict[str, Any]) -> WebhookSubscriptionRow:
    row = WebhookSubscriptionRow(**values)
    session.add(row)
    session.flush()
    return row


def delete_subscription(session: Session, subscription_id: int) -> bool:
    row = session.get(WebhookSubscriptionRow, subscription_id)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def add_webhook_delivery(session: Session, values: dict[str, Any]) -> None:
    session.add(WebhookDeliveryRow(**values))
    session.flush()


def due_webhook_deliveries(session: Session, now: datetime, limit: int) -> list[WebhookDeliveryRow]:
    query = (
        select(WebhookDeliveryRow)
        .where(WebhookDeliveryRow.status == "pending", WebhookDeliveryRow.next_attempt_at <= now)
        .order_by(WebhookDeliveryRow.next_attempt_at, WebhookDeliveryRow.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def webhook_delivery_row(session: Session, delivery_id: int) -> WebhookDeliveryRow | None:
    return session.get(WebhookDeliveryRow, delivery_id)


def delivery_rows(
    session: Session,
    *,
    subscription_id: int | None = None,
    status: str | None = None,
    limit: int = 100,
) -> list[WebhookDeliveryRow]:
    query = select(WebhookDeliveryRow)
    if subscription_id is not None:
        query = query.where(WebhookDeliveryRow.subscription_id == subscription_id)
    if status is not None:
        query = query.where(WebhookDeliveryRow.status == status)
    query = query.order_by(WebhookDeliveryRow.created_at.desc(), WebhookDeliveryRow.id.desc())
    return list(session.scalars(query.limit(limit)))


def delivery_counts(session: Session) -> dict[tuple[int, str], int]:
    """Number of deliveries per (subscription, status)."""
    rows = session.execute(
        select(
            WebhookDeliveryRow.subscription_id, WebhookDeliveryRow.status, func.count()
        ).group_by(WebhookDeliveryRow.subscription_id, WebhookDeliveryRow.status)
    )
    return {(int(s), str(st)): int(n) for s, st, n in rows}


# --- e-mail ---


def add_notification_emails(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    session.add_all([NotificationEmailRow(**values) for values in rows])
    session.flush()


def due_emails(session: Session, now: datetime, limit: int) -> list[NotificationEmailRow]:
    query = (
        select(NotificationEmailRow)
        .where(
            NotificationEmailRow.status == "pending", NotificationEmailRow.next_attempt_at <= now
        )
        .order_by(NotificationEmailRow.next_attempt_at, NotificationEmailRow.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def email_rows(
    session: Session, *, status: str | None = None, limit: int = 100
) -> list[NotificationEmailRow]:
    query = select(NotificationEmailRow)
    if status is not None:
        query = query.where(NotificationEmailRow.status == status)
    query = query.order_by(NotificationEmailRow.id.desc())
    return list(session.scalars(query.limit(limit)))


def claim_due(
    session: Session,
    row_class: type[WebhookDeliveryRow] | type[NotificationEmailRow],
    row_id: int,
    now: datetime,
    lease_until: datetime,
) -> bool:
    """Take one due row for this worker: push its next attempt to ``lease_until`` unless
    another worker already did (then False). A worker that dies mid-send leaves the row
    pending, due again when the lease ends."""
    result = session.execute(
        update(row_class)
        .where(
            row_class.id == row_id,
            row_class.status == "pending",
            row_class.next_attempt_at <= now,
        )
        .values(next_attempt_at=lease_until)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
