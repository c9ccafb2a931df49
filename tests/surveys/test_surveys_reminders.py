"""E-mail reminders against a real SMTP server on localhost (aiosmtpd): the same personal
link again after N days, at most M times, never after an answer, an opt-out or a bounce,
never twice on one day, once when two runs race (issue #10, point 4)."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from fastapi.testclient import TestClient
from huey import MemoryHuey
from sqlalchemy import select
from test_surveys_email import (  # the aiosmtpd fixture and helpers of the e-mail tests
    Inbox,
    add_customer,
    one_question_survey,
    settings_for,
    smtp,  # noqa: F401 - a fixture
)

from factories import make_user_token
from manyi.app import create_app
from manyi.domain.enums import Role
from manyi.jobs.queue import build_queue
from manyi.storage.database import Database
from manyi.storage.tables import InvitationRow
from manyi.surveys.bounces import record_bounce
from manyi.surveys.email import SmtpTransport, opt_out, send_invitation_email
from manyi.surveys.reminders import send_reminders


def message(inbox: Inbox, index: int) -> EmailMessage:
    parsed = message_from_bytes(inbox.messages[index], policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def link_of(parsed: EmailMessage) -> str:
    body = parsed.get_body(("plain",))
    assert body is not None
    found = re.search(r"https://survey\.example\.com(/s/\d+\?invite=[\w.-]+)", body.get_content())
    assert found
    return found.group(1)


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def test_reminders_repeat_the_link_at_most_max_times(
    db: Database,
    tmp_path: Path,
    smtp: tuple[Inbox, int],  # noqa: F811 - the imported fixture
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port, reminder_after_days=3, reminder_max=2)
    transport = SmtpTransport(settings)
    survey_id = one_question_survey(db)
    add_customer(db, "C-1", "a@example.com")
    sent = send_invitation_email(
        db, survey_id, "C-1", settings=settings, transport=transport, language="en"
    )
    assert sent.status == "sent"
    start = now()

    def run(days: float) -> int:
        return send_reminders(
            db, settings=settings, transport=transport, now=start + timedelta(days=days)
        ).sent

    assert run(1) == 0  # not yet due
    assert run(3.01) == 1
    first = message(inbox, 1)
    assert str(first["Subject"]).startswith("Reminder: your opinion on")
    assert link_of(first) == link_of(message(inbox, 0))  # the same single-use link
    assert first["X-Manyi-Invitation"] == message(inbox, 0)["X-Manyi-Invitation"]
    assert run(3.02) == 0  # never twice on one day
    assert run(5) == 0  # three days after the last reminder, not after the invitation
    assert run(6.05) == 1
    assert run(20) == 0  # at most two
    assert len(inbox.messages) == 3
    with db.session() as s:
        email = s.scalars(select(InvitationRow)).one().meta["email"]
    assert email["state"] == "sent" and email["reminder_state"] == "sent"
    assert len(email["reminders"]) == 2


def test_reminder_in_chinese_and_the_answered_get_none(
    sqlite_db: Database,
    tmp_path: Path,
    smtp: tuple[Inbox, int],  # noqa: F811 - the imported fixture
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    transport = SmtpTransport(settings)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "answers", "a@example.com")
    add_customer(sqlite_db, "waits", "b@example.com")
    for customer in ("answers", "waits"):
        send_invitation_email(
            sqlite_db, survey_id, customer, settings=settings, transport=transport
        )
    client = TestClient(create_app(settings, sqlite_db))
    link = link_of(message(inbox, 0))
    form = client.get(link)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text)
    assert csrf
    assert client.post(link, data={"csrf": csrf.group(1), "q.nps": "10"}).status_code == 200
    run = send_reminders(
        sqlite_db, settings=settings, transport=transport, now=now() + timedelta(days=4)
    )
    assert run.sent == 1
    reminder = message(inbox, 2)
    assert reminder["To"] == "b@example.com"
    assert str(reminder["Subject"]).startswith("提醒：邀请您参与调查")
    html = reminder.get_body(("html",))
    assert html is not None and "与上次相同的个人链接" in html.get_content()


def test_no_reminder_after_opt_out_or_bounce(
    sqlite_db: Database,
    tmp_path: Path,
    smtp: tuple[Inbox, int],  # noqa: F811 - the imported fixture
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    transport = SmtpTransport(settings)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "stops", "a@example.com")
    add_customer(sqlite_db, "bounces", "b@example.com")
    stop = send_invitation_email(
        sqlite_db, survey_id, "stops", settings=settings, transport=transport
    )
    bounce = send_invitation_email(
        sqlite_db, survey_id, "bounces", settings=settings, transport=transport
    )
    token = link_of(message(inbox, 0)).split("invite=", 1)[1]
    assert opt_out(sqlite_db, survey_id, token) == "stops"
    assert bounce.invitation_id is not None and stop.invitation_id is not None
    assert record_bounce(sqlite_db, bounce.invitation_id, "5.1.1 user unknown")
    run = send_reminders(
        sqlite_db, settings=settings, transport=transport, now=now() + timedelta(days=10)
    )
    assert (run.sent, run.skipped) == (0, {"opted out or no consent": 1})
    assert len(inbox.messages) == 2


def test_a_failed_reminder_is_tried_on_the_next_run(
    sqlite_db: Database,
    tmp_path: Path,
    smtp: tuple[Inbox, int],  # noqa: F811 - the imported fixture
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    transport = SmtpTransport(settings)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "a@example.com")
    send_invitation_email(sqlite_db, survey_id, "C-1", settings=settings, transport=transport)
    later = now() + timedelta(days=4)
    inbox.refuse = "451 4.3.0 try again later"
    run = send_reminders(sqlite_db, settings=settings, transport=transport, now=later)
    assert (run.sent, run.failed) == (0, 1)
    inbox.refuse = None
    run = send_reminders(sqlite_db, settings=settings, transport=transport, now=later)
    assert (run.sent, run.failed) == (1, 0)
    # A permanent refusal of a reminder is a bounce: no more mail to that address.
    inbox.refuse = "550 5.1.1 mailbox gone"
    run = send_reminders(
        sqlite_db, settings=settings, transport=transport, now=later + timedelta(days=4)
    )
    assert run.bounced == 1
    with sqlite_db.session() as s:
        email = s.scalars(select(InvitationRow)).one().meta["email"]
    assert email["state"] == "bounced" and "550" in email["bounce"]
    assert len(email["reminders"]) == 1


def test_two_runs_at_once_remind_once(
    db: Database,
    tmp_path: Path,
    smtp: tuple[Inbox, int],  # noqa: F811 - the imported fixture
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    transport = SmtpTransport(settings)
    survey_id = one_question_survey(db)
    add_customer(db, "C-1", "a@example.com")
    send_invitation_email(db, survey_id, "C-1", settings=settings, transport=transport)
    later = now() + timedelta(days=4)
    sent: list[int] = []
    errors: list[BaseException] = []

    def remind() -> None:
        try:
            sent.append(send_reminders(db, settings=settings, transport=transport, now=later).sent)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=remind) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(sent) == 1
    assert len(inbox.messages) == 2


def test_the_api_and_the_daily_job(
    sqlite_db: Database,
    tmp_path: Path,
    smtp: tuple[Inbox, int],  # noqa: F811 - the imported fixture
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port, reminder_hour_utc=1)
    transport = SmtpTransport(settings)
    survey_id = one_question_survey(sqlite_db)
    add_customer(sqlite_db, "C-1", "a@example.com")
    send_invitation_email(sqlite_db, survey_id, "C-1", settings=settings, transport=transport)
    # The invitation went out five days ago.
    with sqlite_db.session() as s:
        row = s.scalars(select(InvitationRow)).one()
        email = dict(row.meta["email"])
        email["sent_at"] = (now() - timedelta(days=5)).isoformat(timespec="seconds")
        row.meta = {**row.meta, "email": email}
    queue = build_queue(settings, sqlite_db, huey=MemoryHuey("api", immediate=True))
    client = TestClient(create_app(settings, sqlite_db, queue=queue))
    admin = {"Authorization": f"Bearer {make_user_token(sqlite_db)}"}
    url = f"/api/v1/surveys/{survey_id}/invitations/reminders"
    answer = client.post(url, json={"after_days": 4}, headers=admin)
    assert answer.status_code == 202, answer.text
    assert answer.json() == {"survey_id": survey_id, "queued": True}
    assert len(inbox.messages) == 2
    assert client.post(url, json={}, headers=admin).status_code == 202
    assert len(inbox.messages) == 2  # not twice on one day
    assert client.post(url, json={"after_days": 0}, headers=admin).status_code == 422
    assert (
        client.post("/api/v1/surveys/999/invitations/reminders", json={}, headers=admin)
    ).status_code == 404
    viewer = {"Authorization": f"Bearer {make_user_token(sqlite_db, Role.VIEWER, 'v@example.com')}"}
    assert client.post(url, json={}, headers=viewer).status_code == 403
    # The worker's daily sweep runs at MANYI_REMINDER_HOUR_UTC.
    due = {task.name for task in queue.huey.read_periodic(datetime(2030, 1, 1, 1, 7))}
    assert "reminder-sweep" in due
    assert "reminder-sweep" not in {
        task.name for task in queue.huey.read_periodic(datetime(2030, 1, 1, 2, 7))
    }


def test_two_invitation_sends_racing_mail_once(
    db: Database,
    tmp_path: Path,
    smtp: tuple[Inbox, int],  # noqa: F811 - the imported fixture
) -> None:
    # The claim that reminders rely on: one invitation e-mailed per customer and survey,
    # also when sends race (SQLite ignores FOR UPDATE; the claim takes its write lock).
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    survey_id = one_question_survey(db)
    add_customer(db, "C-1", "a@example.com")
    statuses: list[str] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            sent = send_invitation_email(
                db, survey_id, "C-1", settings=settings, transport=SmtpTransport(settings)
            )
            statuses.append(sent.status)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(statuses) == ["sent", "skipped", "skipped", "skipped"]
    assert len(inbox.messages) == 1
