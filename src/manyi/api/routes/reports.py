"""Reports as files: the one-page executive summary and the full report of a period, as
PDF or HTML, of the company or one department the caller sees (docs/reports.md)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from manyi.accounts.scope import department_scope
from manyi.accounts.service import User
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, requires
from manyi.reporting.reports import make_report
from manyi.workflow.report_loop import report_loop_provider

router = APIRouter(tags=["reports"])

PERIOD_PATTERN = r"^(week|month|\d{4}-\d{2}|\d{4}-W\d{2})$"
_DESCRIPTIONS = {
    "department": "department code (left out: the whole company, for a user who sees every department)",
    "period": "week or month (the last complete one), YYYY-MM or YYYY-Www (ISO week)",
}


@router.get(
    "/reports/{kind}",
    summary="A report of one period as PDF or HTML",
    response_class=Response,
    responses={
        200: {
            "content": {"application/pdf": {}, "text/html": {}},
            "description": "the report file",
        }
    },
)
def get_report(
    db: DbDep,
    user: Annotated[User, requires(Permission.VIEW_REPORTS)],
    kind: Literal["executive", "report"],
    fmt: Annotated[Literal["pdf", "html"], Query(alias="format")] = "pdf",
    department: Annotated[
        str | None, Query(max_length=64, description=_DESCRIPTIONS["department"])
    ] = None,
    period: Annotated[
        str, Query(pattern=PERIOD_PATTERN, description=_DESCRIPTIONS["period"])
    ] = "month",
    lang: Annotated[Literal["zh-CN", "en"], Query(description="the report's language")] = "zh-CN",
) -> Response:
    """``executive``: the one-page summary; ``report``: the full report. A department the
    caller does not see is 404, a company report by a department-scoped caller 403. The
    report shows the closed loop (cases and improvement plans) of the department's subtree."""
    report = make_report(
        db,
        scope=department_scope(db, user),
        department=department or None,
        period=period,
        language=lang,
        kind=kind,
        pdf=fmt == "pdf",
        cases=report_loop_provider(db),
    )
    if fmt == "html":
        return HTMLResponse(report.html)
    return Response(
        report.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(report.filename)}"},
    )
