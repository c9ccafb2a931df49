"""The closed loop in the reports (issue #12 points 3 and 5): with the workflow's provider
the full and the executive report, HTML and PDF, zh-CN and English, show the cases and
improvement plans of the report's department subtree and period; without cases they say
so in one line; the scheduled job passes the provider too."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pypdf import PdfReader
from test_reporting_reports_pdf import pdf_text

from factories import make_report_data
from manyi.accounts.scope import set_department_parent
from manyi.accounts.service import create_department, create_user
from manyi.domain.enums import Role
from manyi.domain.scope import EVERYTHING
from manyi.enrichment.service import enrich_pending
from manyi.i18n import format_number, format_percent, gettext
from manyi.reporting.reports import make_report
from manyi.reporting.reports.schedules import (
    ReportMail,
    ScheduleIn,
    create_schedule,
    send_due_reports,
)
from manyi.storage.database import Database
from manyi.storage.reports import department_by_code
from manyi.workflow.report_loop import report_loop, report_loop_provider
from workflow.report_loop_data import END, NOW, START, add_cases, add_plans


def _loop_data(db: Database) -> tuple[int, int]:
    """The report data (LOG, EVIL) with a department below LOG, cases and plans;
    (LOG's id, the sub-department's id)."""
    make_report_data(db)
    with db.session() as s:
        log, evil = department_by_code(s, "LOG"), department_by_code(s, "EVIL")
        assert log is not None and evil is not None
        log_id, evil_id = log.id, evil.id
    sub = create_department(db, "LOG-N", "物流北区", "Logistics north")
    set_department_parent(db, "LOG-N", "LOG")
    manager = create_user(db, "m@example.com", "correct horse battery", Role.MANAGER)
    add_cases(db, [log_id, sub, evil_id], 60)
    add_plans(db, manager.id, log_id, sub, evil_id)
    return log_id, sub


def test_the_full_report_shows_the_departments_loop_in_chinese(db: Database) -> None:
    log, _sub = _loop_data(db)
    report = make_report(
        db, scope=EVERYTHING, department="LOG", period="2026-11", now=NOW,
        cases=report_loop_provider(db),
    )  # fmt: skip
    loop = report_loop(db, log, START, END, now=NOW)
    assert report.content.cases == loop
    text = pdf_text(report.pdf)
    assert "工单与改进计划" in text
    for title in ("缩短配送时间", "北区加派司机", "北区旧计划"):
        assert title in text, title
    assert "早已完成" not in text and "十二月才开始" not in text
    assert loop.resolution_sla.share is not None
    assert format_percent(loop.resolution_sla.share, "zh-CN", 0) in text
    assert loop.root_causes and loop.root_causes[0].name_zh in text
    assert "首次响应" in text  # the first-response SLA row
    for number in (loop.opened, loop.closed, loop.backlog):
        assert format_number(number, "zh-CN") in report.html


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_html_section_in_both_languages(db: Database, lang: str) -> None:
    _loop_data(db)
    report = make_report(
        db, scope=EVERYTHING, period="2026-11", language=lang, pdf=False, now=NOW,
        cases=report_loop_provider(db),
    )  # fmt: skip
    html = report.html
    loop = report.content.cases
    assert loop is not None and loop.plans_active == 3
    title = "Cases and improvement plans" if lang == "en" else "工单与改进计划"
    assert f"<h2>{title}</h2>" in html
    cause = loop.root_causes[0]
    assert (cause.name_en if lang == "en" else cause.name_zh) in html
    # The plans have no change date yet: their effect is "not measured yet".
    assert gettext(lang, "Not measured yet") in html


def test_without_cases_the_report_says_so(db: Database) -> None:
    make_report_data(db)
    report = make_report(
        db, scope=EVERYTHING, period="2026-11", language="en", pdf=False, now=NOW,
        cases=report_loop_provider(db),
    )  # fmt: skip
    assert "<h2>Cases and improvement plans</h2>" in report.html
    assert "No cases in this period." in report.html
    assert "Cases opened" not in report.html, "no table of zeros"
    # Without a provider there is no section at all.
    bare = make_report(db, scope=EVERYTHING, period="2026-11", language="en", pdf=False, now=NOW)
    assert "Cases and improvement plans" not in bare.html


def test_the_executive_report_with_the_loop_is_one_page(db: Database) -> None:
    _loop_data(db)
    enrich_pending(db)
    report = make_report(
        db, scope=EVERYTHING, period="2026-11", kind="executive", now=NOW,
        cases=report_loop_provider(db),
    )  # fmt: skip
    assert len(PdfReader(io.BytesIO(report.pdf)).pages) == 1
    text = pdf_text(report.pdf)
    assert "工单与改进计划" in text and "缩短配送时间" in text


def test_the_scheduled_report_carries_the_loop(db: Database) -> None:
    _loop_data(db)
    create_schedule(
        db,
        ScheduleIn(department="LOG", frequency="monthly", language="zh-CN",
                   recipients=["boss@example.com"], kind="report"),
        scope=EVERYTHING, user_id=None, actor="test", now=datetime(2026, 11, 20),
    )  # fmt: skip
    sent: list[ReportMail] = []

    def deliver(mail: ReportMail) -> str:
        sent.append(mail)
        return "ok"

    run = send_due_reports(db, deliver=deliver, now=NOW, cases=report_loop_provider(db))
    assert run.sent == 1
    assert "工单与改进计划" in pdf_text(sent[0].pdf)
