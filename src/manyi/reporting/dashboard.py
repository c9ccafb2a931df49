"""The overview dashboard: CSI, NPS, CSAT and CES of a period with 95 % intervals, their
trend by day/week/month/quarter with control-chart signals and significant changes, the
response counts, and the top themes with example comments.

One computation serves the page (/dashboard), the API (/api/v1/dashboard) and the
reports (:mod:`manyi.reporting.reports`): :func:`build_overview` returns plain
dataclasses. Numbers come from the rollups (:mod:`manyi.storage.rollups`, daily score
histograms) through ``manyi.stats`` (:mod:`manyi.reporting.dashboard_stats`).

Multiple comparisons (docs/dashboard.md): the headline changes against the previous
period are one family of up to four tests (one per measure), controlled by **Holm**
(family-wise error 5 %); the step-by-step changes inside a trend are one family per
measure, controlled by **Benjamini–Hochberg** (false discovery rate 5 %), because a daily
trend holds hundreds of steps. A change is marked significant when its adjusted p < 0.05.
Control-chart signals (Western Electric rule 1: a point beyond 3 sigma) use an x̄ chart
of the per-answer score (NPS as +100/0/−100, CES ratings) and a p chart of the CSAT
top-box share, with limits from the periods shown.

Where the sources come from: the NPS, CSAT and CES questions (by kind) of the chosen
survey, or of every survey when none is chosen; answers of surveys whose CSAT or CES
scale differs from the first one's are left out of the pooled measure (and listed in
``Overview.left_out``). The CSI is the equal-weight index of the rating and Likert
questions that carry an ``indicator``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

import numpy as np

from manyi.domain.enums import QuestionKind
from manyi.domain.scope import DepartmentScope
from manyi.domain.survey import SurveyDefinition
from manyi.errors import InvalidInput, NotFound
from manyi.reporting.dashboard_filters import (
    DashboardFilters,
    Granularity,
    grouped,
    parse_filters,
)
from manyi.reporting.dashboard_stats import (
    Histogram,
    MetricValue,
    bucket_label,
    buckets,
    by_bucket,
    ces_value,
    change_p_value,
    csat_value,
    csi_value,
    merge,
    nps_value,
)
from manyi.reporting.themes import feedback_themes, theme_comments
from manyi.stats.multiple_testing import adjust_p_values
from manyi.stats.trends import control_chart
from manyi.storage.dashboard import Directory, directory
from manyi.storage.database import Database
from manyi.storage.rollups import (
    RollupFilters,
    daily_response_counts,
    daily_score_counts,
    filter_values,
)
from manyi.storage.surveys import CurrentSurvey, current_surveys
from manyi.storage.types import utcnow

__all__ = [
    "DashboardFilters",
    "Granularity",
    "MetricSummary",
    "Overview",
    "Trend",
    "TrendPoint",
    "build_overview",
    "drill_link",
    "grouped",
    "parse_filters",
]

METRICS = ("csi", "nps", "csat", "ces")
#: Headline family (one test per measure) and trend families (one per measure).
HEADLINE_CORRECTION = "holm"
TREND_CORRECTION = "fdr_bh"
ALPHA = 0.05
#: Digits shown and unit of each measure.
DIGITS = {"csi": 1, "nps": 1, "csat": 1, "ces": 2}
UNITS = {"csi": "index", "nps": "points", "csat": "percent", "ces": "mean"}
_CHART_RULES = (1,)


@dataclass(frozen=True)
class Source:
    """One question a measure reads: (survey, question) on its answer scale."""

    survey_id: int
    question: str
    scale: tuple[int, int]


@dataclass(frozen=True)
class MetricSummary:
    """A headline measure of the period, against the period before."""

    key: str
    value: float | None
    low: float | None
    high: float | None
    n: int
    previous: float | None
    previous_n: int
    #: value − previous.
    change: float | None
    p_value: float | None
    #: Holm-adjusted over the headline measures.
    p_adjusted: float | None
    significant: bool
    #: The answer scale (CSAT, CES; the CSI's first indicator's), None for NPS.
    scale: tuple[int, int] | None
    #: CSAT: the mean rating beside the top-box share.
    mean: float | None
    digits: int
    unit: str
    sources: tuple[Source, ...]

    @property
    def direction(self) -> str:
        if self.change is None or self.change == 0:
            return ""
        return "up" if self.change > 0 else "down"


@dataclass(frozen=True)
class TrendPoint:
    label: str
    start: date
    end: date
    value: float | None
    low: float | None
    high: float | None
    n: int
    #: Control chart: centre and limits for this point (None without a chart).
    center: float | None = None
    lcl: float | None = None
    ucl: float | None = None
    #: Western Electric rules broken ("" none), and on which side of the centre.
    signal: str = ""
    #: Change against the point before: p, BH-adjusted q, significant (q < 0.05).
    change: float | None = None
    change_p: float | None = None
    change_q: float | None = None
    significant_change: bool = False

    @property
    def marked(self) -> bool:
        return bool(self.signal) or self.significant_change

    @property
    def drop(self) -> bool:
        """Marked and down: below the control limit, or a significant fall."""
        below = bool(self.signal) and self.value is not None and self.lcl is not None
        below = below and self.value is not None and self.lcl is not None and self.value < self.lcl
        fell = self.significant_change and self.change is not None and self.change < 0
        return below or fell


@dataclass(frozen=True)
class Trend:
    key: str
    points: list[TrendPoint]
    #: "xbar", "p" or None (no control chart: too few points, or the CSI).
    chart: str | None
    digits: int
    unit: str


@dataclass(frozen=True)
class ResponseCounts:
    total: int
    previous: int
    #: Responses of the period with a quality flag, not counted (0 when included).
    flagged: int
    #: One count per trend bucket, in the trend's order.
    per_bucket: list[int]


@dataclass(frozen=True)
class ThemeExample:
    text: str
    sentiment: str | None


@dataclass(frozen=True)
class ThemeSummary:
    code: str
    name_zh: str
    name_en: str
    mentions: int
    negative: int
    negative_share: float
    change_q: float | None
    examples: list[ThemeExample]


@dataclass(frozen=True)
class Choice:
    value: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Options:
    """What the filter drop-downs offer (values present in the data, within the scope)."""

    surveys: list[Choice]
    departments: list[Choice]
    touchpoints: list[Choice]
    channels: list[Choice]
    regions: list[str]
    tiers: list[str]
    products: list[str]
    languages: list[str]


@dataclass(frozen=True)
class Overview:
    filters: DashboardFilters
    previous_start: date
    previous_end: date
    metrics: list[MetricSummary]
    trends: list[Trend]
    responses: ResponseCounts
    themes: list[ThemeSummary]
    themes_analysed: int
    options: Options
    #: Notes on sources left out of a pooled measure (different scale).
    left_out: list[str] = field(default_factory=list)
    headline_correction: str = HEADLINE_CORRECTION
    trend_correction: str = TREND_CORRECTION

    def metric(self, key: str) -> MetricSummary | None:
        return next((m for m in self.metrics if m.key == key), None)

    def trend(self, key: str) -> Trend | None:
        return next((t for t in self.trends if t.key == key), None)


# --------------------------------------------------------------------------- sources


def _scale(q_scale: object, default: tuple[int, int]) -> tuple[int, int]:
    if q_scale is None:
        return default
    return (int(q_scale.min), int(q_scale.max))  # type: ignore[attr-defined]


def metric_sources(
    surveys: Sequence[CurrentSurvey],
) -> tuple[dict[str, list[Source]], list[str]]:
    """measure -> its source questions over ``surveys``; notes on left-out sources."""
    found: dict[str, list[Source]] = {key: [] for key in METRICS}
    notes: list[str] = []
    defaults = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
    kinds = {QuestionKind.NPS: "nps", QuestionKind.CSAT: "csat", QuestionKind.CES: "ces"}
    for current in surveys:
        definition = SurveyDefinition.model_validate(current.definition)
        seen: set[str] = set()
        for q in definition.questions:
            key = kinds.get(q.kind)
            if key is not None and key not in seen:  # the first question of a kind
                seen.add(key)
                scale = (0, 10) if key == "nps" else _scale(q.scale, defaults[key])
                source = Source(current.id, q.code, scale)
                pooled = found[key]
                if pooled and pooled[0].scale != scale:
                    notes.append(
                        f"{key.upper()} of survey {current.id} ({q.code}, scale "
                        f"{scale[0]}–{scale[1]}) is not pooled with scale "
                        f"{pooled[0].scale[0]}–{pooled[0].scale[1]}"
                    )
                    continue
                pooled.append(source)
            elif q.indicator and q.kind in (QuestionKind.RATING, QuestionKind.LIKERT):
                found["csi"].append(Source(current.id, q.code, _scale(q.scale, (1, 5))))
    return found, notes


# --------------------------------------------------------------------------- helpers


def _rollup_filters(
    f: DashboardFilters, ids: dict[str, int | None], scope: DepartmentScope | None
) -> RollupFilters:
    departments = scope.department_ids if scope is not None else None
    if ids["department"] is not None:
        wanted = frozenset({ids["department"]})
        departments = wanted if departments is None else departments & wanted
    return RollupFilters(
        department_ids=departments,
        touchpoint_ids=None if ids["touchpoint"] is None else frozenset({ids["touchpoint"]}),
        channel_ids=None if ids["channel"] is None else frozenset({ids["channel"]}),
        languages=None if f.language is None else frozenset({f.language}),
        regions=None if f.region is None else frozenset({f.region}),
        tiers=None if f.tier is None else frozenset({f.tier}),
        products=None if f.product is None else frozenset({f.product}),
        include_flagged=f.include_flagged,
    )


def resolve_codes(
    names: Directory, f: DashboardFilters, scope: DepartmentScope | None
) -> dict[str, int | None]:
    """The department, touchpoint and channel codes of ``f`` as ids; a clear error for an
    unknown code or a department outside the user's scope."""
    out: dict[str, int | None] = {}
    for kind in ("department", "touchpoint", "channel"):
        code = getattr(f, kind)
        if code is None:
            out[kind] = None
            continue
        found = names.find(kind, code)
        if found is None:
            raise InvalidInput(f"there is no {kind} with code {code!r}")
        department = found.id if kind == "department" else found.department_id
        if kind != "channel" and scope is not None and not scope.allows(department):
            # The same answer as an unknown code would leak which codes exist elsewhere.
            raise InvalidInput(f"there is no {kind} with code {code!r} among your departments")
        out[kind] = found.id
    return out


