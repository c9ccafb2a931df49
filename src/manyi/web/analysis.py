"""``/analysis``: the analysis of a survey's stored responses (issue #11, item 2).

The survey, period and filters are GET parameters, so a view is a link. One call to
:func:`manyi.reporting.stored.analyze_survey` (cached per survey, period, filters,
departments and data version) gives every section; this module only shapes it for the
template (names in the page's language, bar widths, the quadrant charts). The user's
department scope (``manyi.accounts.scope``) limits the responses read.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from manyi.accounts.scope import department_scope
from manyi.accounts.service import User
from manyi.domain.permissions import Permission
from manyi.edge.deps import DbDep, page_requires
from manyi.errors import InvalidInput
from manyi.i18n import N_, gettext
from manyi.reporting.analysis.labels import display_name, text
from manyi.reporting.stored import (
    AnalysisChoices,
    AnalysisQuery,
    StoredAnalysis,
    analysis_choices,
    analysis_to_dict,
    analyze_survey,
)
from manyi.web.analysis_svg import Point, padded, scatter, share
from manyi.web.routes import LangDep, _render

router = APIRouter(include_in_schema=False)

#: Bootstrap resamples on the page: enough for 95 % intervals, fast enough for a first
#: load of a few seconds (the CLI and API default to 200); the page says how many.
PAGE_BOOTSTRAP = 100
#: ... and at most this many resampled rows (resamples × responses), so a survey with
#: 100,000 responses gets 20 resamples rather than minutes of bootstrap.
PAGE_ROW_BUDGET = 2_000_000
#: Journey stages (manyi.domain.enums.JourneyStage) by name.
STAGES = {
    "awareness": N_("Awareness"),
    "decision": N_("Decision"),
    "usage": N_("Usage"),
    "after_sales": N_("After-sales"),
}
FILTERS = ("channel", "touchpoint", "department", "language", "region", "tier", "product")
Text = Annotated[str | None, Query(max_length=100)]


def _day(value: str | None, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


class _Names:
    """Display names in the page's language for columns, groups and codes."""

    def __init__(self, result: StoredAnalysis | None, choices: AnalysisChoices, lang: str) -> None:
        self.lang = lang
        self.spec = result.report.spec if result and result.report else None
        en = lang == "en"
        self.codes = {
            kind: {c.code: (c.name_en if en else c.name_zh) for c in items}
            for kind, items in (
                ("channel", choices.channels),
                ("touchpoint", choices.touchpoints),
                ("seg:department", choices.departments),
            )
        }

    def column(self, key: Any) -> str:
        key = str(key)
        return display_name(self.spec, key, self.lang) if self.spec else key

    def group(self, segment: str, value: Any) -> str:
        return self.codes.get(segment, {}).get(str(value), str(value))


def _ipa_chart(part: dict[str, Any], names: _Names, lang: str) -> Any:
    rows = part["tables"]["attributes"]
    values = part["values"]

    def _(message: str) -> str:
        return gettext(lang, message)

    points = [
        Point(i, float(r["performance"]), float(r["importance"]), _tone(r["quadrant"]))
        for i, r in enumerate(rows, start=1)
    ]
    return scatter(
        points,
        x_range=padded([p.x for p in points]),
        y_range=padded([p.y for p in points], floor=0.0),
        x_cross=values["performance_cross"],
        y_cross=values["importance_cross"],
        x_label=_(N_("Performance (mean rating)")),
        y_label=_(N_("Importance (relative weight)")),
        description=_(
            N_("Importance against performance of %(n)s attributes; numbers as in the table.")
        )
        % {"n": len(points)},
        corners=(
            _(N_("Concentrate here")),
            _(N_("Keep up the good work")),
            _(N_("Low priority")),
            _(N_("Possible overkill")),
        ),
    )


def _tone(quadrant: str) -> str:
    return {
        "concentrate here": "bad",
        "keep up the good work": "good",
        "possible overkill": "warn",
    }.get(quadrant, "")


def _kano_chart(part: dict[str, Any], lang: str) -> Any:
    rows = part["tables"]["attributes"]

    def _(message: str) -> str:
        return gettext(lang, message)

    points = [
        Point(i, -float(r["worse"] or 0.0), float(r["better"] or 0.0), str(r["category"]))
        for i, r in enumerate(rows, start=1)
        if r.get("better") is not None and r.get("worse") is not None
    ]
    return scatter(
        points,
        x_range=(0.0, 1.0),
        y_range=(0.0, 1.0),
        x_cross=0.5,
        y_cross=0.5,
        x_label=_(N_("Dissatisfaction if absent (|Worse|)")),
        y_label=_(N_("Satisfaction if present (Better)")),
        description=_(N_("Better against |Worse| of %(n)s features; numbers as in the table."))
        % {"n": len(points)},
        corners=(
            _(N_("Attractive")),
            _(N_("One-dimensional")),
            _(N_("Indifferent")),
            _(N_("Must-be")),
        ),
    )


def _view(result: StoredAnalysis, names: _Names, lang: str) -> dict[str, Any]:
    data = analysis_to_dict(result)
    report = data["report"]
    sections = report["sections"] if report else {}

    def ok(section: str, part: str) -> dict[str, Any] | None:
        found = sections.get(section, {}).get("parts", {}).get(part)
        return found if found and found["status"] == "ok" else None

    charts: dict[str, Any] = {}
    ipa = ok("drivers", "ipa")
    if ipa:
        charts["ipa"] = _ipa_chart(ipa, names, lang)
    kano = ok("kano", "kano")
    if kano:
        charts["kano"] = _kano_chart(kano, lang)
    return {"data": data, "sections": sections, "ok": ok, "charts": charts}


@router.get("/analysis", response_class=HTMLResponse)
def analysis_page(
    request: Request,
    db: DbDep,
    lang: LangDep,
    user: Annotated[User, page_requires(Permission.VIEW_ANALYSIS)],
    survey: Text = None,
    date_from: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    channel: Text = None,
    touchpoint: Text = None,
    department: Text = None,
    language: Text = None,
    region: Text = None,
    tier: Text = None,
    product: Text = None,
) -> Response:
    choices = analysis_choices(db)
    start, end = _day(date_from, "from"), _day(date_to, "to")
    picked = {
        "channel": channel,
        "touchpoint": touchpoint,
        "department": department,
        "language": language,
        "region": region,
        "tier": tier,
        "product": product,
    }
    filters = {k: v for k, v in picked.items() if v}
    result: StoredAnalysis | None = None
    if survey:
        scope = department_scope(db, user)
        result = analyze_survey(
            db,
            AnalysisQuery(survey, start, end, **filters),
            department_ids=scope.department_ids,
            bootstrap=PAGE_BOOTSTRAP,
            row_budget=PAGE_ROW_BUDGET,
        )
    names = _Names(result, choices, lang)
    query = {
        "survey": survey or "",
        "from": date_from or "",
        "to": date_to or "",
        **{k: picked[k] or "" for k in FILTERS},
    }
    return _render(
        request,
        "analysis/page.html",
        lang,
        user=user,
        choices=choices,
        query=query,
        result=result,
        view=_view(result, names, lang) if result is not None else None,
        names=names,
        t=lambda key: text(str(key), lang),
        share=share,
        stage_name=lambda code: gettext(lang, STAGES[code]) if code in STAGES else code,
        api_link="/api/v1/analysis?" + urlencode({k: v for k, v in query.items() if v}),
    )


__all__ = ["PAGE_BOOTSTRAP", "PAGE_ROW_BUDGET", "router"]
