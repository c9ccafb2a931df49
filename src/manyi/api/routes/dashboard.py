"""``GET /api/v1/dashboard``: the overview dashboard's numbers as JSON, with the same
filters (query parameters) as the page /dashboard, computed by the same service."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder

from manyi.accounts.scope import department_scope
from manyi.accounts.service import User
from manyi.domain.permissions import Permission, has_permission
from manyi.edge.deps import DbDep, requires
from manyi.reporting.dashboard import build_overview, grouped, parse_filters, today
from manyi.workflow.loop_summary import loop_summary

router = APIRouter(tags=["dashboard"])


@router.get(
    "/dashboard",
    summary="Overview dashboard",
    description=(
        "CSI, NPS, CSAT (top-2-box %) and CES of the period with 95% intervals, the change "
        "against the previous period (Holm-adjusted p), the trend per day/week/month/quarter "
        "with control-chart limits and signals and step changes (Benjamini-Hochberg q), "
        "response counts and top themes. Filters: period=7d|30d|90d|180d|365d or "
        "from=YYYY-MM-DD&to=YYYY-MM-DD, granularity, survey (id), department, touchpoint, "
        "channel (codes), region, tier, product, language, flagged=include|exclude. "
        "Numbers are limited to the caller's departments. Unknown parameters are refused (422). "
        "For callers who may see cases, 'loop' holds the closed loop of the period and "
        "department: open cases and their ageing, cases overdue now, cases opened in the "
        "period whose first-response or resolution SLA was breached (count, share with 95% "
        "interval, the newest few), and the improvement plans in progress, due in the period "
        "and overdue, the first few with their metric and effect verdict."
    ),
)
def dashboard(
    request: Request,
    db: DbDep,
    user: Annotated[User, requires(Permission.VIEW_DASHBOARD)],
) -> dict[str, Any]:
    filters = parse_filters(grouped(request.query_params.multi_items()), today=today(), strict=True)
    overview = build_overview(db, filters, scope=department_scope(db, user))
    out: dict[str, Any] = jsonable_encoder(asdict(overview))
    if has_permission(user.role, Permission.VIEW_CASES):
        loop = loop_summary(
            db, user, start=filters.start, end=filters.end, department=filters.department
        )
        out["loop"] = jsonable_encoder(asdict(loop))
        if not has_permission(user.role, Permission.VIEW_PLANS):
            for key in ("plans_in_progress", "plans_due", "plans_overdue", "plans"):
                del out["loop"][key]
    return out