def _value(
    key: str, sources: list[Source], histograms: Mapping[Source, Histogram]
) -> MetricValue | None:
    if not sources:
        return None
    if key == "csi":
        return csi_value(
            {f"{s.survey_id}:{s.question}": (histograms.get(s, {}), s.scale) for s in sources}
        )
    pooled = merge(histograms.get(s, {}) for s in sources)
    if key == "nps":
        return nps_value(pooled)
    if key == "csat":
        return csat_value(pooled, sources[0].scale)
    return ces_value(pooled, sources[0].scale)


def _in_span(daily: list[tuple[date, float, int]], start: date, end: date) -> dict[float, int]:
    out: dict[float, int] = {}
    for day, value, count in daily:
        if start <= day <= end:
            out[value] = out.get(value, 0) + count
    return out


def _adjusted(p_values: Sequence[float | None], method: str) -> list[float | None]:
    raw = [np.nan if p is None else p for p in p_values]
    if not raw:
        return []
    adjusted = adjust_p_values(raw, method)  # type: ignore[arg-type]
    return [None if np.isnan(q) else float(q) for q in adjusted]


def _trend(
    key: str,
    sources: list[Source],
    daily: dict[Source, list[tuple[date, float, int]]],
    spans: list[tuple[date, date]],
    granularity: str,
) -> Trend:
    per_source = {s: by_bucket(daily.get(s, []), spans) for s in sources}
    values = [
        _value(key, sources, {s: per_source[s][i] for s in sources}) for i in range(len(spans))
    ]
    # Step changes against the previous bucket with a value, BH across the trend.
    steps: list[tuple[int, float | None, float | None]] = []
    last: MetricValue | None = None
    for i, v in enumerate(values):
        if v is not None and last is not None:
            steps.append((i, v.value - last.value, change_p_value(key, last, v)))
        if v is not None:
            last = v
    qs = _adjusted([p for _, _, p in steps], TREND_CORRECTION)
    step_of = {i: (change, p, q) for (i, change, p), q in zip(steps, qs, strict=True)}
    chart, limits = _control_chart(key, values)
    points = []
    for i, ((start, end), v) in enumerate(zip(spans, values, strict=True)):
        change, p, q = step_of.get(i, (None, None, None))
        center, lcl, ucl, signal = limits.get(i, (None, None, None, ""))
        points.append(
            TrendPoint(
                label=bucket_label(start, granularity)
                if granularity != "day"
                else start.isoformat(),
                start=start,
                end=end,
                value=None if v is None else v.value,
                low=None if v is None else v.low,
                high=None if v is None else v.high,
                n=0 if v is None else v.n,
                center=center,
                lcl=lcl,
                ucl=ucl,
                signal=signal,
                change=change,
                change_p=p,
                change_q=q,
                significant_change=q is not None and q < ALPHA,
            )
        )
    return Trend(key, points, chart, DIGITS[key], UNITS[key])


