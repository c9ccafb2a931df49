"""The report-schedule job end to end: with an injected clock, a real SMTP server
(aiosmtpd, the e-mail tests' fixture) receives the monthly report once, as a PDF whose
text is the department's Chinese name and 净推荐值 (issue #11)."""

from __future__ import annotations

import io
import sys
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from huey import MemoryHuey
from pypdf import PdfReader

from factories import make_report_data
from manyi.domain.scope import EVERYTHING
from manyi.jobs.queue import build_queue
from manyi.reporting.reports.schedules import ScheduleIn, create_schedule
from manyi.storage.database import Database

sys.path.insert(0, str(Path(__file__).parents[1] / "surveys"))
from test_surveys_email import Inbox, settings_for, smtp

__all__ = ["smtp"]


def _attachments(raw: bytes) -> list[tuple[str, bytes]]:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return [
        (part.get_filename() or "", part.get_content())
        for part in message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]


def test_the_job_mails_the_monthly_pdf_once_per_month(
    db: Database, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    make_report_data(db)
    create_schedule(
        db,
        ScheduleIn("LOG", "monthly", "zh-CN", ["boss@example.com"]),
        scope=EVERYTHING,
        user_id=None,
        actor="test",
        now=datetime(2026, 11, 20),
    )
    clock = [datetime(2026, 11, 30, 23, 50)]
    queue = build_queue(
        settings_for(tmp_path, port), db, huey=MemoryHuey("reports-test"), clock=lambda: clock[0]
    )

    def tick() -> int:
        due = [t for t in queue.huey.read_periodic(clock[0]) if t.name == "report-schedule"]
        assert len(due) == 1, "the job runs every ten minutes"
        return int(queue.huey.execute(due[0]))

    assert tick() == 0 and inbox.messages == [], "November is not over yet"
    clock[0] = datetime(2026, 12, 1, 0, 0)
    assert tick() == 1
    clock[0] = datetime(2026, 12, 1, 0, 10)
    assert tick() == 0, "the same month is not sent twice"
    assert len(inbox.messages) == 1
    message = message_from_bytes(inbox.messages[0], policy=policy.default)
    assert "物流配送部" in str(message["Subject"])
    assert message["To"] == "boss@example.com"
    [(filename, pdf)] = _attachments(inbox.messages[0])
    assert filename == "manyi-report-LOG-2026-11.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "物流配送部" in text
    assert "净推荐值" in text
    assert "工单与改进计划" in text, "the job hands the closed loop to the report"
    assert (tmp_path / "reports" / "run-1.pdf").read_bytes() == pdf

    clock[0] = datetime(2027, 1, 1, 0, 0)
    assert tick() == 1
    assert _attachments(inbox.messages[1])[0][0] == "manyi-report-LOG-2026-12.pdf"
