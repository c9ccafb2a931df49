"""Bounces against a real SMTP server on localhost (aiosmtpd): a permanent refusal at
send and a delivery status notification (RFC 3464) read back through the VERP envelope
sender or the X-Manyi-Invitation header mark the invitation bounced, and that address is
not mailed again (issue #10, point 4)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_surveys_email import add_customer, one_question_survey
from test_surveys_email import settings_for as email_settings

from factories import make_user_token
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.errors import InvalidInput
from manyi.storage.database import Database
from manyi.storage.tables import CustomerRow, InvitationRow
from manyi.surveys.bounces import ingest_dsn, invitation_tag
from manyi.surveys.email import SmtpTransport, send_invitation_email


class Inbox:
    """Keeps (envelope sender, message); refuses RCPT or DATA when told to."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bytes]] = []
        self.refuse_rcpt: str | None = None
        self.refuse_data: str | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_data:
            return self.refuse_data
        self.received.append((envelope.mail_from, envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def settings_for(tmp_path: Path, port: int) -> Settings:
    return email_settings(tmp_path, port, smtp_bounce_address="bounces@example.com")


def set_email(db: Database, external_id: str, email: str) -> None:
    with db.session() as s:
        row = s.scalars(select(CustomerRow).where(CustomerRow.external_id == external_id)).one()
        row.email = email


def email_states(db: Database) -> list[str]:
    with db.session() as s:
        return [row.meta["email"]["state"] for row in s.scalars(select(InvitationRow))]


def dsn(
    *,
    to: str,
    action: str = "failed",
    status: str = "5.1.1",
    returned: str = "",
    report_type: str = "message/delivery-status",
) -> bytes:
    return f"""From: MAILER-DAEMON@mx.example.net
To: {to}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain; charset=utf-8

Your message could not be delivered.

--B
Content-Type: {report_type}

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; lilei@example.com
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 {status} user unknown

--B
Content-Type: text/rfc822-headers

From: Survey <survey@example.com>
To: lilei@example.com
{returned}
--B--
""".replace("\n", "\r\n").encode()


def test_a_permanent_refusal_at_send_is_a_bounce(
    db: Database, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    transport = SmtpTransport(settings)
    first, second, third = (one_question_survey(db) for _ in range(3))
    add_customer(db, "C-1", "gone@example.com")
    inbox.refuse_rcpt = "550 5.1.1 no such user"
    bounced = send_invitation_email(db, first, "C-1", settings=settings, transport=transport)
    assert bounced.status == "bounced"  # returned, not raised: a retry cannot help
    assert "550 5.1.1 no such user" in bounced.reason
    assert email_states(db) == ["bounced"]
    inbox.refuse_rcpt = None
    # The address is not mailed again, for any survey.
    skipped = send_invitation_email(db, second, "C-1", settings=settings, transport=transport)
    assert skipped.status == "skipped" and "bounced" in skipped.reason
    assert inbox.received == []
    # A refusal at DATA with 5xx is a bounce too; a new address is tried.
    set_email(db, "C-1", "new@example.com")
    inbox.refuse_data = "554 5.2.1 mailbox disabled"
    assert (
        send_invitation_email(db, second, "C-1", settings=settings, transport=transport).status
        == "bounced"
    )
    inbox.refuse_data = None
    set_email(db, "C-1", "newest@example.com")
    sent = send_invitation_email(db, third, "C-1", settings=settings, transport=transport)
    assert sent.status == "sent"
    assert len(inbox.received) == 1


def test_a_dsn_through_the_verp_address_marks_the_bounce(
    db: Database, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    transport = SmtpTransport(settings)
    survey_id, other = one_question_survey(db), one_question_survey(db)
    add_customer(db, "C-1", "lilei@example.com")
    sent = send_invitation_email(db, survey_id, "C-1", settings=settings, transport=transport)
    assert sent.status == "sent" and sent.invitation_id is not None
    envelope, raw = inbox.received[0]
    tag = invitation_tag(sent.invitation_id, settings.secret_key)
    assert envelope == f"bounces+{tag}@example.com"
    assert f"X-Manyi-Invitation: {tag}" in raw.decode()

    # A delay report changes nothing.
    delayed = ingest_dsn(
        db, dsn(to=envelope, action="delayed", status="4.4.1"), secret=settings.secret_key
    )
    assert (delayed.status, delayed.invitation_id) == ("ignored", sent.invitation_id)
    assert email_states(db) == ["sent"]
    result = ingest_dsn(db, dsn(to=envelope), secret=settings.secret_key)
    assert (result.status, result.invitation_id) == ("bounced", sent.invitation_id)
    assert result.reason == "5.1.1 smtp; 550 5.1.1 user unknown"
    assert email_states(db) == ["bounced"]
    skipped = send_invitation_email(db, other, "C-1", settings=settings, transport=transport)
    assert skipped.status == "skipped" and "5.1.1" in skipped.reason
    assert len(inbox.received) == 1


def test_a_dsn_found_by_the_returned_header(
    sqlite_db: Database, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    _inbox, port = smtp
    settings = settings_for(tmp_path, port)
    transport = SmtpTransport(settings)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "lilei@example.com")
    sent = send_invitation_email(
        sqlite_db, survey_id, "C-1", settings=settings, transport=transport
    )
    assert sent.invitation_id is not None
    tag = invitation_tag(sent.invitation_id, settings.secret_key)
    # The report went to the plain bounce mailbox; the returned headers name the invitation.
    report = dsn(to="bounces@example.com", returned=f"X-Manyi-Invitation: {tag}")
    assert ingest_dsn(sqlite_db, report, secret=settings.secret_key).status == "bounced"

    # Forged, or not a DSN: refused with a reason, nothing marked.
    number, _ = tag.split("-")
    forged = dsn(to=f"bounces+{number}-0123456789@example.com")
    with pytest.raises(InvalidInput, match="names no invitation of ours"):
        ingest_dsn(sqlite_db, forged, secret=settings.secret_key)
    with pytest.raises(InvalidInput, match="names no invitation of ours"):
        ingest_dsn(sqlite_db, dsn(to=f"bounces+{tag}@example.com"), secret="another secret")
    with pytest.raises(InvalidInput, match="not a delivery status notification"):
        ingest_dsn(
            sqlite_db,
            dsn(to=f"bounces+{tag}@example.com", report_type="text/plain"),
            secret=settings.secret_key,
        )
    with pytest.raises(InvalidInput, match="empty"):
        ingest_dsn(sqlite_db, b"", secret=settings.secret_key)


def test_the_bounce_api(sqlite_db: Database, tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "lilei@example.com")
    sent = send_invitation_email(
        sqlite_db, survey_id, "C-1", settings=settings, transport=SmtpTransport(settings)
    )
    client = TestClient(create_app(settings, sqlite_db))
    admin = {
        "Authorization": f"Bearer {make_user_token(sqlite_db)}",
        "Content-Type": "message/rfc822",
    }
    envelope = inbox.received[0][0]
    answer = client.post("/api/v1/email/bounces", content=dsn(to=envelope), headers=admin)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "status": "bounced",
        "invitation_id": sent.invitation_id,
        "reason": "5.1.1 smtp; 550 5.1.1 user unknown",
    }
    bad = client.post("/api/v1/email/bounces", content=b"hello", headers=admin)
    assert bad.status_code == 422 and "RFC 3464" in bad.json()["error"]
    viewer = {"Authorization": f"Bearer {make_user_token(sqlite_db, Role.VIEWER, 'v@example.com')}"}
    assert (
        client.post("/api/v1/email/bounces", content=dsn(to=envelope), headers=viewer).status_code
        == 403
    )
    assert client.post("/api/v1/email/bounces", content=dsn(to=envelope)).status_code == 401