def _control_chart(
    key: str, values: list[MetricValue | None]
) -> tuple[str | None, dict[int, tuple[float, float, float, str]]]:
    """The control chart of a trend: (kind, position -> (centre, lcl, ucl, rules))."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if key == "csi" or len(known) < 3:
        return None, {}  # the CSI has no per-answer score to chart; 3 points at least
    positions = [i for i, _ in known]
    try:
        if key == "csat":
            chart = control_chart(
                [float(v.successes or 0) for _, v in known],
                "p",
                n=[v.n for _, v in known],
                rules=_CHART_RULES,
            )
            scale = 100.0  # the p chart is on 0..1, the page shows %
        else:
            chart = control_chart(
                [float(v.chart_mean or 0.0) for _, v in known],
                "xbar",
                n=[v.n for _, v in known],
                sd=[float(v.chart_sd or 0.0) for _, v in known],
                rules=_CHART_RULES,
            )
            scale = 1.0
    except InvalidInput:
        return None, {}  # e.g. no variation at all: no limits to draw
    table = chart.table
    out = {}
    for row, position in enumerate(positions):
        out[position] = (
            float(table["center"].iloc[row]) * scale,
            float(table["lcl"].iloc[row]) * scale,
            float(table["ucl"].iloc[row]) * scale,
            str(table["rules"].iloc[row]),
        )
    return ("p" if key == "csat" else "xbar"), out


def drill_link(
    f: DashboardFilters,
    metric: str | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
    value: str | None = None,
) -> str:
    """The /responses URL of the answers behind a number (same filters, that period)."""
    query = [
        ("from", (start or f.start).isoformat()),
        ("to", (end or f.end).isoformat()),
        *f.query(period=False),
    ]
    if metric is not None:
        query.append(("metric", metric))
    if value is not None:
        query.append(("value", value))
    return "/responses?" + urlencode(query)


# --------------------------------------------------------------------------- overview


def _options(
    names: Directory,
    surveys: Sequence[CurrentSurvey],
    present: object,
    scope: DepartmentScope | None,
) -> Options:
    def named(ids: Sequence[int], table: dict[int, object]) -> list[Choice]:
        out = []
        for i in ids:
            item = table.get(i)
            if item is not None:
                out.append(Choice(item.code, item.name_zh, item.name_en))  # type: ignore[attr-defined]
        return sorted(out, key=lambda c: c.value)

    allowed = scope.allows if scope is not None else (lambda _: True)
    departments = [i for i in present.department_ids if allowed(i)]  # type: ignore[attr-defined]
    touchpoints = [
        i
        for i in present.touchpoint_ids  # type: ignore[attr-defined]
        if i in names.touchpoints and allowed(names.touchpoints[i].department_id)
    ]
    survey_choices = []
    for s in surveys:
        title = SurveyDefinition.model_validate(s.definition).title
        survey_choices.append(Choice(str(s.id), title.get("zh-CN"), title.get("en")))
    return Options(
        surveys=survey_choices,
        departments=named(departments, names.departments),  # type: ignore[arg-type]
        touchpoints=named(touchpoints, names.touchpoints),  # type: ignore[arg-type]
        channels=named(present.channel_ids, names.channels),  # type: ignore[attr-defined,arg-type]
        regions=list(present.regions),  # type: ignore[attr-defined]
        tiers=list(present.tiers),  # type: ignore[attr-defined]
        products=list(present.products),  # type: ignore[attr-defined]
        languages=list(present.languages),  # type: ignore[attr-defined]
    )


def _themes(
    db: Database,
    f: DashboardFilters,
    scope: DepartmentScope | None,
    department: int | None,
    *,
    top: int = 5,
    examples: int = 2,
) -> tuple[list[ThemeSummary], int]:
    """Top aspects of the period's texts (in the scope and department), with examples."""
    ids = scope.department_ids if scope is not None else None
    if department is not None:
        ids = frozenset({department}) if ids is None else ids & {department}
    theme_scope = DepartmentScope(ids)
    until = datetime(f.end.year, f.end.month, f.end.day) + timedelta(days=1)
    found = feedback_themes(db, days=f.days, now=until, top=top, scope=theme_scope)
    out = []
    for a in found.aspects:
        label = "negative" if a.negative else None
        try:
            page = theme_comments(
                db,
                a.code,
                label=label,
                days=f.days,
                now=until,
                per_page=examples,
                scope=theme_scope,
            )
            shown = [ThemeExample(c.text, c.sentiment_label) for c in page.comments]
        except NotFound:
            shown = []
        out.append(
            ThemeSummary(
                a.code,
                a.name_zh,
                a.name_en,
                a.mentions,
                a.negative,
                a.negative_share,
                a.change_q,
                shown,
            )
        )
    return out, found.analysed


