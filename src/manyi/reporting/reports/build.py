"""Make one report: the company or one department, one week or month, zh-CN or English,
the full report or the one-page executive summary, as HTML and PDF.

The numbers come from the overview dashboard's one computation
(:func:`manyi.reporting.dashboard.build_overview`, through
:mod:`manyi.reporting.reports.content`); this module finds the department the caller may
see, renders the templates and the PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from manyi.domain.scope import DepartmentScope
from manyi.errors import InvalidInput, NotAllowed, NotFound
from manyi.i18n import LANGUAGES, format_date
from manyi.reporting.reports.periods import ReportPeriod
from manyi.reporting.reports.texts import text
from manyi.storage.database import Database
from manyi.storage.reports import department_by_code

if TYPE_CHECKING:
    from manyi.reporting.reports.model import CaseSummaryProvider, ReportContent
    from manyi.storage.tables import DepartmentRow

#: "report": the full report; "executive": the one-page summary.
KINDS = ("report", "executive")
_CODE = re.compile(r"[A-Za-z0-9_.-]{1,64}")


@dataclass(frozen=True)
class ReportTarget:
    """What a report covers: the company (no department) or one department."""

    department_id: int | None = None
    code: str | None = None
    name_zh: str = ""
    name_en: str = ""

    @classmethod
    def of(cls, row: DepartmentRow | None) -> ReportTarget:
        if row is None:
            return cls()
        return cls(row.id, row.code, row.name_zh, row.name_en)

    def name(self, lang: str) -> str:
        if self.department_id is None:
            return text("company", lang)
        if lang == "en":
            return self.name_en or self.name_zh or self.code or ""
        return self.name_zh or self.name_en or self.code or ""


@dataclass(frozen=True)
class ReportRequest:
    department: str | None
    period: ReportPeriod
    language: str = "zh-CN"
    kind: str = "report"


@dataclass(frozen=True)
class RenderedReport:
    title: str
    language: str
    target: ReportTarget
    period: ReportPeriod
    content: ReportContent
    html: str
    pdf: bytes

    @property
    def period_text(self) -> str:
        return period_text(self.period, self.language)

    @property
    def filename(self) -> str:
        scope = self.target.code or "company"
        kind = "executive" if self.content.kind == "executive" else "report"
        return f"manyi-{kind}-{scope}-{self.period.label}.pdf"


def period_text(period: ReportPeriod, lang: str) -> str:
    return f"{format_date(period.start.date(), lang)} – {format_date(period.last_day, lang)}"


def report_target(db: Database, department: str | None, scope: DepartmentScope) -> ReportTarget:
    """The department of code ``department`` (None: the company), if the user sees it.

    A department outside the scope is NotFound, as one that does not exist (its existence
    is not leaked); a company report needs a user who sees every department.
    """
    if department is None or not department.strip():
        if not scope.unrestricted:
            raise NotAllowed(
                "you see only some departments: make a report of one of your departments"
            )
        return ReportTarget()
    code = department.strip()
    if not _CODE.fullmatch(code):
        raise InvalidInput(f"not a department code: {department[:80]!r}")
    with db.session() as s:
        row = department_by_code(s, code)
        if row is None or not scope.allows(row.id):
            raise NotFound(f"no department with code {code!r}")
        return ReportTarget.of(row)


def render_report(
    db: Database,
    request: ReportRequest,
    *,
    scope: DepartmentScope,
    now: datetime | None = None,
    pdf: bool = True,
    cases: CaseSummaryProvider | None = None,
) -> RenderedReport:
    """The report of ``request`` as HTML and (with ``pdf``) PDF bytes; ``cases`` fills
    the closed-loop section (None: the report has none).

    InvalidInput for a language or kind we do not make; NotFound / NotAllowed as
    :func:`report_target`."""
    # Imported here: content reads the dashboard, html the templates (both heavier).
    from manyi.reporting.reports.content import report_content
    from manyi.reporting.reports.html import render_html
    from manyi.reporting.reports.pdf import html_to_pdf

    if request.language not in LANGUAGES:
        raise InvalidInput(f"a report is in zh-CN or en, not {request.language!r}")
    if request.kind not in KINDS:
        raise InvalidInput(f"a report is one of {', '.join(KINDS)}, not {request.kind!r}")
    target = report_target(db, request.department, scope)
    lang = request.language
    content = report_content(
        db,
        target,
        request.period,
        kind=request.kind,
        scope=scope,
        language=lang,
        now=now,
        cases=cases,
    )
    title_key = (
        f"{'executive' if request.kind == 'executive' else 'report'}_{request.period.frequency}"
    )
    title = text(title_key, lang, scope=target.name(lang))
    html = render_html(content, title=title, target=target, language=lang)
    return RenderedReport(
        title=title,
        language=lang,
        target=target,
        period=request.period,
        content=content,
        html=html,
        pdf=html_to_pdf(html) if pdf else b"",
    )
