"""Notifications (issue #12, point 6): one call stores inbox items, e-mails and webhook
deliveries in the caller's transaction; the delivery job POSTs signed webhooks to a real
local receiver, retries with exponential back-off on an injected clock, shows a failure
after the last attempt, and sends e-mail through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from factories import Outbox
from manyi.accounts.service import create_user
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.errors import Conflict, InvalidInput
from manyi.storage.database import Database
from manyi.storage.notifications import email_rows
from manyi.surveys.email import SmtpTransport
from manyi.workflow.delivery import MAX_ATTEMPTS, Clock, deliver_due, queue_daily_digests
from manyi.workflow.notifications import inbox, mark_read, notify, queue_notification, unread_count
from manyi.workflow.webhooks import (
    HttpxTransport,
    create_subscription,
    list_deliveries,
    list_subscriptions,
    retry_delivery,
    sign,
    verify_signature,
)
from surveys.test_surveys_email import Inbox, settings_for, smtp  # noqa: F401 - the fixture

T0 = datetime(2026, 12, 1, 9, 0, 0)
SECRET = "whsec_test_secret_0123456789"


class FixedClock(Clock):
    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at

    def unix(self) -> int:
        return int((self.at - datetime(1970, 1, 1)).total_seconds())


class Receiver:
    """A tiny HTTP server in a thread that keeps each request (or answers ``status``)."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                receiver.requests.append((dict(self.headers.items()), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.stop()


def _users(db: Database) -> tuple[int, int]:
    admin = create_user(db, "admin@example.com", "correct horse battery", Role.ADMIN)
    agent = create_user(db, "agent@example.com", "correct horse battery", Role.AGENT)
    return admin.id, agent.id


def _settings(tmp_path: Path) -> Settings:
    return Settings(environment="test", data_dir=tmp_path, smtp_from="manyi <manyi@example.com>")


def test_signature_matches_openssl() -> None:
    # printf '1700000000.{}' | openssl dgst -sha256 -hmac key  (OpenSSL 3, independently)
    header = sign("key", 1700000000, b"{}")
    assert header == (
        "t=1700000000,v1=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
    )
    assert verify_signature("key", header, b"{}", now=1700000100)
    assert not verify_signature("key", header, b"{ }", now=1700000100)
    assert not verify_signature("other", header, b"{}", now=1700000100)
    assert not verify_signature("key", header, b"{}", now=1700000000 + 301)  # replay window
    assert not verify_signature("key", "v1=abc", b"{}", now=1700000000)


def test_queue_notification_stores_every_channel_in_the_callers_transaction(
    db: Database,
) -> None:
    admin, agent = _users(db)
    create_subscription(db, url="https://hooks.example.com/a", events=["case-opened"])
    create_subscription(db, url="https://hooks.example.com/b", events=["plan-created"])
    create_subscription(db, url="https://hooks.example.com/c", events=["*"], active=False)

    def change_that_fails() -> None:
        with db.session() as s:
            queue_notification(
                s, event="case-opened", subject_kind="case", subject_id=7, user_ids=[agent],
                title="New case 7", body="NPS 2", payload={"case_id": 7},
            )  # fmt: skip
            raise RuntimeError("the change is rolled back")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert unread_count(db, agent) == 0 and list_deliveries(db) == []
    with db.session() as s:
        queue_notification(
            s, event="case-opened", subject_kind="case", subject_id=7,
            user_ids=[agent, admin, agent], title="New case 7", body="NPS 2",
            payload={"case_id": 7}, at=T0,
        )  # fmt: skip
    assert unread_count(db, agent) == 1 and unread_count(db, admin) == 1
    items = inbox(db, agent)
    assert items[0].title == "New case 7" and items[0].link == "/cases/7"
    deliveries = list_deliveries(db)
    assert [d.subscription_id for d in deliveries] == [list_subscriptions(db)[0].id]
    with db.session() as s:
        assert sorted(r.to_address for r in email_rows(s)) == [
            "admin@example.com",
            "agent@example.com",
        ]
    assert mark_read(db, admin, [items[0].id]) == 0  # another user's item: unchanged
    assert mark_read(db, agent) == 1 and unread_count(db, agent) == 0


def test_bad_notifications_are_refused(db: Database) -> None:
    _, agent = _users(db)
    with pytest.raises(InvalidInput, match="no user with id 999"):
        notify(db, event="case-opened", subject_kind="case", subject_id=1, user_ids=[999],
               title="x", body="", payload={})  # fmt: skip
    with pytest.raises(InvalidInput, match="not JSON"):
        notify(db, event="case-opened", subject_kind="case", subject_id=1, user_ids=[agent],
               title="x", body="", payload={"at": object()})  # fmt: skip
    with pytest.raises(InvalidInput, match="not an event name"):
        notify(db, event="Case Opened", subject_kind="case", subject_id=1, user_ids=[agent],
               title="x", body="", payload={})  # fmt: skip


