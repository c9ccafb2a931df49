"""Sending what :func:`manyi.workflow.notifications.queue_notification` stored.

:func:`deliver_due` is the job (every minute): each due webhook delivery is POSTed with a
fresh signature, each due e-mail handed to the mail transport. A failure (no answer, a
non-2xx status, a refusing mail server) is logged on the row (attempts, last error,
response code) and tried again after 1, 2, 4, 8 and 16 minutes; after the sixth failed
attempt the row is ``failed``, the admins get an inbox item, and the webhook admin page
shows it. A permanent mail refusal (5xx) fails at once. The clock is a parameter so the
tests walk through the back-off without waiting.

:func:`queue_daily_digests` (once a day) gathers each user's unread inbox items of the
last day that no digest has listed yet into one e-mail.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from manyi.config import Settings
from manyi.errors import ChannelError
from manyi.storage.database import Database
from manyi.storage.notifications import (
    active_user_addresses,
    active_user_ids_with_role,
    add_inbox_items,
    add_notification_emails,
    claim_due,
    due_emails,
    due_webhook_deliveries,
    mark_digested,
    subscription_row,
    undigested_rows,
    webhook_delivery_row,
)
from manyi.storage.tables import NotificationEmailRow, WebhookDeliveryRow
from manyi.storage.types import utcnow
from manyi.surveys.email import MailBounced, MailTransport
from manyi.workflow.webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    WebhookTransport,
    sign,
)

log = logging.getLogger("manyi.workflow.delivery")
#: Attempts before a delivery is given up and shown as failed.
MAX_ATTEMPTS = 6
#: Wait after the first failure; doubled after each further one (1, 2, 4, 8, 16 minutes).
FIRST_RETRY = timedelta(minutes=1)
#: How long a worker holds a row it is sending (a crash makes it due again after this).
LEASE = timedelta(minutes=5)
BATCH = 200
#: The last error kept on a row.
ERROR_MAX = 1000


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next attempt after ``attempts`` failed ones (exponential back-off)."""
    return FIRST_RETRY * int(2 ** (attempts - 1))


@dataclass
class DeliveryRun:
    webhooks_delivered: int = 0
    webhooks_retrying: int = 0
    webhooks_failed: int = 0
    emails_sent: int = 0
    emails_retrying: int = 0
    emails_failed: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            self.webhooks_delivered
            + self.webhooks_retrying
            + self.webhooks_failed
            + self.emails_sent
            + self.emails_retrying
            + self.emails_failed
        )


def deliver_due(
    db: Database,
    *,
    webhooks: WebhookTransport,
    mail: MailTransport,
    settings: Settings,
    now: datetime | None = None,
    clock: Clock | None = None,
) -> DeliveryRun:
    """Send every webhook delivery and e-mail due at ``now`` (default: the clock)."""
    clock = clock or Clock()
    now = now or clock.now()
    run = DeliveryRun()
    with db.session() as s:
        webhook_ids = [r.id for r in due_webhook_deliveries(s, now, BATCH)]
        email_ids = [r.id for r in due_emails(s, now, BATCH)]
    for delivery_id in webhook_ids:
        _deliver_webhook(db, delivery_id, webhooks, now, clock, run)
    for email_id in email_ids:
        _send_email(db, email_id, mail, settings, now, run)
    return run


class Clock:
    """Wall-clock time for the signature (Unix seconds) and the naive-UTC row times."""

    def now(self) -> datetime:
        return utcnow()

    def unix(self) -> int:
        return int(time.time())