def build_overview(
    db: Database,
    filters: DashboardFilters,
    *,
    scope: DepartmentScope | None = None,
    now: datetime | None = None,
) -> Overview:
    """Everything the overview dashboard shows for ``filters``, within ``scope`` (the
    user's departments; None: everything).

    Raises
    ------
    InvalidInput
        An unknown survey, department, touchpoint or channel (or one outside the scope).
    """
    del now  # the period is explicit in the filters; kept for callers that pass a clock
    f = filters
    previous_start, previous_end = f.previous
    spans = buckets(f.start, f.end, f.granularity)
    since, until = previous_start, f.end + timedelta(days=1)
    with db.session() as s:
        names = directory(s)
        ids = resolve_codes(names, f, scope)
        all_surveys = list(current_surveys(s))
        if f.survey_id is not None:
            chosen = [c for c in all_surveys if c.id == f.survey_id]
            if not chosen:
                raise InvalidInput(f"there is no survey with id {f.survey_id}")
        else:
            chosen = all_surveys
        sources, notes = metric_sources(chosen)
        rollup_filters = _rollup_filters(f, ids, scope)
        daily: dict[Source, list[tuple[date, float, int]]] = {}
        for source in {x for xs in sources.values() for x in xs}:
            daily[source] = daily_score_counts(
                s,
                survey_id=source.survey_id,
                question=source.question,
                since=since,
                until=until,
                filters=rollup_filters,
            )
        counts = daily_response_counts(
            s, survey_id=f.survey_id, since=since, until=until, filters=rollup_filters
        )
        flagged = 0
        if not f.include_flagged:
            with_flagged = daily_response_counts(
                s,
                survey_id=f.survey_id,
                since=f.start,
                until=until,
                filters=RollupFilters(**{**rollup_filters.__dict__, "include_flagged": True}),
            )
            flagged = sum(n for _, n in with_flagged) - sum(n for d, n in counts if d >= f.start)
        options = _options(names, all_surveys, filter_values(s, survey_id=f.survey_id), scope)

    metrics, trends = _metrics(sources, daily, f, spans)
    per_bucket = [sum(n for d, n in counts if a <= d <= b) for a, b in spans]
    responses = ResponseCounts(
        total=sum(n for d, n in counts if d >= f.start),
        previous=sum(n for d, n in counts if d < f.start),
        flagged=flagged,
        per_bucket=per_bucket,
    )
    themes, analysed = _themes(db, f, scope, ids["department"])
    return Overview(
        filters=f,
        previous_start=previous_start,
        previous_end=previous_end,
        metrics=metrics,
        trends=trends,
        responses=responses,
        themes=themes,
        themes_analysed=analysed,
        options=options,
        left_out=notes,
    )