def test_webhook_reaches_a_local_receiver_with_a_valid_signature(
    db: Database, receiver: Receiver, tmp_path: Path
) -> None:
    _, agent = _users(db)
    _, secret = create_subscription(db, url=receiver.url, events=["case-opened"], secret=SECRET)
    notify(db, event="case-opened", subject_kind="case", subject_id=7, user_ids=[agent],
           title="新案件 7", body="NPS 2", payload={"case_id": 7, "department": "LOG"}, at=T0)  # fmt: skip
    clock = FixedClock(T0)
    run = deliver_due(db, webhooks=HttpxTransport(), mail=Outbox(), settings=_settings(tmp_path),
                      clock=clock)  # fmt: skip
    assert run.webhooks_delivered == 1 and run.emails_sent == 1
    headers, body = receiver.requests[0]
    assert headers["X-Manyi-Event"] == "case-opened"
    assert verify_signature(secret, headers["X-Manyi-Signature"], body, now=clock.unix())
    event = json.loads(body)
    assert event["subject"] == {"kind": "case", "id": 7}
    assert event["data"] == {"case_id": 7, "department": "LOG"} and event["title"] == "新案件 7"
    (delivery,) = list_deliveries(db)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)
    # Nothing is due any more: a second run sends nothing.
    again = deliver_due(db, webhooks=HttpxTransport(), mail=Outbox(),
                        settings=_settings(tmp_path), clock=FixedClock(T0 + timedelta(hours=1)))  # fmt: skip
    assert again.total == 0 and len(receiver.requests) == 1


