"""E-mail invitations against a real SMTP server on localhost (aiosmtpd): the received
message holds a working single-use link, the second use is refused politely, opted-out
and uncontactable customers are skipped, a refusing server is a ChannelError, nothing is
sent twice and the job retries (issue #10, point 4)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from huey import MemoryHuey
from sqlalchemy import select

from factories import make_survey, make_user_token, survey_definition
from manyi.app import create_app
from manyi.config import Settings
from manyi.domain.enums import Role
from manyi.errors import ChannelError, InvalidInput, NotFound
from manyi.jobs.queue import build_queue
from manyi.storage.database import Database
from manyi.storage.tables import CustomerRow, InvitationRow, ResponseRow
from manyi.surveys.email import SmtpTransport, opt_out, render_invitation, send_invitation_email


class Inbox:
    """aiosmtpd handler that keeps every message, or refuses with ``refuse``."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.refuse: str | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse
        self.messages.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def settings_for(tmp_path: Path, port: int, **extra: Any) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="Survey <survey@example.com>",
        public_base_url="https://survey.example.com",
        **extra,
    )


def add_customer(
    db: Database, external_id: str, email: str | None, *, consent: bool = True, name: str = ""
) -> None:
    with db.session() as s:
        s.add(
            CustomerRow(
                external_id=external_id, email=email, consent_contact=consent, name=name or None
            )
        )


def one_question_survey(db: Database) -> int:
    return make_survey(db, questions=survey_definition()["questions"][:1]).id