def _metrics(
    sources: dict[str, list[Source]],
    daily: dict[Source, list[tuple[date, float, int]]],
    f: DashboardFilters,
    spans: list[tuple[date, date]],
) -> tuple[list[MetricSummary], list[Trend]]:
    previous_start, previous_end = f.previous
    rows = []
    for key in METRICS:
        if not sources[key]:
            continue
        now_h = {s: _in_span(daily[s], f.start, f.end) for s in sources[key]}
        then_h = {s: _in_span(daily[s], previous_start, previous_end) for s in sources[key]}
        current = _value(key, sources[key], now_h)
        before = _value(key, sources[key], then_h)
        p = change_p_value(key, before, current) if current and before else None
        rows.append((key, current, before, p))
    adjusted = _adjusted([p for *_, p in rows], HEADLINE_CORRECTION)
    metrics = []
    for (key, current, before, p), q in zip(rows, adjusted, strict=True):
        first = sources[key][0]
        metrics.append(
            MetricSummary(
                key=key,
                value=None if current is None else current.value,
                low=None if current is None else current.low,
                high=None if current is None else current.high,
                n=0 if current is None else current.n,
                previous=None if before is None else before.value,
                previous_n=0 if before is None else before.n,
                change=None if current is None or before is None else current.value - before.value,
                p_value=p,
                p_adjusted=q,
                significant=q is not None and q < ALPHA,
                scale=None if key == "nps" else first.scale,
                mean=current.mean if key == "csat" and current is not None else None,
                digits=DIGITS[key],
                unit=UNITS[key],
                sources=tuple(sources[key]),
            )
        )
    trends = [
        _trend(key, sources[key], daily, spans, f.granularity) for key in METRICS if sources[key]
    ]
    return metrics, trends


def today() -> date:
    """Today in UTC (the default period ends today)."""
    return utcnow().date()
