"""Notifications: one call stores an event for every channel, in the caller's transaction.

:func:`queue_notification` writes, in the session of the change it announces, an in-app
inbox item per user, an e-mail per user with an address, and one webhook delivery per
active subscription to the event. Nothing leaves the process here: the delivery job
(:mod:`manyi.workflow.delivery`) sends the e-mails and webhooks after the commit, with
retries, so a rolled-back change announces nothing and a receiver that is down delays a
notification without failing (or losing) the change itself.

The inbox side (:func:`inbox`, :func:`unread_count`, :func:`mark_read`) serves the
``/inbox`` page and ``/api/v1/inbox``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from manyi.errors import InvalidInput
from manyi.storage.database import Database
from manyi.storage.notifications import (
    active_user_addresses,
    add_inbox_items,
    add_notification_emails,
    add_webhook_delivery,
    count_inbox,
    existing_user_ids,
    inbox_rows,
    mark_inbox_read,
    subscription_rows,
)
from manyi.storage.tables import InboxItemRow
from manyi.storage.types import utcnow
from manyi.workflow.webhooks import check_events, subscribes_to

#: Longest title kept (the inbox column and an e-mail subject line).
TITLE_MAX = 300


@dataclass(frozen=True)
class InboxItem:
    id: int
    event: str
    subject_kind: str
    subject_id: int
    title: str
    body: str
    payload: dict[str, Any]
    created_at: datetime
    read_at: datetime | None

    @property
    def link(self) -> str | None:
        """The page of the subject, where manyi has one."""
        pages = {"case": "/cases/{}", "plan": "/plans/{}", "webhook": "/admin/webhooks"}
        template = pages.get(self.subject_kind)
        return template.format(self.subject_id) if template else None

    @classmethod
    def from_row(cls, row: InboxItemRow) -> InboxItem:
        return cls(
            id=row.id,
            event=row.event,
            subject_kind=row.subject_kind,
            subject_id=row.subject_id,
            title=row.title,
            body=row.body,
            payload=dict(row.payload or {}),
            created_at=row.created_at,
            read_at=row.read_at,
        )


def event_body(
    *,
    event_id: str,
    event: str,
    subject_kind: str,
    subject_id: int,
    title: str,
    body: str,
    payload: dict[str, Any],
    at: datetime,
) -> str:
    """The JSON text a webhook receives (signed as is; keys sorted, UTF-8, no spaces)."""
    document = {
        "id": event_id,
        "event": event,
        "created_at": at.isoformat(timespec="seconds") + "Z",
        "subject": {"kind": subject_kind, "id": subject_id},
        "title": title,
        "body": body,
        "data": payload,
    }
    return json.dumps(
        document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )


def queue_notification(
    session: Session,
    *,
    event: str,
    subject_kind: str,
    subject_id: int,
    user_ids: list[int],
    title: str,
    body: str,
    payload: dict[str, Any],
    at: datetime | None = None,
    email: bool = True,
) -> None:
    """Store the notification of ``event`` for every channel in ``session`` (not committed).

    ``user_ids`` get an inbox item and (``email=True``) an e-mail; unknown ids are
    refused, duplicates collapse. Every active webhook subscription to ``event`` gets a
    delivery whose body :func:`event_body` fixes now. ``payload`` must be JSON-serialisable.
    """
    check_events([event])
    if event == "*":
        raise InvalidInput('"*" subscribes to every event; it is not an event name')
    title = " ".join(title.split())[:TITLE_MAX]
    if not title:
        raise InvalidInput("a notification needs a title")
    try:
        json.dumps(payload)
    except (TypeError, ValueError) as error:
        raise InvalidInput(f"the notification payload is not JSON: {error}") from error
    at = at or utcnow()
    users = sorted(set(user_ids))
    unknown = set(users) - existing_user_ids(session, users)
    if unknown:
        raise InvalidInput(f"no user with id {', '.join(map(str, sorted(unknown)))}")
    add_inbox_items(
        session,
        users,
        {
            "event": event,
            "subject_kind": subject_kind,
            "subject_id": subject_id,
            "title": title,
            "body": body,
            "payload": payload,
            "created_at": at,
        },
    )
    if email:
        addresses = active_user_addresses(session, users)
        add_notification_emails(
            session,
            [
                {
                    "user_id": user_id,
                    "to_address": address,
                    "kind": "event",
                    "subject": title,
                    "body": body,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": at,
                    "created_at": at,
                }
                for user_id, address in addresses.items()
            ],
        )
    text = event_body(
        event_id=uuid.uuid4().hex,
        event=event,
        subject_kind=subject_kind,
        subject_id=subject_id,
        title=title,
        body=body,
        payload=payload,
        at=at,
    )
    for subscription in subscription_rows(session, active_only=True):
        if subscribes_to(subscription.events, event):
            add_webhook_delivery(
                session,
                {
                    "subscription_id": subscription.id,
                    "event": event,
                    "subject_kind": subject_kind,
                    "subject_id": subject_id,
                    "body": text,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": at,
                    "created_at": at,
                },
            )


def notify(db: Database, **kwargs: Any) -> None:
    """:func:`queue_notification` in a transaction of its own."""
    with db.session() as s:
        queue_notification(s, **kwargs)


def inbox(
    db: Database, user_id: int, *, unread_only: bool = False, limit: int = 50, offset: int = 0
) -> list[InboxItem]:
    if not 1 <= limit <= 500 or offset < 0:
        raise InvalidInput("limit must be 1–500 and offset 0 or more")
    with db.session() as s:
        rows = inbox_rows(s, user_id, unread_only=unread_only, limit=limit, offset=offset)
        return [InboxItem.from_row(r) for r in rows]


def unread_count(db: Database, user_id: int) -> int:
    with db.session() as s:
        return count_inbox(s, user_id, unread_only=True)


def inbox_total(db: Database, user_id: int) -> int:
    with db.session() as s:
        return count_inbox(s, user_id, unread_only=False)


def mark_read(
    db: Database, user_id: int, item_ids: Sequence[int] | None = None, *, at: datetime | None = None
) -> int:
    """Mark the user's items read (``None``: all); another user's ids change nothing."""
    with db.session() as s:
        return mark_inbox_read(s, user_id, item_ids, at or utcnow())