def received(inbox: Inbox, index: int = -1) -> EmailMessage:
    message = message_from_bytes(inbox.messages[index], policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def links_in(message: EmailMessage) -> tuple[str, str]:
    """(survey link, opt-out link) of the plain-text part, as paths for the TestClient."""
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    survey = re.search(r"https://survey\.example\.com(/s/\d+\?invite=[\w.-]+)", text)
    stop = re.search(r"https://survey\.example\.com(/s/\d+/opt-out\?invite=[\w.-]+)", text)
    assert survey and stop, text
    return survey.group(1), stop.group(1)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "the form carries its CSRF token"
    return found.group(1)


@pytest.mark.parametrize(
    ("lang", "subject", "greeting"),
    [("en", "Your opinion on", "Dear Li Lei,"), ("zh-CN", "邀请您参与调查", "李雷，您好")],
)
def test_received_link_answers_once(
    db: Database,
    tmp_path: Path,
    smtp: tuple[Inbox, int],
    lang: str,
    subject: str,
    greeting: str,
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    survey_id = one_question_survey(db)
    add_customer(db, "C-1", "lilei@example.com", name="Li Lei" if lang == "en" else "李雷")

    sent = send_invitation_email(
        db, survey_id, "C-1", settings=settings, transport=SmtpTransport(settings), language=lang
    )
    assert sent.status == "sent" and sent.invitation_id is not None
    assert len(inbox.messages) == 1
    message = received(inbox)
    assert message["To"] == "lilei@example.com"
    assert message["From"] == "Survey <survey@example.com>"
    assert str(message["Subject"]).startswith(subject)
    assert message["Message-ID"] == sent.message_id
    html = message.get_body(("html",))
    assert html is not None and greeting in html.get_content()
    link, stop = links_in(message)
    assert message["List-Unsubscribe"] == f"<https://survey.example.com{stop}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    client = TestClient(create_app(settings, db))
    form = client.get(link + "&lang=en")
    assert form.status_code == 200
    done = client.post(link, data={"csrf": csrf_of(form.text), "q.nps": "9"})
    assert done.status_code == 200 and "Thank you" in done.text
    with db.session() as s:
        response = s.scalars(select(ResponseRow)).one()
        assert response.answers == {"nps": 9}
        invitation = s.get(InvitationRow, sent.invitation_id)
        assert invitation is not None and invitation.response_id == response.id
        assert invitation.meta["email"]["state"] == "sent"

    # The second use, from another browser: refused politely, nothing more stored.
    again = TestClient(create_app(settings, db)).get(link + "&lang=en")
    assert again.status_code == 409
    assert "already answered" in again.text
    with db.session() as s:
        assert len(s.scalars(select(ResponseRow)).all()) == 1


def test_nothing_is_sent_twice(
    sqlite_db: Database, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "a@example.com")
    transport = SmtpTransport(settings)
    first = send_invitation_email(
        sqlite_db, survey_id, "C-1", settings=settings, transport=transport
    )
    second = send_invitation_email(
        sqlite_db, survey_id, "C-1", settings=settings, transport=transport
    )
    assert first.status == "sent"
    assert second.status == "skipped"
    assert "already e-mailed this survey" in second.reason
    assert len(inbox.messages) == 1
    # The default language is the installation's (zh-CN).
    assert str(received(inbox)["Subject"]).startswith("邀请您参与调查")
    # Another survey is another invitation.
    other = one_question_survey(sqlite_db)
    assert (
        send_invitation_email(
            sqlite_db, other, "C-1", settings=settings, transport=transport
        ).status
        == "sent"
    )
    assert len(inbox.messages) == 2


def test_opt_out_then_a_second_send_is_skipped(
    sqlite_db: Database, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    transport = SmtpTransport(settings)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "a@example.com")
    send_invitation_email(sqlite_db, survey_id, "C-1", settings=settings, transport=transport)
    _, stop = links_in(received(inbox))
    token = stop.split("invite=", 1)[1]
    assert opt_out(sqlite_db, survey_id, token) == "C-1"
    with sqlite_db.session() as s:
        customer = s.scalars(select(CustomerRow)).one()
        assert customer.consent_contact is False
    # Even another survey is not sent to a customer who opted out.
    other = one_question_survey(sqlite_db)
    skipped = send_invitation_email(sqlite_db, other, "C-1", settings=settings, transport=transport)
    assert skipped.status == "skipped"
    assert "opted out" in skipped.reason
    assert len(inbox.messages) == 1
    # A token that is not ours, or of another survey, opts nobody out.
    with pytest.raises(InvalidInput, match="not valid"):
        opt_out(sqlite_db, survey_id, token[:-2] + "xx")
    with pytest.raises(InvalidInput, match="not valid"):
        opt_out(sqlite_db, other, token)


def test_uncontactable_customers_are_skipped_with_a_reason(
    sqlite_db: Database, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    transport = SmtpTransport(settings)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "no-mail", None)
    add_customer(sqlite_db, "no-consent", "b@example.com", consent=False)
    add_customer(sqlite_db, "bad-mail", "a@example.com\nBcc: x@evil.example")
    no_mail = send_invitation_email(
        sqlite_db, survey_id, "no-mail", settings=settings, transport=transport
    )
    assert (no_mail.status, no_mail.reason) == ("skipped", "the customer has no e-mail address")
    no_consent = send_invitation_email(
        sqlite_db, survey_id, "no-consent", settings=settings, transport=transport
    )
    assert no_consent.status == "skipped" and "not agreed to be contacted" in no_consent.reason
    bad = send_invitation_email(
        sqlite_db, survey_id, "bad-mail", settings=settings, transport=transport
    )
    assert bad.status == "skipped" and "is not valid" in bad.reason
    with pytest.raises(NotFound, match="no customer with external id 'ghost'"):
        send_invitation_email(sqlite_db, survey_id, "ghost", settings=settings, transport=transport)
    with pytest.raises(InvalidInput, match="zh-CN or en"):
        send_invitation_email(
            sqlite_db, survey_id, "no-mail", settings=settings, transport=transport, language="fr"
        )
    assert inbox.messages == []
    with sqlite_db.session() as s:
        assert s.scalars(select(InvitationRow)).all() == []


def test_a_refusing_server_is_a_channel_error_and_a_retry_sends(
    sqlite_db: Database, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    transport = SmtpTransport(settings)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "a@example.com")
    # A temporary (4xx) refusal; a permanent one (5xx) is a bounce
    # (tests/surveys/test_surveys_bounces.py).
    inbox.refuse = "451 4.3.0 try again later"
    with pytest.raises(ChannelError, match=r"refused the message: 451 4\.3\.0 try again later"):
        send_invitation_email(sqlite_db, survey_id, "C-1", settings=settings, transport=transport)
    with sqlite_db.session() as s:
        failed = s.scalars(select(InvitationRow)).one()
        assert failed.meta["email"]["state"] == "failed"
        assert "451" in failed.meta["email"]["error"]
    inbox.refuse = None
    retry = send_invitation_email(
        sqlite_db, survey_id, "C-1", settings=settings, transport=transport
    )
    assert retry.status == "sent"
    assert len(inbox.messages) == 1


def test_no_server_is_a_channel_error(sqlite_db: Database, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, _free_port())  # nothing listens there
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "a@example.com")
    with pytest.raises(ChannelError, match=r"could not send through the mail server 127\.0\.0\.1"):
        send_invitation_email(
            sqlite_db, survey_id, "C-1", settings=settings, transport=SmtpTransport(settings)
        )


class FlakyTransport:
    """Fails ``failures`` times, then delivers."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        if self.failures:
            self.failures -= 1
            raise ChannelError("the mail server 127.0.0.1:25 refused the message: 451 try later")
        self.sent.append(message)


def test_the_job_retries_and_sends_once(sqlite_db: Database, tmp_path: Path) -> None:
    settings = Settings(environment="test", data_dir=tmp_path)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "a@example.com")
    transport = FlakyTransport(failures=2)
    queue = build_queue(
        settings, sqlite_db, huey=MemoryHuey("test", immediate=True), mail_transport=transport
    )
    task = queue.send_email
    assert task is not None
    job = task.s(survey_id, "C-1", "en")
    assert (job.retries, job.retry_delay) == (3, 120)
    for _ in range(2):
        with pytest.raises(ChannelError, match="451 try later"):
            task.call_local(survey_id, "C-1", "en")
    assert task.call_local(survey_id, "C-1", "en") == "sent"
    # A job enqueued again later finds the send recorded and skips.
    assert task.call_local(survey_id, "C-1", "en") == "skipped"
    assert len(transport.sent) == 1
    with sqlite_db.session() as s:
        states = [row.meta["email"]["state"] for row in s.scalars(select(InvitationRow))]
    assert states == ["failed", "failed", "sent"]


def test_render_escapes_the_html_but_not_the_text() -> None:
    subject, text, html = render_invitation(
        "en",
        title="<b>Repair</b> & service",
        link="https://x/s/1?invite=a",
        opt_out_link="https://x/s/1/opt-out?invite=a",
        expires=None,
    )
    assert subject == "Your opinion on <b>Repair</b> & service"
    assert '"<b>Repair</b> & service"' in text
    assert "&lt;b&gt;Repair&lt;/b&gt; &amp; service" in html


def test_api_queues_the_sends(sqlite_db: Database, tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "a@example.com")
    add_customer(sqlite_db, "C-2", None)
    # An immediate queue runs each task as it is queued, through the real SMTP server.
    queue = build_queue(settings, sqlite_db, huey=MemoryHuey("api", immediate=True))
    client = TestClient(create_app(settings, sqlite_db, queue=queue))
    admin = {"Authorization": f"Bearer {make_user_token(sqlite_db)}"}
    url = f"/api/v1/surveys/{survey_id}/invitations/email"
    answer = client.post(
        url, json={"customers": ["C-1", "C-2", "C-1"], "language": "en"}, headers=admin
    )
    assert answer.status_code == 202, answer.text
    assert answer.json() == {"survey_id": survey_id, "queued": ["C-1", "C-2"]}
    assert len(inbox.messages) == 1  # C-2 has no e-mail address
    assert str(received(inbox)["Subject"]).startswith("Your opinion on")
    assert client.post(url, json={"customers": ["C-1"]}, headers=admin).status_code == 202
    assert len(inbox.messages) == 1  # never twice
    assert client.post(url, json={"customers": []}, headers=admin).status_code == 422
    unknown = client.post(
        "/api/v1/surveys/999/invitations/email", json={"customers": ["C-1"]}, headers=admin
    )
    assert unknown.status_code == 404
    viewer = {"Authorization": f"Bearer {make_user_token(sqlite_db, Role.VIEWER, 'v@example.com')}"}
    assert client.post(url, json={"customers": ["C-1"]}, headers=viewer).status_code == 403
