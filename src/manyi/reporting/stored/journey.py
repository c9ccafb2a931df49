"""The journey view: touchpoints in the order of their journey stage, each with its score.

A touchpoint's score comes from one of two places, whichever the survey has:

* questions tied to a touchpoint (``Question.touchpoint``, e.g. the relationship survey's
  "delivery on time" rating): the mean answer to that question;
* otherwise the touchpoint each response came through (``responses.touchpoint_id``, e.g.
  a transactional survey sent after a repair): the mean of the survey's main score (the
  drivers target) per touchpoint.

Each mean has its Student-t interval (``manyi.stats.metrics.csat``) and is put on 0–100,
``(mean − low) / (high − low) × 100``, so touchpoints asked on different scales line up.
The weakest link is the lowest score among touchpoints with at least
:data:`MIN_ANSWERS` answers; it is *clearly* the weakest when its interval lies wholly
below the interval of every other touchpoint's score.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from manyi.domain.enums import JourneyStage
from manyi.reporting.stored.frame import StoredFrame
from manyi.reporting.stored.plan import SINGLE_SCORE, StoredPlan
from manyi.stats.metrics import csat

#: Touchpoints with fewer answers are shown but never called the weakest link.
MIN_ANSWERS = 30
STAGES: tuple[str, ...] = tuple(s.value for s in JourneyStage)


@dataclass(frozen=True)
class JourneyPoint:
    """One touchpoint on the journey."""

    touchpoint: str
    stage: str
    name_zh: str
    name_en: str
    column: str
    n: int
    mean: float
    ci_low: float
    ci_high: float
    scale: tuple[float, float]
    score: float
    score_low: float
    score_high: float
    weakest: bool = False


@dataclass(frozen=True)
class Journey:
    """The journey of one survey: its touchpoints in stage order, the weakest marked.

    ``basis`` says where the scores come from (``questions`` or ``responses``); None with
    no touchpoint at all. ``clear`` is true when the weakest touchpoint's interval lies
    below every other's.
    """

    basis: Literal["questions", "responses"] | None
    points: list[JourneyPoint]
    clear: bool = False

    @property
    def weakest(self) -> JourneyPoint | None:
        return next((p for p in self.points if p.weakest), None)


def _point(
    code: str,
    values: pd.Series,
    column: str,
    scale: tuple[float, float],
    names: dict[str, tuple[str, str, str, int]],
) -> JourneyPoint | None:
    numbers = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    if len(numbers) < 2:
        return None
    result = csat(numbers, scale=scale, top_k=1)
    low, high = scale
    width = high - low

    def on_100(x: float) -> float:
        return (x - low) / width * 100.0

    stage, zh, en, _ = names.get(code, ("", code, code, 0))
    return JourneyPoint(
        touchpoint=code,
        stage=stage,
        name_zh=zh,
        name_en=en,
        column=column,
        n=result.n,
        mean=result.mean,
        ci_low=result.ci_low,
        ci_high=result.ci_high,
        scale=scale,
        score=on_100(result.mean),
        score_low=on_100(result.ci_low),
        score_high=on_100(result.ci_high),
    )


def _order(point: JourneyPoint, names: dict[str, tuple[str, str, str, int]]) -> tuple[int, int]:
    stage = STAGES.index(point.stage) if point.stage in STAGES else len(STAGES)
    return stage, names.get(point.touchpoint, ("", "", "", 1 << 30))[3]


def journey(
    stored: StoredFrame, plan: StoredPlan, names: dict[str, tuple[str, str, str, int]]
) -> Journey:
    """The touchpoints of the survey in journey order; ``names`` maps a touchpoint code to
    (stage, name_zh, name_en, id) from the touchpoints table."""
    frame = stored.frame
    points: list[JourneyPoint] = []
    basis: Literal["questions", "responses"] | None = None
    for q in stored.questions:
        column = stored.column(q.code)
        scale = plan.scales.get(column or "")
        if (
            q.touchpoint
            and q.kind in SINGLE_SCORE
            and column is not None
            and column in frame
            and scale is not None
        ):
            point = _point(q.touchpoint, frame[column], column, scale, names)
            if point is not None:
                points.append(point)
    if points:
        basis = "questions"
    elif plan.target is not None and plan.target in frame and plan.target in plan.scales:
        groups = frame["touchpoint"].dropna().astype(str)
        for code in groups.unique():
            values = frame.loc[frame["touchpoint"] == code, plan.target]
            point = _point(str(code), values, plan.target, plan.scales[plan.target], names)
            if point is not None:
                points.append(point)
        basis = "responses" if points else None
    points.sort(key=lambda p: _order(p, names))
    eligible = [p for p in points if p.n >= MIN_ANSWERS] or points
    if not eligible:
        return Journey(basis, points)
    worst = min(eligible, key=lambda p: p.score)
    others = [p for p in points if p is not worst]
    clear = bool(others) and all(worst.score_high < p.score_low for p in others)
    marked = [replace(p, weakest=p is worst) for p in points]
    if not np.isfinite(worst.score):
        return Journey(basis, points)
    return Journey(basis, marked, clear)


__all__ = ["MIN_ANSWERS", "STAGES", "Journey", "JourneyPoint", "journey"]
