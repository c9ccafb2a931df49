"""Webhooks: subscriptions, the signed request, and the HTTP transport.

Every delivery is a ``POST`` of one JSON event to the subscription's URL with::

    Content-Type: application/json
    X-Manyi-Event: case-opened
    X-Manyi-Delivery: 42                     (the same on every retry of this delivery)
    X-Manyi-Signature: t=1767225600,v1=5257a869e7…

``v1`` is the hex HMAC-SHA256 of ``f"{t}.{body}"`` under the subscription's secret, where
``t`` is the Unix time of the attempt and ``body`` the raw request body (the scheme of
Stripe's ``Stripe-Signature``). A receiver recomputes it over the bytes it received,
compares in constant time and refuses a ``t`` older than a few minutes (replay).
:func:`verify_signature` is a reference implementation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from manyi.errors import ChannelError, Conflict, InvalidInput, NotFound
from manyi.storage.audit import add_audit_entry
from manyi.storage.database import Database
from manyi.storage.notifications import (
    delete_subscription,
    delivery_counts,
    delivery_rows,
    insert_subscription,
    subscription_row,
    subscription_rows,
    webhook_delivery_row,
)
from manyi.storage.tables import WebhookDeliveryRow, WebhookSubscriptionRow
from manyi.storage.types import utcnow

SIGNATURE_HEADER = "X-Manyi-Signature"
EVENT_HEADER = "X-Manyi-Event"
DELIVERY_HEADER = "X-Manyi-Delivery"
#: Events a subscription may name ("*" = all of them). Cases are H7's events.
EVENTS = (
    "case-opened",
    "case-assigned",
    "case-escalated",
    "case-resolved",
    "case-reopened",
    "case-closed",
    "plan-created",
    "plan-status-changed",
    "plan-milestone-done",
)
#: Accept any event name of this shape too: services add events without a change here.
_EVENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Manyi-Signature`` header value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify_signature(
    secret: str, header: str, body: bytes, *, now: int, tolerance_s: int = 300
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` at most ``tolerance_s`` ago."""
    parts: dict[str, list[str]] = {}
    for piece in header.split(","):
        key, _, value = piece.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = sign(secret, timestamp, body).rsplit("v1=", 1)[1]
    return any(hmac.compare_digest(expected, given) for given in parts.get("v1", []))


class WebhookTransport(Protocol):
    """POSTs one body; returns the HTTP status, raises ChannelError without an answer."""

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int: ...


class HttpxTransport:
    """The default transport: one httpx request per attempt, no redirects followed (a
    redirect is not a delivery), a short timeout so one slow receiver cannot hold the job."""

    def __init__(self, *, timeout_s: float = 10.0, transport: httpx.BaseTransport | None = None):
        self.timeout_s = timeout_s
        self.transport = transport

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        try:
            with httpx.Client(timeout=self.timeout_s, transport=self.transport) as client:
                return client.post(url, content=body, headers=headers).status_code
        except httpx.HTTPError as error:
            raise ChannelError(f"{type(error).__name__}: {error}") from error


@dataclass(frozen=True)
class Subscription:
    id: int
    url: str
    events: list[str]
    active: bool
    description: str
    created_at: datetime
    delivered: int
    pending: int
    failed: int

    @classmethod
    def from_row(
        cls, row: WebhookSubscriptionRow, counts: dict[tuple[int, str], int]
    ) -> Subscription:
        return cls(
            id=row.id,
            url=row.url,
            events=[str(e) for e in row.events],
            active=row.active,
            description=row.description,
            created_at=row.created_at,
            delivered=counts.get((row.id, "delivered"), 0),
            pending=counts.get((row.id, "pending"), 0),
            failed=counts.get((row.id, "failed"), 0),
        )


@dataclass(frozen=True)
class Delivery:
    id: int
    subscription_id: int
    event: str
    subject_kind: str
    subject_id: int
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    response_code: int | None
    created_at: datetime
    delivered_at: datetime | None

    @classmethod
    def from_row(cls, row: WebhookDeliveryRow) -> Delivery:
        return cls(
            id=row.id,
            subscription_id=row.subscription_id,
            event=row.event,
            subject_kind=row.subject_kind,
            subject_id=row.subject_id,
            status=row.status,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_error=row.last_error,
            response_code=row.response_code,
            created_at=row.created_at,
            delivered_at=row.delivered_at,
        )


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("the webhook URL must be an http:// or https:// address with a host")
    if len(url) > 1000:
        raise InvalidInput("the webhook URL is longer than 1000 characters")
    return url


