"""A report's content is the dashboard's: the PDF's text holds the numbers of
``build_overview`` for the same period and department, in Chinese; the HTML is one
self-contained document; department scoping and hostile names (issue #11)."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader
from test_reporting_reports_pdf import pdf_text

from factories import HOSTILE_DEPARTMENT, make_report_data
from manyi.domain.scope import EVERYTHING, DepartmentScope
from manyi.enrichment.service import enrich_pending
from manyi.errors import NotAllowed, NotFound
from manyi.i18n import format_number, format_percent
from manyi.reporting.dashboard import DashboardFilters, build_overview
from manyi.reporting.reports import make_report
from manyi.storage.database import Database

NOW = datetime(2026, 12, 5, 9, 0)


def test_the_pdf_shows_the_dashboards_numbers_in_chinese(db: Database) -> None:
    make_report_data(db)
    enrich_pending(db)
    report = make_report(db, scope=EVERYTHING, department="LOG", period="2026-11", now=NOW)
    overview = build_overview(
        db,
        DashboardFilters(
            start=date(2026, 11, 1), end=date(2026, 11, 30), preset="custom", department="LOG"
        ),
    )
    text = pdf_text(report.pdf)
    assert "月度报告：物流配送部" in text
    assert "净推荐值" in text and "满意度" in text
    assert "2026年11月1日 – 2026年11月30日" in text
    nps = overview.metric("nps")
    csat = overview.metric("csat")
    assert nps is not None and csat is not None and nps.value is not None
    assert nps.n == 10, "LOG's ten November answers"
    for number in (nps.value, nps.low, nps.high, nps.previous):
        assert format_number(number, "zh-CN", nps.digits) in text, number
    assert format_number(nps.change, "zh-CN", nps.digits, signed=True) in text
    for share in (csat.value, csat.low, csat.high, csat.previous):
        assert share is not None
        assert format_percent(share / 100, "zh-CN", csat.digits) in text, share
    assert f"{format_number(overview.responses.total, 'zh-CN')}" in text
    # The themes and a quote of each, as the dashboard found them.
    assert overview.themes, "the enriched comments give themes"
    for theme in overview.themes[:3]:
        assert theme.name_zh in text
    assert "送货太慢了" in text


class Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.th_without_scope = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        for name in ("src", "href"):
            if values.get(name):
                self.urls.append(str(values[name]))
        if tag == "th" and "scope" not in values:
            self.th_without_scope += 1


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_html_is_one_self_contained_accessible_document(db: Database, lang: str) -> None:
    make_report_data(db)
    report = make_report(db, scope=EVERYTHING, period="2026-11", language=lang, pdf=False, now=NOW)
    page = Structure()
    page.feed(report.html)
    assert page.tags.count("h1") == 1
    assert page.urls == [], "no link, image or stylesheet to fetch"
    assert "script" not in page.tags
    assert page.th_without_scope == 0
    assert page.tags.count("svg") >= 1
    assert re.search(r'<svg[^>]+role="img" aria-label="[^"]+"', report.html)
    assert f'<html lang="{lang}">' in report.html
    title = "月度报告：全公司" if lang == "zh-CN" else "Monthly report: whole company"
    assert f"<title>{title}</title>" in report.html
    assert "Noto Sans CJK SC" in report.html


def test_the_executive_report_is_one_page(db: Database) -> None:
    make_report_data(db)
    enrich_pending(db)
    report = make_report(db, scope=EVERYTHING, period="2026-11", kind="executive", now=NOW)
    assert len(PdfReader(io.BytesIO(report.pdf)).pages) == 1
    assert "管理层月度摘要：全公司" in pdf_text(report.pdf)


def test_a_hostile_department_name_is_escaped(db: Database) -> None:
    make_report_data(db)
    report = make_report(db, scope=EVERYTHING, department="EVIL", period="2026-11", now=NOW)
    assert HOSTILE_DEPARTMENT not in report.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;恶意部" in report.html
    assert 'alert("x")' in pdf_text(report.pdf), "the name is shown as the text it is"


def test_reports_stay_within_the_users_departments(db: Database) -> None:
    make_report_data(db)
    report = make_report(db, scope=EVERYTHING, department="LOG", period="2026-11", pdf=False)
    log_id = report.target.department_id
    assert log_id is not None
    only_log = DepartmentScope(frozenset({log_id}))
    assert make_report(db, scope=only_log, department="LOG", period="2026-11", pdf=False)
    with pytest.raises(NotFound):
        make_report(db, scope=only_log, department="EVIL", period="2026-11", pdf=False)
    with pytest.raises(NotAllowed):
        make_report(db, scope=only_log, period="2026-11", pdf=False)
