"""``/dashboard`` (the overview dashboard) and ``/responses`` (the responses behind one of
its numbers). Filters are GET parameters (:mod:`manyi.reporting.dashboard_filters`), so a
URL is shareable; a bad filter value shows its message on the page (400), not an error
500. Charts are inline SVG drawn on the server (no script, no CDN), each with a table of
the same numbers."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from manyi.accounts.scope import department_scope, reader_of
from manyi.accounts.service import User
from manyi.domain.permissions import Permission, has_permission
from manyi.edge.deps import DbDep, page_requires
from manyi.errors import InvalidInput
from manyi.reporting.dashboard import (
    Overview,
    Trend,
    build_overview,
    drill_link,
    grouped,
    parse_filters,
    today,
)
from manyi.reporting.dashboard_filters import GRANULARITIES, PRESETS
from manyi.reporting.drilldown import responses_behind
from manyi.reporting.reports.svg import TrendPoint, trend_chart
from manyi.web.routes import LangDep, _render
from manyi.workflow.loop_summary import LoopSummary, loop_summary

router = APIRouter(include_in_schema=False)

_FORMATS = {"csi": "{:.0f}", "nps": "{:+.0f}", "csat": "{:.0f}%", "ces": "{:.1f}"}


def chart_of(trend: Trend, title: str) -> Any:
    """The trend as inline SVG: values, their 95 % band, marked points ringed."""
    return trend_chart(
        [TrendPoint(p.label, p.value, p.low, p.high, p.marked) for p in trend.points],
        title=title,
        value_format=_FORMATS[trend.key],
        # narrower than the report's chart: its labels stay legible when a phone shrinks it
        width=480,
    )


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Annotated[User, page_requires(Permission.VIEW_DASHBOARD)],
) -> Response:
    params = grouped(request.query_params.multi_items())
    overview: Overview | None = None
    loop: LoopSummary | None = None
    error = None
    try:
        filters = parse_filters(params, today=today())
        overview = build_overview(db, filters, scope=department_scope(db, user))
        if has_permission(user.role, Permission.VIEW_CASES):
            loop = loop_summary(
                db, user, start=filters.start, end=filters.end, department=filters.department
            )
    except InvalidInput as exc:
        error = str(exc)
    return _render(
        request,
        "dashboard.html",
        lang,
        400 if error else 200,
        user=user,
        overview=overview,
        closed_loop=loop,
        error=error,
        params={k: v[0] for k, v in params.items() if v},
        presets=list(PRESETS),
        granularities=GRANULARITIES,
        chart_of=chart_of,
        drill=drill_link,
        may_drill=Permission.VIEW_RESPONSES,
    )


@router.get("/responses", response_class=HTMLResponse)
def responses_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Annotated[User, page_requires(Permission.VIEW_RESPONSES)],
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    params = grouped(request.query_params.multi_items())
    metric = (params.pop("metric", [None]) or [None])[0] or None
    value = (params.pop("value", [None]) or [None])[0] or None
    params.pop("page", None)
    error = None
    listing = None
    try:
        filters = parse_filters(params, today=today())
        listing = responses_behind(
            db,
            filters,
            metric=metric,
            value=value,
            page=page,
            reader=reader_of(db, user),
            role=user.role,
        )
    except InvalidInput as exc:
        error = str(exc)
    keep = [(k, v) for k, vs in params.items() for v in vs if k != "lang"]
    if metric:
        keep.append(("metric", metric))
    if value:
        keep.append(("value", value))
    back = [(k, v) for k, v in keep if k not in ("metric", "value")]
    return _render(
        request,
        "responses.html",
        lang,
        400 if error else 200,
        user=user,
        listing=listing,
        error=error,
        metric=metric,
        value=value,
        dashboard_link="/dashboard?" + urlencode(back),
        page_link=lambda n: "?" + urlencode([*keep, ("page", n)]),
    )