def check_events(events: Sequence[str]) -> list[str]:
    cleaned = sorted({e.strip() for e in events if e.strip()})
    if not cleaned:
        raise InvalidInput('name at least one event, or "*" for all')
    for event in cleaned:
        if event != "*" and (not set(event) <= _EVENT_CHARS or len(event) > 64):
            raise InvalidInput(f"{event!r} is not an event name (lower-case words and hyphens)")
    return cleaned


def subscribes_to(events: Sequence[str], event: str) -> bool:
    return "*" in events or event in events


def list_subscriptions(db: Database) -> list[Subscription]:
    with db.session() as s:
        counts = delivery_counts(s)
        return [Subscription.from_row(r, counts) for r in subscription_rows(s)]


def create_subscription(
    db: Database,
    *,
    url: str,
    events: Sequence[str],
    description: str = "",
    active: bool = True,
    secret: str | None = None,
    actor_user_id: int | None = None,
) -> tuple[Subscription, str]:
    """Add a subscription; returns it with its signing secret (shown once to the admin)."""
    secret = secret or "whsec_" + secrets.token_urlsafe(32)
    if len(secret) < 16:
        raise InvalidInput("the signing secret must be at least 16 characters long")
    with db.session() as s:
        row = insert_subscription(
            s,
            {
                "url": check_url(url),
                "secret": secret,
                "events": check_events(events),
                "active": active,
                "description": description.strip()[:300],
                "created_by": actor_user_id,
                "created_at": utcnow(),
            },
        )
        add_audit_entry(
            s,
            action="webhook.create",
            subject_kind="webhook",
            subject_id=row.id,
            detail={"url": row.url, "events": row.events, "active": row.active},
            actor_user_id=actor_user_id,
        )
        return Subscription.from_row(row, {}), secret


def update_subscription(
    db: Database,
    subscription_id: int,
    *,
    active: bool | None = None,
    events: Sequence[str] | None = None,
    url: str | None = None,
    actor_user_id: int | None = None,
) -> Subscription:
    with db.session() as s:
        row = subscription_row(s, subscription_id)
        if row is None:
            raise NotFound(f"webhook subscription {subscription_id} does not exist")
        changes: dict[str, object] = {}
        if active is not None:
            row.active = changes["active"] = active
        if events is not None:
            row.events = check_events(events)
            changes["events"] = row.events
        if url is not None:
            row.url = changes["url"] = check_url(url)
        add_audit_entry(
            s,
            action="webhook.update",
            subject_kind="webhook",
            subject_id=subscription_id,
            detail=changes,
            actor_user_id=actor_user_id,
        )
        s.flush()
        return Subscription.from_row(row, delivery_counts(s))


def remove_subscription(
    db: Database, subscription_id: int, *, actor_user_id: int | None = None
) -> None:
    with db.session() as s:
        if not delete_subscription(s, subscription_id):
            raise NotFound(f"webhook subscription {subscription_id} does not exist")
        add_audit_entry(
            s,
            action="webhook.delete",
            subject_kind="webhook",
            subject_id=subscription_id,
            actor_user_id=actor_user_id,
        )


def list_deliveries(
    db: Database, *, subscription_id: int | None = None, status: str | None = None, limit: int = 100
) -> list[Delivery]:
    if status is not None and status not in ("pending", "delivered", "failed"):
        raise InvalidInput("status must be pending, delivered or failed")
    with db.session() as s:
        rows = delivery_rows(s, subscription_id=subscription_id, status=status, limit=limit)
        return [Delivery.from_row(r) for r in rows]


def retry_delivery(
    db: Database, delivery_id: int, *, actor_user_id: int | None = None, at: datetime | None = None
) -> Delivery:
    """Give a failed delivery one more attempt at the next run of the delivery job (after
    the receiver was fixed); a further failure marks it failed again."""
    with db.session() as s:
        row = webhook_delivery_row(s, delivery_id)
        if row is None:
            raise NotFound(f"webhook delivery {delivery_id} does not exist")
        if row.status != "failed":
            raise Conflict(f"delivery {delivery_id} is {row.status}; only failed ones are retried")
        row.status, row.next_attempt_at = "pending", at or utcnow()
        add_audit_entry(
            s,
            action="webhook.retry",
            subject_kind="webhook",
            subject_id=row.subscription_id,
            detail={"delivery_id": delivery_id},
            actor_user_id=actor_user_id,
        )
        s.flush()
        return Delivery.from_row(row)
