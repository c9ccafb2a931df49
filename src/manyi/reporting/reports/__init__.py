"""Weekly and monthly reports of the company or one department, in HTML and PDF, their
schedules and the job that e-mails them (docs/reports.md).

- :func:`make_report`: one report (or the one-page executive summary) for a user's scope;
- :mod:`.schedules`: schedules, runs and :func:`send_due_reports` (the job);
- :mod:`.content` reads the numbers from the overview dashboard's computation;
- the closed loop (cases, plans) comes from a :class:`CaseSummaryProvider` that each entry
  point passes in (``manyi.workflow.report_loop``: the workflow sits above this service).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from manyi.domain.scope import DepartmentScope
from manyi.reporting.reports.build import (
    KINDS,
    RenderedReport,
    ReportRequest,
    ReportTarget,
    render_report,
)
from manyi.reporting.reports.model import CaseSummary, CaseSummaryProvider
from manyi.reporting.reports.periods import FREQUENCIES, ReportPeriod, parse_period
from manyi.storage.database import Database
from manyi.storage.reports import department_rows
from manyi.storage.types import as_utc_naive, utcnow

__all__ = [
    "FREQUENCIES",
    "KINDS",
    "CaseSummary",
    "CaseSummaryProvider",
    "RenderedReport",
    "ReportPeriod",
    "ReportTarget",
    "make_report",
    "report_departments",
    "reports_folder",
]


def reports_folder(data_dir: Path) -> Path:
    """Where the job keeps the PDFs it sent (``<data_dir>/reports``)."""
    return data_dir / "reports"


def make_report(
    db: Database,
    *,
    scope: DepartmentScope,
    department: str | None = None,
    period: str = "month",
    language: str = "zh-CN",
    kind: str = "report",
    pdf: bool = True,
    now: datetime | None = None,
    cases: CaseSummaryProvider | None = None,
) -> RenderedReport:
    """One report for a user who sees ``scope``: ``department`` a code (None: the
    company), ``period`` ``week``/``month`` (the last complete one), ``YYYY-MM`` or
    ``YYYY-Www``; ``kind`` ``report`` or ``executive``; ``cases`` the closed loop's summary
    (``manyi.workflow.report_loop.report_loop_provider``; None: no closed-loop section).

    InvalidInput for a bad period, language or kind; NotFound for a department the user
    does not see; NotAllowed for a company report by a department-scoped user."""
    at = as_utc_naive(now) if now else utcnow()
    request = ReportRequest(department, parse_period(period, at), language, kind)
    return render_report(db, request, scope=scope, now=at, pdf=pdf, cases=cases)


def report_departments(db: Database, scope: DepartmentScope) -> list[ReportTarget]:
    """The departments a user may make reports of, by code."""
    with db.session() as s:
        return [ReportTarget.of(row) for row in department_rows(s, scope.department_ids)]
