"""Report schedules: created within the user's scope, due when the period ends, sent once
per period, retried after a failure, paused (issue #11)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from test_reporting_reports_pdf import pdf_text

from factories import make_report_data
from manyi.domain.scope import EVERYTHING, DepartmentScope
from manyi.errors import ChannelError, InvalidInput, NotAllowed, NotFound
from manyi.reporting.reports.schedules import (
    MAX_ATTEMPTS,
    ReportMail,
    ScheduleIn,
    create_schedule,
    list_runs,
    list_schedules,
    run_file,
    send_due_reports,
    set_schedule_paused,
)
from manyi.storage.database import Database
from manyi.storage.tables import AuditLogRow, DepartmentRow


class Mailbox:
    def __init__(self) -> None:
        self.mails: list[ReportMail] = []
        self.fail = False

    def __call__(self, mail: ReportMail) -> str:
        if self.fail:
            raise ChannelError("the mail server 127.0.0.1:25 is down")
        self.mails.append(mail)
        return "<id@example.com>"


def monthly_log(db: Database, **extra: object) -> int:
    values = {
        "department": "LOG",
        "frequency": "monthly",
        "language": "zh-CN",
        "recipients": ["boss@example.com", " ", "boss@example.com", "ops@example.com"],
    }
    values.update(extra)
    schedule = create_schedule(
        db,
        ScheduleIn(**values),  # type: ignore[arg-type]
        scope=EVERYTHING,
        user_id=None,
        actor="test",
        now=datetime(2026, 11, 15, 9, 0),
    )
    return schedule.id


def test_a_monthly_report_is_sent_once_when_its_month_ends(db: Database, tmp_path: Path) -> None:
    make_report_data(db)
    schedule_id = monthly_log(db)
    [schedule] = list_schedules(db, EVERYTHING)
    assert schedule.next_run_at == datetime(2026, 12, 1)
    assert schedule.recipients == ["boss@example.com", "ops@example.com"]
    box = Mailbox()
    folder = tmp_path / "reports"

    def run(at: datetime) -> int:
        return send_due_reports(db, deliver=box, reports_dir=folder, now=at).sent

    assert run(datetime(2026, 11, 30, 23, 50)) == 0, "November is not over"
    assert run(datetime(2026, 12, 1, 0, 10)) == 1
    assert run(datetime(2026, 12, 1, 0, 20)) == 0, "sent once"
    assert run(datetime(2026, 12, 20)) == 0
    [mail] = box.mails
    assert mail.to == ["boss@example.com", "ops@example.com"]
    assert mail.filename == "manyi-report-LOG-2026-11.pdf"
    assert "物流配送部" in mail.subject
    text = pdf_text(mail.pdf)
    assert "物流配送部" in text and "净推荐值" in text
    assert "2026年11月1日" in text
    [run_row] = list_runs(db, EVERYTHING)
    assert (run_row.status, run_row.attempts, run_row.kept) == ("sent", 1, True)
    assert run_file(db, folder, run_row.id, EVERYTHING).read_bytes() == mail.pdf

    # December's report comes at the start of January, and names December.
    assert run(datetime(2027, 1, 1, 0, 0)) == 1
    assert box.mails[-1].filename.endswith("2026-12.pdf")
    assert len(list_runs(db, EVERYTHING)) == 2
    assert schedule_id == schedule.id


def test_a_job_that_was_down_sends_the_latest_period_only(db: Database) -> None:
    make_report_data(db)
    monthly_log(db, frequency="weekly", kind="executive", language="en")
    box = Mailbox()
    # Due on Monday 2026-11-16; the job comes back three weeks later.
    sent = send_due_reports(db, deliver=box, now=datetime(2026, 12, 9, 12, 0))
    assert sent.sent == 1
    assert box.mails[0].filename == "manyi-executive-LOG-2026-W49.pdf"
    assert "Logistics" in box.mails[0].subject
    [schedule] = list_schedules(db, EVERYTHING)
    assert schedule.next_run_at == datetime(2026, 12, 14)


def test_a_failed_send_is_tried_again_up_to_the_limit(db: Database) -> None:
    make_report_data(db)
    monthly_log(db)
    box = Mailbox()
    box.fail = True
    first = send_due_reports(db, deliver=box, now=datetime(2026, 12, 1, 0, 10))
    assert (first.sent, first.failed) == (0, 1)
    [run] = list_runs(db, EVERYTHING)
    assert run.status == "failed" and "is down" in (run.error or "")
    for _ in range(MAX_ATTEMPTS - 1):
        send_due_reports(db, deliver=box, now=datetime(2026, 12, 1, 0, 20))
    assert list_runs(db, EVERYTHING)[0].attempts == MAX_ATTEMPTS
    assert send_due_reports(db, deliver=box, now=datetime(2026, 12, 1, 1)).failed == 0
    box.fail = False
    assert send_due_reports(db, deliver=box, now=datetime(2026, 12, 1, 2)).sent == 0, (
        "given up after MAX_ATTEMPTS"
    )


def test_a_retry_after_a_failure_sends(db: Database) -> None:
    make_report_data(db)
    monthly_log(db)
    box = Mailbox()
    box.fail = True
    send_due_reports(db, deliver=box, now=datetime(2026, 12, 1, 0, 10))
    box.fail = False
    assert send_due_reports(db, deliver=box, now=datetime(2026, 12, 1, 0, 20)).sent == 1
    [run] = list_runs(db, EVERYTHING)
    assert (run.status, run.attempts) == ("sent", 2)


def test_a_paused_schedule_sends_nothing_and_resumes_with_the_running_period(
    db: Database,
) -> None:
    make_report_data(db)
    schedule_id = monthly_log(db)
    set_schedule_paused(db, schedule_id, True, scope=EVERYTHING, user_id=None, actor="t")
    box = Mailbox()
    assert send_due_reports(db, deliver=box, now=datetime(2026, 12, 1, 0, 10)).sent == 0
    set_schedule_paused(
        db,
        schedule_id,
        False,
        scope=EVERYTHING,
        user_id=None,
        actor="t",
        now=datetime(2026, 12, 10),
    )
    [schedule] = list_schedules(db, EVERYTHING)
    assert schedule.active and schedule.next_run_at == datetime(2027, 1, 1)
    with db.session() as s:
        actions = list(s.scalars(select(AuditLogRow.action).order_by(AuditLogRow.id)))
    assert actions == [
        "report-schedule-created",
        "report-schedule-paused",
        "report-schedule-resumed",
    ]


def test_schedules_stay_within_the_users_departments(db: Database) -> None:
    make_report_data(db)
    with db.session() as s:
        log_id = s.scalar(select(DepartmentRow.id).where(DepartmentRow.code == "LOG"))
    assert log_id is not None
    only_log = DepartmentScope(frozenset({log_id}))
    data = ScheduleIn("LOG", "weekly", "en", ["a@example.com"])
    create_schedule(db, data, scope=only_log, user_id=None, actor="t")
    with pytest.raises(NotFound):
        create_schedule(
            db,
            ScheduleIn("EVIL", "weekly", "en", ["a@example.com"]),
            scope=only_log,
            user_id=None,
            actor="t",
        )
    with pytest.raises(NotAllowed):
        create_schedule(
            db,
            ScheduleIn(None, "weekly", "en", ["a@example.com"]),
            scope=only_log,
            user_id=None,
            actor="t",
        )
    monthly_log(db, department="EVIL")
    monthly_log(db, department=None)
    assert [s.target.code for s in list_schedules(db, only_log)] == ["LOG"]
    assert len(list_schedules(db, EVERYTHING)) == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"frequency": "daily"}, "weekly or monthly"),
        ({"language": "fr"}, "zh-CN or en"),
        ({"kind": "poster"}, "report, executive"),
        ({"recipients": ["boss@example.com", "not an address"]}, "not an e-mail address"),
        ({"recipients": ["", "  "]}, "at least one recipient"),
        ({"recipients": ["x@example.com\nBcc: all@example.com"]}, "not an e-mail address"),
    ],
)
def test_a_bad_schedule_is_refused_with_a_clear_message(
    db: Database, change: dict[str, object], message: str
) -> None:
    make_report_data(db)
    with pytest.raises(InvalidInput, match=message):
        monthly_log(db, **change)
