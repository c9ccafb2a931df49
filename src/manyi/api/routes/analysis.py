"""``GET /api/v1/analysis``: the analysis of a survey's stored responses as JSON (issue #11).

The same numbers as the /analysis page and ``manyi analyze --survey`` (whose ``--json``
file is the ``report`` member): one call to :func:`manyi.reporting.stored.analyze_survey`
limited to the caller's departments."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from manyi.accounts.scope import department_scope
from manyi.accounts.service import User
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, requires
from manyi.reporting.stored import AnalysisQuery, analysis_to_dict, analyze_survey

router = APIRouter(tags=["analysis"])

Code = Annotated[str | None, Query(max_length=100)]


@router.get(
    "/analysis",
    summary="Analyse a survey's stored responses",
    description=(
        "SERVQUAL gaps, key drivers with bootstrap CIs, IPA, Kano, value curve, PLS index "
        "model, segment comparisons (Holm), journey view and text explorer of the responses "
        "submitted from `from` to `to` (both days included, UTC), with the filters given. "
        "Flagged and excluded responses are left out; only the caller's departments are "
        "read. `report` has the layout of `manyi analyze --json` (schema manyi.analyze/1); "
        "`missing` names the sections the survey's questions do not allow."
    ),
)
def get_analysis(
    db: DbDep,
    user: Annotated[User, requires(Permission.VIEW_ANALYSIS)],
    survey: Annotated[str, Query(min_length=1, max_length=64, description="survey id or code")],
    date_from: Annotated[date | None, Query(alias="from", description="first day")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="last day")] = None,
    channel: Code = None,
    touchpoint: Code = None,
    department: Code = None,
    language: Code = None,
    region: Code = None,
    tier: Code = None,
    product: Code = None,
    bootstrap: Annotated[int, Query(ge=0, le=2000, description="bootstrap resamples")] = 200,
) -> dict[str, Any]:
    query = AnalysisQuery(
        survey,
        date_from,
        date_to,
        channel=channel,
        touchpoint=touchpoint,
        department=department,
        language=language,
        region=region,
        tier=tier,
        product=product,
    )
    result = analyze_survey(
        db, query, department_ids=department_scope(db, user).department_ids, bootstrap=bootstrap
    )
    return analysis_to_dict(result)