def _deliver_webhook(
    db: Database,
    delivery_id: int,
    transport: WebhookTransport,
    now: datetime,
    clock: Clock,
    run: DeliveryRun,
) -> None:
    with db.session() as s:
        if not claim_due(s, WebhookDeliveryRow, delivery_id, now, now + LEASE):
            return  # another worker took it
        row = webhook_delivery_row(s, delivery_id)
        subscription = subscription_row(s, row.subscription_id) if row else None
        if row is None or subscription is None:
            return
        url, secret, body, event = subscription.url, subscription.secret, row.body, row.event
    payload = body.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "manyi-webhooks/1",
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(delivery_id),
        SIGNATURE_HEADER: sign(secret, clock.unix(), payload),
    }
    code: int | None = None
    error: str | None = None
    try:
        code = transport.post(url, payload, headers)
        if not 200 <= code < 300:
            error = f"the receiver answered HTTP {code}"
    except ChannelError as failure:
        error = failure.message
    with db.session() as s:
        row = webhook_delivery_row(s, delivery_id)
        if row is None:
            return
        row.attempts += 1
        row.response_code = code
        if error is None:
            row.status, row.delivered_at, row.next_attempt_at = "delivered", now, None
            row.last_error = None
            run.webhooks_delivered += 1
            return
        row.last_error = error[:ERROR_MAX]
        if row.attempts < MAX_ATTEMPTS:
            row.next_attempt_at = now + retry_delay(row.attempts)
            run.webhooks_retrying += 1
            return
        row.status, row.next_attempt_at = "failed", None
        run.webhooks_failed += 1
        run.failures.append(f"webhook delivery {delivery_id} to {url}: {error}")
        log.warning("webhook delivery %s to %s failed for good: %s", delivery_id, url, error)
        # The admins see it in their inbox (not by webhook or e-mail: those may be the
        # channel that is down, and a failure must not notify itself in a loop).
        admins = active_user_ids_with_role(s, ["admin"])
        add_inbox_items(
            s,
            admins,
            {
                "event": "webhook-failed",
                "subject_kind": "webhook",
                "subject_id": row.subscription_id,
                "title": f"Webhook delivery failed after {MAX_ATTEMPTS} attempts: {url}"[:300],
                "body": f"{event} (delivery {delivery_id}): {error}",
                "payload": {"delivery_id": delivery_id, "event": event},
                "created_at": now,
            },
        )


def compose_email(settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.rsplit("@", 1)[-1].strip("> "))
    inbox = settings.public_base_url.rstrip("/") + "/inbox"
    message.set_content(f"{body}\n\n—\nmanyi 满意: {inbox}\n")
    return message


def _send_email(
    db: Database,
    email_id: int,
    transport: MailTransport,
    settings: Settings,
    now: datetime,
    run: DeliveryRun,
) -> None:
    with db.session() as s:
        if not claim_due(s, NotificationEmailRow, email_id, now, now + LEASE):
            return
        row = s.get(NotificationEmailRow, email_id)
        if row is None:
            return
        message = compose_email(settings, row.to_address, row.subject, row.body)
    error: str | None = None
    permanent = False
    try:
        transport.send(message)
    except MailBounced as failure:
        error, permanent = failure.message, True
    except ChannelError as failure:
        error = failure.message
    with db.session() as s:
        row = s.get(NotificationEmailRow, email_id)
        if row is None:
            return
        row.attempts += 1
        if error is None:
            row.status, row.sent_at, row.next_attempt_at, row.last_error = "sent", now, None, None
            run.emails_sent += 1
            return
        row.last_error = error[:ERROR_MAX]
        if not permanent and row.attempts < MAX_ATTEMPTS:
            row.next_attempt_at = now + retry_delay(row.attempts)
            run.emails_retrying += 1
            return
        row.status, row.next_attempt_at = "failed", None
        run.emails_failed += 1
        run.failures.append(f"e-mail {email_id} to {row.to_address}: {error}")


def queue_daily_digests(db: Database, *, now: datetime | None = None) -> int:
    """Queue one digest e-mail per user with unread, undigested items of the last 24 hours.

    Items are marked digested in the same transaction, so a second run sends nothing new.
    The text is bilingual (users have no stored language). Returns the number of e-mails.
    """
    now = now or utcnow()
    with db.session() as s:
        rows = undigested_rows(s, now - timedelta(days=1))
        by_user: dict[int, list[tuple[int, str, datetime]]] = {}
        for row in rows:
            by_user.setdefault(row.user_id, []).append((row.id, row.title, row.created_at))
        addresses = active_user_addresses(s, list(by_user))
        emails = []
        for user_id, items in by_user.items():
            if user_id not in addresses:
                continue
            lines = [f"- {at:%Y-%m-%d %H:%M} UTC  {title}" for _, title, at in items]
            emails.append(
                {
                    "user_id": user_id,
                    "to_address": addresses[user_id],
                    "kind": "digest",
                    "subject": f"manyi 每日摘要 Daily digest: {len(items)} 条未读 unread",
                    "body": "您有以下未读通知 / Your unread notifications:\n\n" + "\n".join(lines),
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
            )
        add_notification_emails(s, emails)
        mark_digested(s, [i for u in by_user for i, _, _ in by_user[u] if u in addresses], now)
        return len(emails)