def test_receiver_down_retries_with_back_off_then_fails_visibly(
    db: Database, receiver: Receiver, tmp_path: Path
) -> None:
    admin, agent = _users(db)
    create_subscription(db, url=receiver.url, events=["*"], secret=SECRET)
    notify(db, event="case-escalated", subject_kind="case", subject_id=9, user_ids=[agent],
           title="Case 9 escalated", body="", payload={"case_id": 9}, at=T0)  # fmt: skip
    receiver.status = 503
    settings, now, waits = _settings(tmp_path), T0, []
    for _ in range(MAX_ATTEMPTS):
        # Just before the next attempt is due nothing is sent; at the due time it is.
        (pending,) = list_deliveries(db)
        assert pending.status == "pending" and pending.next_attempt_at is not None
        early = deliver_due(db, webhooks=HttpxTransport(), mail=Outbox(), settings=settings,
                            clock=FixedClock(pending.next_attempt_at - timedelta(seconds=1)))  # fmt: skip
        assert early.webhooks_retrying + early.webhooks_failed == 0
        waits.append(pending.next_attempt_at - now)
        now = pending.next_attempt_at
        deliver_due(db, webhooks=HttpxTransport(), mail=Outbox(), settings=settings,
                    clock=FixedClock(now))  # fmt: skip
    assert waits == [timedelta(0)] + [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    (failed,) = list_deliveries(db)
    assert (failed.status, failed.attempts, failed.response_code) == ("failed", MAX_ATTEMPTS, 503)
    assert "HTTP 503" in (failed.last_error or "")
    assert len(receiver.requests) == MAX_ATTEMPTS
    # Every attempt carried the same body and delivery id (the receiver can deduplicate).
    assert len({body for _, body in receiver.requests}) == 1
    assert len({h["X-Manyi-Delivery"] for h, _ in receiver.requests}) == 1
    assert list_subscriptions(db)[0].failed == 1
    # The admins see the failure in their inbox; the agent still has the case notification.
    (alert,) = inbox(db, admin)
    assert alert.event == "webhook-failed" and receiver.url in alert.title
    assert [i.title for i in inbox(db, agent)] == ["Case 9 escalated"]
    # Once the receiver is back, an admin's retry delivers the same event: nothing is lost.
    receiver.status = 200
    assert retry_delivery(db, failed.id, at=now).status == "pending"
    with pytest.raises(Conflict):
        retry_delivery(db, failed.id)  # only failed deliveries are retried
    deliver_due(db, webhooks=HttpxTransport(), mail=Outbox(), settings=settings,
                clock=FixedClock(now + timedelta(hours=1)))  # fmt: skip
    (delivered,) = list_deliveries(db)
    assert (delivered.status, delivered.response_code) == ("delivered", 200)
    assert receiver.requests[-1][1] == receiver.requests[0][1]


def test_unreachable_receiver_is_a_logged_connection_error(db: Database, tmp_path: Path) -> None:
    _, agent = _users(db)
    dead = Receiver()
    url = dead.url
    dead.stop()
    create_subscription(db, url=url, events=["*"], secret=SECRET)
    notify(db, event="case-opened", subject_kind="case", subject_id=1, user_ids=[agent],
           title="t", body="", payload={}, at=T0)  # fmt: skip
    run = deliver_due(db, webhooks=HttpxTransport(timeout_s=2), mail=Outbox(),
                      settings=_settings(tmp_path), clock=FixedClock(T0))  # fmt: skip
    assert run.webhooks_retrying == 1
    (delivery,) = list_deliveries(db)
    assert delivery.response_code is None and "Connect" in (delivery.last_error or "")


def test_email_and_daily_digest_over_real_smtp(
    db: Database,
    smtp: tuple[Inbox, int],  # noqa: F811 - the imported fixture
    tmp_path: Path,
) -> None:
    mailbox, port = smtp
    settings = settings_for(tmp_path, port)
    _, agent = _users(db)
    for n in (1, 2):
        notify(db, event="case-opened", subject_kind="case", subject_id=n, user_ids=[agent],
               title=f"新案件 {n}", body=f"客户 {n} 打了 2 分", payload={}, at=T0)  # fmt: skip
    run = deliver_due(db, webhooks=HttpxTransport(), mail=SmtpTransport(settings),
                      settings=settings, clock=FixedClock(T0))  # fmt: skip
    assert run.emails_sent == 2
    first = message_from_bytes(mailbox.messages[0], policy=policy.default)
    assert first["To"] == "agent@example.com" and first["Subject"] == "新案件 1"
    assert "客户 1 打了 2 分" in first.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert mark_read(db, agent, [inbox(db, agent)[0].id]) == 1  # read: not in the digest
    assert queue_daily_digests(db, now=T0 + timedelta(hours=20)) == 1
    assert queue_daily_digests(db, now=T0 + timedelta(hours=21)) == 0  # each item once
    deliver_due(db, webhooks=HttpxTransport(), mail=SmtpTransport(settings), settings=settings,
                clock=FixedClock(T0 + timedelta(hours=21)))  # fmt: skip
    digest = message_from_bytes(mailbox.messages[-1], policy=policy.default)
    text = digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Daily digest: 1" in digest["Subject"] and "新案件 1" in text and "新案件 2" not in text


def test_refusing_mail_server_retries_then_fails(
    db: Database,
    smtp: tuple[Inbox, int],  # noqa: F811 - the imported fixture
    tmp_path: Path,
) -> None:
    mailbox, port = smtp
    mailbox.refuse = "451 try again later"
    settings = settings_for(tmp_path, port)
    _, agent = _users(db)
    notify(db, event="case-opened", subject_kind="case", subject_id=1, user_ids=[agent],
           title="t", body="b", payload={}, at=T0)  # fmt: skip
    now = T0
    for _ in range(MAX_ATTEMPTS):
        deliver_due(db, webhooks=HttpxTransport(), mail=SmtpTransport(settings),
                    settings=settings, clock=FixedClock(now))  # fmt: skip
        now += timedelta(hours=1)
    with db.session() as s:
        (row,) = email_rows(s)
        assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
        assert "451" in (row.last_error or "")


def test_the_delivery_and_digest_jobs_are_registered_and_run(
    db: Database, receiver: Receiver, tmp_path: Path
) -> None:
    from manyi.jobs.queue import build_queue

    _, agent = _users(db)
    create_subscription(db, url=receiver.url, events=["*"], secret=SECRET)
    notify(db, event="case-opened", subject_kind="case", subject_id=1, user_ids=[agent],
           title="t", body="b", payload={}, at=T0)  # fmt: skip
    outbox = Outbox()
    queue = build_queue(_settings(tmp_path), db, mail_transport=outbox, clock=lambda: T0)
    due = [t for t in queue.huey.read_periodic(T0) if t.name == "notifications-deliver"]
    assert len(due) == 1, "the delivery job is due at any minute"
    assert queue.huey.execute(due[0]) == 2  # one webhook, one e-mail
    assert len(receiver.requests) == 1 and len(outbox.messages) == 1
    digest_time = datetime(2026, 12, 2, 0, 5)
    digests = [t for t in queue.huey.read_periodic(digest_time) if t.name == "notifications-digest"]
    assert len(digests) == 1
    assert [t.name for t in queue.huey.read_periodic(T0) if t.name == "notifications-digest"] == []
