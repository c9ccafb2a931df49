"""``/reports``: one-click executive reports, a report of any period, report schedules.

Opening the page and making or downloading a report needs ``Permission.VIEW_REPORTS``;
creating, pausing and resuming schedules ``Permission.MANAGE_REPORTS`` (docs/reports.md).
Every report is of a department the user sees (``manyi.accounts.scope``), or of the
company for a user who sees every department.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from manyi.accounts.scope import department_scope
from manyi.accounts.service import User
from manyi.domain.permissions import Permission, has_permission
from manyi.edge.deps import DbDep, SettingsDep, page_requires
from manyi.errors import InvalidInput
from manyi.reporting.reports import (
    FREQUENCIES,
    KINDS,
    RenderedReport,
    make_report,
    report_departments,
    reports_folder,
)
from manyi.reporting.reports.schedules import (
    ScheduleIn,
    create_schedule,
    list_runs,
    list_schedules,
    run_file,
    set_schedule_paused,
)
from manyi.web.i18n import AUTONYMS
from manyi.web.routes import LangDep, _render
from manyi.web.security import csrf_ok
from manyi.workflow.report_loop import report_loop_provider

router = APIRouter(include_in_schema=False)

Viewer = Annotated[User, page_requires(Permission.VIEW_REPORTS)]
Manager = Annotated[User, page_requires(Permission.MANAGE_REPORTS)]
#: The query text a period may be: week, month, YYYY-MM or YYYY-Www.
PERIOD_PATTERN = r"^(week|month|\d{4}-\d{2}|\d{4}-W\d{2})$"


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, db: DbDep, lang: LangDep, user: Viewer) -> Response:
    scope = department_scope(db, user)
    departments = report_departments(db, scope)
    own = next((d for d in departments if d.department_id == user.department_id), None)
    return _render(
        request,
        "reports.html",
        lang,
        user=user,
        company=scope.unrestricted,
        own=own,
        departments=departments,
        schedules=list_schedules(db, scope),
        runs=list_runs(db, scope),
        may_manage=has_permission(user.role, Permission.MANAGE_REPORTS),
        frequencies=FREQUENCIES,
        kinds=KINDS,
        autonyms=AUTONYMS,
        error=request.query_params.get("error"),
        done=request.query_params.get("done"),
    )


@router.get("/reports/make")
def make(
    db: DbDep,
    lang: LangDep,
    user: Viewer,
    department: Annotated[str | None, Query(max_length=64)] = None,
    period: Annotated[str, Query(pattern=PERIOD_PATTERN)] = "month",
    kind: Literal["report", "executive"] = "executive",
    fmt: Annotated[Literal["pdf", "html"], Query(alias="format")] = "pdf",
    report_lang: Annotated[Literal["zh-CN", "en"] | None, Query(alias="report_lang")] = None,
) -> Response:
    report = make_report(
        db,
        scope=department_scope(db, user),
        department=department or None,
        period=period,
        language=report_lang or lang,
        kind=kind,
        pdf=fmt == "pdf",
        cases=report_loop_provider(db),
    )
    return report_response(report, fmt)


def report_response(report: RenderedReport, fmt: str) -> Response:
    """The report as a PDF download or as the HTML page itself."""
    if fmt == "html":
        return HTMLResponse(report.html)
    return Response(
        report.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(report.filename)}"},
    )


@router.post("/reports/schedules")
def add_schedule(
    request: Request,
    db: DbDep,
    user: Manager,
    frequency: Annotated[str, Form(max_length=16)],
    kind: Annotated[str, Form(max_length=16)],
    report_lang: Annotated[str, Form(max_length=8)],
    recipients: Annotated[str, Form(max_length=20_000)],
    department: Annotated[str, Form(max_length=64)] = "",
    csrf: Annotated[str | None, Form(alias="csrf_token")] = None,
) -> Response:
    if not csrf_ok(request, csrf):
        return _back("csrf")
    data = ScheduleIn(
        department=department or None,
        frequency=frequency,
        language=report_lang,
        recipients=recipients.replace(",", "\n").replace(";", "\n").splitlines(),
        kind=kind,
    )
    try:
        create_schedule(
            db, data, scope=department_scope(db, user), user_id=user.id, actor=user.email
        )
    except InvalidInput as error:
        return _back("input", error.message)
    return RedirectResponse("/reports?done=created#schedules", status_code=303)


@router.post("/reports/schedules/{schedule_id}/{action}")
def pause_or_resume(
    request: Request,
    db: DbDep,
    user: Manager,
    schedule_id: Annotated[int, Path(ge=1, le=2**62)],
    action: Literal["pause", "resume"],
    csrf: Annotated[str | None, Form(alias="csrf_token")] = None,
) -> Response:
    if not csrf_ok(request, csrf):
        return _back("csrf")
    set_schedule_paused(
        db,
        schedule_id,
        action == "pause",
        scope=department_scope(db, user),
        user_id=user.id,
        actor=user.email,
    )
    return RedirectResponse(f"/reports?done={action}#schedules", status_code=303)


@router.get("/reports/runs/{run_id}.pdf")
def run_pdf(
    db: DbDep,
    settings: SettingsDep,
    user: Viewer,
    run_id: Annotated[int, Path(ge=1, le=2**62)],
) -> Response:
    path = run_file(db, reports_folder(settings.data_dir), run_id, department_scope(db, user))
    return FileResponse(path, media_type="application/pdf", filename=path.name)


def _back(error: str, message: str = "") -> Response:
    query = {"error": error, **({"message": message[:300]} if message else {})}
    return RedirectResponse(f"/reports?{urlencode(query)}#schedules", status_code=303)
