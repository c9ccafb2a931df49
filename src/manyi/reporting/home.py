"""The home page's numbers: each survey with its response counts and recent NPS and CSAT,
and what customers wrote about in the same window (:mod:`manyi.reporting.themes`).

Scores are aggregated in the database as a histogram (value → count) over the narrow
answers table, then expanded and handed to ``manyi.stats`` so the page shows the same
numbers, with the same confidence intervals, as every other report. Responses with a
quality flag (speeders, straight-liners, duplicates, gibberish) are left out of NPS and
CSAT unless the user asks to include them, and the page says how many were left out;
responses an analyst excluded are always left out, those an analyst kept always count
(``responses.quality``, storage/exclusions.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from manyi.domain.enums import QuestionKind, SurveyStatus
from manyi.domain.scope import EVERYTHING, DepartmentScope
from manyi.domain.survey import SurveyDefinition
from manyi.reporting.themes import FeedbackThemes, feedback_themes
from manyi.stats.metrics import CsatResult, NpsResult, csat, nps
from manyi.storage.answers import score_histogram
from manyi.storage.database import Database
from manyi.storage.exclusions import EXCLUDED, FLAGGED, counts_of_quality
from manyi.storage.responses import response_counts
from manyi.storage.surveys import current_surveys
from manyi.storage.types import utcnow


@dataclass(frozen=True)
class SurveyOverview:
    id: int
    code: str | None
    title: str
    title_en: str
    status: SurveyStatus
    responses: int
    responses_window: int
    nps: NpsResult | None
    csat: CsatResult | None
    csat_scale: tuple[int, int] | None
    asks_nps: bool
    asks_csat: bool
    #: Responses of the window with a quality flag that no analyst reviewed: left out of
    #: NPS and CSAT unless included.
    flagged_window: int = 0
    flagged_included: bool = False
    #: Responses of the window an analyst excluded: always left out.
    excluded_window: int = 0


def _scores(histogram: list[tuple[float, int]]) -> np.ndarray:
    if not histogram:
        return np.empty(0)
    values = np.array([v for v, _ in histogram])
    return np.repeat(values, [n for _, n in histogram])


def survey_overview(
    db: Database,
    *,
    days: int = 30,
    now: datetime | None = None,
    include_flagged: bool = False,
    scope: DepartmentScope = EVERYTHING,
) -> list[SurveyOverview]:
    """Each survey with its response counts and the window's NPS and CSAT, counting only
    the responses of ``scope``'s departments."""
    since = (now or utcnow()) - timedelta(days=days)
    out: list[SurveyOverview] = []
    with db.session() as s:
        totals = response_counts(s, scope=scope)
        recent = response_counts(s, since, scope=scope)
        flagged = counts_of_quality(s, FLAGGED, since, scope)
        excluded = counts_of_quality(s, EXCLUDED, since, scope)
        for current in current_surveys(s):
            definition = SurveyDefinition.model_validate(current.definition)
            nps_q = next((q for q in definition.questions if q.kind == QuestionKind.NPS), None)
            csat_q = next((q for q in definition.questions if q.kind == QuestionKind.CSAT), None)
            nps_result = csat_result = None
            if nps_q is not None:
                scores = _scores(
                    score_histogram(
                        s,
                        current.id,
                        nps_q.code,
                        since,
                        include_flagged=include_flagged,
                        scope=scope,
                    )
                )
                nps_result = nps(scores) if scores.size else None
            scale = None
            if csat_q is not None and csat_q.scale is not None:
                scale = (csat_q.scale.min, csat_q.scale.max)
                scores = _scores(
                    score_histogram(
                        s,
                        current.id,
                        csat_q.code,
                        since,
                        include_flagged=include_flagged,
                        scope=scope,
                    )
                )
                csat_result = csat(scores, scale=scale) if scores.size >= 2 else None
            out.append(
                SurveyOverview(
                    current.id,
                    current.survey.code,
                    definition.title.get("zh-CN"),
                    definition.title.get("en"),
                    SurveyStatus(current.status),
                    totals.get(current.id, 0),
                    recent.get(current.id, 0),
                    nps_result,
                    csat_result,
                    scale,
                    nps_q is not None,
                    csat_q is not None,
                    flagged.get(current.id, 0),
                    include_flagged,
                    excluded.get(current.id, 0),
                )
            )
    return out


@dataclass(frozen=True)
class HomePage:
    surveys: list[SurveyOverview]
    themes: FeedbackThemes


def home_page(
    db: Database,
    *,
    days: int = 30,
    now: datetime | None = None,
    include_flagged: bool = False,
    scope: DepartmentScope = EVERYTHING,
) -> HomePage:
    """Everything the home page shows, for the last ``days`` days, of ``scope``'s departments.

    ``include_flagged``: count responses with a quality flag in NPS and CSAT too.
    """
    return HomePage(
        survey_overview(db, days=days, now=now, include_flagged=include_flagged, scope=scope),
        feedback_themes(db, days=days, now=now, scope=scope),
    )
