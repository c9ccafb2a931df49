"""Analysis of a survey's stored responses: one call for the CLI, the pages and the API.

:func:`analyze_survey` reads the selected responses (:mod:`.frame`), derives the spec from
the survey's questions (:mod:`.plan`), runs the same :func:`manyi.reporting.analysis.analyze`
as ``manyi analyze FILE``, and adds the journey view (:mod:`.journey`) and the text explorer
(:mod:`.text`). Results are cached per (survey, period, filters, departments, bootstrap) and
the survey's data version (:func:`manyi.storage.analysis.data_version`: responses, review
decisions, enrichment), so a page reload costs a few indexed reads and a stored result is
never stale.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from manyi.domain.survey import LocalText
from manyi.errors import InvalidInput, NotFound
from manyi.reporting.analysis import AnalysisReport, analyze, report_to_dict
from manyi.reporting.analysis.report import jsonable
from manyi.reporting.stored.frame import StoredFrame, load_frame
from manyi.reporting.stored.journey import Journey, journey
from manyi.reporting.stored.plan import DEFAULT_BOOTSTRAP, StoredPlan, add_derived, derive_plan
from manyi.reporting.stored.text import TextExplorer, text_explorer
from manyi.stats.multiple_testing import holm
from manyi.storage.analysis import (
    SEGMENT_KEYS,
    AnalysisSelection,
    analysis_ceiling,
    data_version,
    segment_values,
    touchpoint_stages,
)
from manyi.storage.database import Database
from manyi.storage.organisation import channels, departments, touchpoints
from manyi.storage.surveys import current_surveys, survey_id_by_code, survey_row

#: Results kept in memory (each a few hundred kB of tables).
CACHE_SIZE = 16
_PERIOD = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})?\s*\.\.\s*(\d{4}-\d{2}-\d{2})?\s*$")


@dataclass(frozen=True)
class AnalysisQuery:
    """What to analyse: a survey (id or code), a period of submission dates (both ends
    included, UTC) and filters (codes; segments are the customer's)."""

    survey: int | str
    start: date | None = None
    end: date | None = None
    channel: str | None = None
    touchpoint: str | None = None
    department: str | None = None
    language: str | None = None
    region: str | None = None
    tier: str | None = None
    product: str | None = None

    def filters(self) -> dict[str, str]:
        """The filters set, by name."""
        names = ("channel", "touchpoint", "department", "language", *SEGMENT_KEYS)
        return {n: v for n in names if (v := getattr(self, n)) not in (None, "")}


@dataclass(frozen=True)
class StoredAnalysis:
    """The analysis of a survey's stored responses.

    ``report`` is None when no response is selected or no question can be analysed;
    ``plan.missing`` names the sections the questions do not allow.
    """

    query: AnalysisQuery
    survey_id: int
    code: str | None
    title: LocalText
    n_responses: int
    report: AnalysisReport | None
    plan: StoredPlan
    journey: Journey
    text: TextExplorer
    bootstrap: int
    elapsed_s: float


def parse_period(text: str) -> tuple[date | None, date | None]:
    """``2026-01-01..2026-06-30`` (either end may be left out) as (start, end), both
    included.

    Examples
    --------
    >>> parse_period("2026-01-01..2026-06-30")
    (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    >>> parse_period("..2026-06-30")
    (None, datetime.date(2026, 6, 30))
    """
    match = _PERIOD.match(text or "")
    if match is None:
        raise InvalidInput(
            f"the period {text!r} is not START..END with dates as YYYY-MM-DD "
            "(e.g. 2026-01-01..2026-06-30; leave an end out for no bound)"
        )
    try:
        start, end = (date.fromisoformat(g) if g else None for g in match.groups())
    except ValueError as exc:
        raise InvalidInput(f"the period {text!r} holds an impossible date: {exc}") from None
    check_period(start, end)
    return start, end


def check_period(start: date | None, end: date | None) -> None:
    """InvalidInput when the period ends before it starts."""
    if start is not None and end is not None and end < start:
        raise InvalidInput(f"the period ends ({end}) before it starts ({start})")


def resolve_survey(db: Database, survey: int | str) -> tuple[int, str | None]:
    """(id, code) of a survey given by id or code; NotFound naming it otherwise."""
    with db.session() as s:
        survey_id: int | None
        if isinstance(survey, int) or str(survey).strip().isdigit():
            survey_id = int(survey)
        else:
            survey_id = survey_id_by_code(s, str(survey).strip())
        row = survey_row(s, survey_id) if survey_id is not None else None
        if row is None:
            raise NotFound(f"no survey with id or code {survey!r}")
        return int(row.id), row.code


def selection_of(
    query: AnalysisQuery, survey_id: int, department_ids: frozenset[int] | None
) -> AnalysisSelection:
    """The storage selection of a query (periods as [start 00:00, end + 1 day 00:00) UTC)."""
    check_period(query.start, query.end)
    return AnalysisSelection(
        survey_id=survey_id,
        since=datetime.combine(query.start, datetime.min.time()) if query.start else None,
        until=datetime.combine(query.end + timedelta(days=1), datetime.min.time())
        if query.end
        else None,
        channel=query.channel or None,
        touchpoint=query.touchpoint or None,
        department=query.department or None,
        language=query.language or None,
        segments={k: v for k in SEGMENT_KEYS if (v := getattr(query, k))},
        department_ids=department_ids,
    )


def run_plan(stored: StoredFrame, plan: StoredPlan) -> AnalysisReport | None:
    """The report of a plan on a stored frame (None without a spec or without rows)."""
    if plan.spec is None or stored.frame.empty:
        return None
    return analyze(add_derived(stored.frame, plan), plan.spec)


_cache: OrderedDict[tuple[Any, ...], StoredAnalysis] = OrderedDict()
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every cached result (tests; a changed survey definition is a new version)."""
    with _lock:
        _cache.clear()


def analyze_survey(
    db: Database,
    query: AnalysisQuery,
    *,
    department_ids: frozenset[int] | None = None,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    row_budget: int | None = None,
    use_cache: bool = True,
) -> StoredAnalysis:
    """Analyse the stored responses a query selects (see the module docstring).

    ``department_ids`` are the departments the user may see (None: all); ``bootstrap`` the
    resamples of the drivers' and PLS intervals (fewer is faster); ``row_budget`` caps
    resamples × responses (a page's bound on the bootstrap's time; None: no cap).
    """
    if bootstrap < 0:
        raise InvalidInput("bootstrap must be 0 or more resamples")
    survey_id, code = resolve_survey(db, query.survey)
    selection = selection_of(query, survey_id, department_ids)
    with db.session() as s:
        version = data_version(s, survey_id)
        ceiling = analysis_ceiling(s, survey_id)
        names = touchpoint_stages(s)
    key = (
        id(db),
        survey_id,
        query.start,
        query.end,
        tuple(sorted(query.filters().items())),
        None if department_ids is None else tuple(sorted(department_ids)),
        bootstrap,
        row_budget,
        version,
    )
    if use_cache:
        with _lock:
            found = _cache.get(key)
            if found is not None:
                _cache.move_to_end(key)
                return found
    started = time.perf_counter()
    stored = load_frame(db, selection)
    plan = derive_plan(stored, bootstrap=bootstrap, row_budget=row_budget)
    result = StoredAnalysis(
        query=query,
        survey_id=survey_id,
        code=code,
        title=stored.definition.title,
        n_responses=len(stored.frame),
        report=run_plan(stored, plan),
        plan=plan,
        journey=journey(stored, plan, names),
        text=text_explorer(db, selection, ceiling),
        bootstrap=bootstrap,
        elapsed_s=time.perf_counter() - started,
    )
    if use_cache:
        with _lock:
            _cache[key] = result
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return result


@dataclass(frozen=True)
class Choice:
    """One entry of a filter menu: its code and its names."""

    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class AnalysisChoices:
    """What the analysis form offers: surveys and the values of every filter."""

    surveys: list[Choice]
    channels: list[Choice]
    touchpoints: list[Choice]
    departments: list[Choice]
    segments: dict[str, list[str]]


def analysis_choices(db: Database) -> AnalysisChoices:
    """The surveys and filter values for the analysis form."""
    with db.session() as s:
        surveys = []
        for current in current_surveys(s):
            title = LocalText.model_validate(current.definition.get("title") or {})
            label = str(current.id)
            surveys.append(
                Choice(str(current.survey.code or current.id), title.zh or label, title.en or label)
            )
        return AnalysisChoices(
            surveys=surveys,
            channels=[Choice(c.code, c.name_zh, c.name_en or c.name_zh) for c in channels(s)],
            touchpoints=[Choice(t.code, t.name_zh, t.name_en or t.name_zh) for t in touchpoints(s)],
            departments=[Choice(d.code, d.name_zh, d.name_en or d.name_zh) for d in departments(s)],
            segments=segment_values(s),
        )


def segment_p_holm(report: AnalysisReport | None) -> dict[str, float]:
    """Holm-adjusted p value of every segment comparison's overall test, across all of
    them (each comparison's pairwise tests are already adjusted among themselves), so
    that a page listing twenty comparisons does not mark one by chance."""
    if report is None:
        return {}
    parts = [
        (key, float(part.values["p_value"]))
        for key, part in report.section("segments").parts.items()
        if part.status == "ok" and part.values.get("p_value") == part.values.get("p_value")
    ]
    if not parts:
        return {}
    adjusted = holm([p for _, p in parts])
    return {key: float(q) for (key, _), q in zip(parts, adjusted, strict=True)}


def analysis_to_dict(result: StoredAnalysis) -> dict[str, Any]:
    """The JSON form: the selection, the report (as ``manyi analyze --json`` writes it),
    the sections the questions do not allow, the journey and the text explorer."""
    q = result.query
    return {
        "survey": {
            "id": result.survey_id,
            "code": result.code,
            "title": {"zh-CN": result.title.zh, "en": result.title.en},
        },
        "period": {
            "from": q.start.isoformat() if q.start else None,
            "to": q.end.isoformat() if q.end else None,
        },
        "filters": q.filters(),
        "responses": result.n_responses,
        "bootstrap": result.bootstrap,
        "missing": dict(result.plan.missing),
        "report": report_to_dict(result.report) if result.report is not None else None,
        "segments_p_holm": segment_p_holm(result.report),
        "journey": {
            "basis": result.journey.basis,
            "clear": result.journey.clear,
            "points": [jsonable(asdict(p)) for p in result.journey.points],
        },
        "text": jsonable(asdict(result.text)),
    }


__all__ = [
    "CACHE_SIZE",
    "AnalysisChoices",
    "AnalysisQuery",
    "Choice",
    "StoredAnalysis",
    "analysis_choices",
    "analysis_to_dict",
    "analyze_survey",
    "check_period",
    "clear_cache",
    "parse_period",
    "resolve_survey",
    "run_plan",
    "segment_p_holm",
    "selection_of",
]
