"""The home page's numbers: each survey with its response counts and recent NPS and CSAT,
and what customers wrote about in the same window (:mod:`manyi.reporting.themes`).

Scores are aggregated in the database as a histogram (value → count) over the narrow
answers table, then expanded and handed to ``manyi.stats`` so the page shows the same
numbers, with the same confidence intervals, as every other report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manyi.domain.enums import QuestionKind, SurveyStatus
from manyi.domain.survey import SurveyDefinition
from manyi.reporting.themes import FeedbackThemes, feedback_themes
from manyi.stats.metrics import CsatResult, NpsResult, csat, nps
from manyi.storage.database import Database
from manyi.storage.tables import AnswerRow, ResponseRow, SurveyRow, SurveyVersionRow
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


def _histogram(s: Session, survey_id: int, question: str, since: datetime) -> np.ndarray:
    rows = s.execute(
        select(AnswerRow.value, func.count())
        .where(
            AnswerRow.survey_id == survey_id, AnswerRow.question == question, AnswerRow.item == ""
        )
        .where(AnswerRow.submitted_at >= since, AnswerRow.value.is_not(None))
        .group_by(AnswerRow.value)
    ).all()
    if not rows:
        return np.empty(0)
    values = np.array([float(v) for v, _ in rows if v is not None])
    counts = np.array([int(c) for _, c in rows])
    return np.repeat(values, counts)


def survey_overview(
    db: Database, *, days: int = 30, now: datetime | None = None
) -> list[SurveyOverview]:
    since = (now or utcnow()) - timedelta(days=days)
    out: list[SurveyOverview] = []
    with db.session() as s:
        totals = dict(
            s.execute(
                select(ResponseRow.survey_id, func.count()).group_by(ResponseRow.survey_id)
            ).all()
        )
        recent = dict(
            s.execute(
                select(ResponseRow.survey_id, func.count())
                .where(ResponseRow.submitted_at >= since)
                .group_by(ResponseRow.survey_id)
            ).all()
        )
        for survey in s.scalars(select(SurveyRow).order_by(SurveyRow.id)):
            version = s.scalar(
                select(SurveyVersionRow.definition).where(
                    SurveyVersionRow.survey_id == survey.id,
                    SurveyVersionRow.version == survey.current_version,
                )
            )
            definition = SurveyDefinition.model_validate(version)
            nps_q = next((q for q in definition.questions if q.kind == QuestionKind.NPS), None)
            csat_q = next((q for q in definition.questions if q.kind == QuestionKind.CSAT), None)
            nps_result = csat_result = None
            if nps_q is not None:
                scores = _histogram(s, survey.id, nps_q.code, since)
                nps_result = nps(scores) if scores.size else None
            scale = None
            if csat_q is not None and csat_q.scale is not None:
                scale = (csat_q.scale.min, csat_q.scale.max)
                scores = _histogram(s, survey.id, csat_q.code, since)
                csat_result = csat(scores, scale=scale) if scores.size >= 2 else None
            out.append(
                SurveyOverview(
                    survey.id,
                    survey.code,
                    definition.title.get("zh-CN"),
                    definition.title.get("en"),
                    SurveyStatus(survey.status),
                    int(totals.get(survey.id, 0)),
                    int(recent.get(survey.id, 0)),
                    nps_result,
                    csat_result,
                    scale,
                    nps_q is not None,
                    csat_q is not None,
                )
            )
    return out


@dataclass(frozen=True)
class HomePage:
    surveys: list[SurveyOverview]
    themes: FeedbackThemes


def home_page(db: Database, *, days: int = 30, now: datetime | None = None) -> HomePage:
    """Everything the home page shows, for the last ``days`` days."""
    return HomePage(
        survey_overview(db, days=days, now=now), feedback_themes(db, days=days, now=now)
    )
