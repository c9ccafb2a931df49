"""A report's numbers, taken from the overview dashboard's one computation.

:func:`manyi.reporting.dashboard.build_overview` is asked twice: for the report's period
(the headline measures, their change against the period of the same length just before,
Holm-adjusted, and the themes with their comments), and for the last
:data:`TREND_PERIODS` weeks or months up to it (the trend with its control-chart signals
and Benjamini–Hochberg-marked steps). Nothing here computes a measure: values are only
moved into the report's model (:mod:`manyi.reporting.reports.model`), CSAT's percentage
turned into a share for the percent format.
"""

from __future__ import annotations

from datetime import date, datetime

from manyi.domain.scope import DepartmentScope
from manyi.i18n import gettext
from manyi.reporting.dashboard import DashboardFilters, Overview, build_overview
from manyi.reporting.dashboard import Trend as OverviewTrend
from manyi.reporting.reports.build import ReportTarget
from manyi.reporting.reports.model import (
    CaseSummaryProvider,
    Move,
    ReportContent,
    ScoreLine,
    ThemeLine,
    Trend,
    TrendPointLine,
)
from manyi.reporting.reports.periods import ReportPeriod
from manyi.reporting.reports.texts import TEXTS
from manyi.storage.database import Database
from manyi.storage.types import utcnow

#: How many weeks or months the trend shows (the report's own period the last).
TREND_PERIODS = 12
#: The measures a report shows, in order (the dashboard's keys).
MEASURES = ("nps", "csat", "ces", "csi")


def _share(value: float | None, unit: str) -> float | None:
    """The dashboard gives CSAT in % (0–100); the report formats shares (0–1)."""
    if value is None or unit != "percent":
        return value
    return value / 100


def _unit(unit: str) -> str:
    return "percent" if unit == "percent" else "number"


def overview_filters(
    target: ReportTarget, start: date, last_day: date, granularity: str
) -> DashboardFilters:
    return DashboardFilters(
        start=start,
        end=last_day,
        granularity="week" if granularity == "weekly" else "month",
        preset="custom",
        department=target.code,
    )


def report_overview(
    db: Database, target: ReportTarget, period: ReportPeriod, scope: DepartmentScope
) -> Overview:
    """The dashboard's overview of exactly the report's period and department."""
    filters = overview_filters(target, period.start.date(), period.last_day, period.frequency)
    return build_overview(db, filters, scope=scope)


def report_content(
    db: Database,
    target: ReportTarget,
    period: ReportPeriod,
    *,
    kind: str,
    scope: DepartmentScope,
    language: str,
    now: datetime | None = None,
    cases: CaseSummaryProvider | None = None,
) -> ReportContent:
    """``cases``: the closed loop's summary for the report's department and period (None:
    the report has no closed-loop section)."""
    at = now or utcnow()
    overview = report_overview(db, target, period, scope)
    trends: list[Trend] = []
    if kind != "executive":
        first = period
        for _ in range(TREND_PERIODS - 1):
            first = first.previous()
        history = build_overview(
            db,
            overview_filters(target, first.start.date(), period.last_day, period.frequency),
            scope=scope,
        )
        trends = [
            _trend(t, period.frequency) for key in MEASURES if (t := history.trend(key)) is not None
        ]
    return ReportContent(
        kind=kind,
        start=period.start.date(),
        last_day=period.last_day,
        previous_start=overview.previous_start,
        previous_last_day=overview.previous_end,
        responses=overview.responses.total,
        scores=_scores(overview),
        trends=trends,
        moves=_moves(overview),
        themes=_themes(overview, language),
        generated_at=at,
        notes=_notes(overview, language),
        cases=None if cases is None else cases(target.department_id, period.start, period.end, at),
    )


def _scores(overview: Overview) -> list[ScoreLine]:
    out = []
    for key in MEASURES:
        m = overview.metric(key)
        if m is None:
            continue
        out.append(
            ScoreLine(
                key=key,
                value=_share(m.value, m.unit),
                low=_share(m.low, m.unit),
                high=_share(m.high, m.unit),
                n=m.n,
                previous=_share(m.previous, m.unit),
                change=_share(m.change, m.unit),
                significant=m.significant,
                p_adjusted=m.p_adjusted,
                digits=m.digits,
                unit=_unit(m.unit),
            )
        )
    return out


def _moves(overview: Overview) -> list[Move]:
    """The headline changes that are significant after Holm's correction."""
    return [
        Move(
            key=m.key,
            where="",
            before=_share(m.previous, m.unit),
            after=_share(m.value, m.unit),
            p_adjusted=m.p_adjusted,
            digits=m.digits,
            unit=_unit(m.unit),
        )
        for key in MEASURES
        if (m := overview.metric(key)) is not None and m.significant
    ]


def _trend(trend: OverviewTrend, frequency: str) -> Trend:
    points = [
        TrendPointLine(
            label=p.label,
            start=p.start,
            value=_share(p.value, trend.unit),
            low=_share(p.low, trend.unit),
            high=_share(p.high, trend.unit),
            n=p.n,
            marked=p.marked,
        )
        for p in trend.points
    ]
    # Periods before the first answer are left out of the view (not of the computation).
    while points and points[0].n == 0:
        points.pop(0)
    return Trend(trend.key, points, trend.digits, _unit(trend.unit))


def _themes(overview: Overview, lang: str) -> list[ThemeLine]:
    out = []
    used: set[str] = set()
    for theme in overview.themes:
        name = theme.name_en if lang == "en" and theme.name_en else theme.name_zh
        # One comment can name several themes: quote another of its examples if there is one.
        quotes = [e.text for e in theme.examples]
        quote = next((q for q in quotes if q not in used), quotes[0] if quotes else None)
        if quote is not None:
            used.add(quote)
        out.append(
            ThemeLine(
                name=name or theme.code,
                count=theme.mentions,
                negative_share=theme.negative_share,
                quote=quote,
            )
        )
    return out


def _notes(overview: Overview, lang: str) -> list[str]:
    notes = [gettext(lang, TEXTS["note_method"])]
    if overview.responses.flagged:
        notes.append(gettext(lang, TEXTS["note_flagged"]).format(count=overview.responses.flagged))
    notes.extend(overview.left_out)
    return notes
