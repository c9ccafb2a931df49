"""Analysts' review of low-quality responses, and the bias incentives bring.

Responses with a quality flag (speeder, straight-liner, too fast, …) are left out of NPS
and CSAT until an analyst decides: **exclude** (always left out, with a reason) or
**keep** (counted despite its flags); the decision can be undone. Every decision changes
the response and its answers together (:mod:`manyi.storage.exclusions`), so the home
page and every aggregate see it at once.

:func:`incentive_bias` compares a question's mean score between incentivised responses
and the others (Welch's t test): a reward for answering tends to raise scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from manyi.domain.enums import QualityFlag
from manyi.domain.scope import EVERYTHING, SYSTEM, DepartmentScope, Reader
from manyi.domain.survey import LocalText
from manyi.errors import InvalidInput, NotFound
from manyi.stats.comparisons_means import welch_pair
from manyi.storage.database import Database
from manyi.storage.exclusions import (
    COUNTED,
    ExclusionChange,
    reviewable_page,
    scores_by_incentive,
    set_exclusion,
)
from manyi.storage.personal_views import record_personal_data_views
from manyi.storage.responses import response_by_id
from manyi.storage.scoping import touchpoint_department
from manyi.storage.surveys import current_surveys, survey_row
from manyi.storage.tables import ResponseRow
from manyi.storage.types import utcnow

#: The review list's filter on decisions.
DECISIONS = ("open", "excluded", "kept")
MAX_REASON = 500
PAGE_SIZE = 50


@dataclass(frozen=True)
class FlaggedResponse:
    id: int
    survey_id: int
    submitted_at: datetime
    flags: list[str]
    #: None: nobody decided; True excluded; False kept.
    excluded: bool | None
    reason: str | None
    reviewed_at: datetime | None
    incentivised: bool
    answers: dict[str, Any]
    source: str


@dataclass(frozen=True)
class FlaggedPage:
    items: list[FlaggedResponse]
    count: int
    limit: int
    offset: int
    #: (id, title in zh-CN, title in en) of every survey, for the filter.
    surveys: list[tuple[int, str, str]]


def _flag(flag: str | None) -> str | None:
    if flag is None:
        return None
    if flag not in {f.value for f in QualityFlag}:
        known = ", ".join(f.value for f in QualityFlag)
        raise InvalidInput(f"unknown quality flag {flag!r}; one of {known}")
    return flag


def _item(row: ResponseRow, personal_data: bool) -> FlaggedResponse:
    # Open answers are stored redacted; roles allowed to see personal data get the originals.
    answers = {**row.answers, **(row.raw_answers or {})} if personal_data else dict(row.answers)
    return FlaggedResponse(
        row.id,
        row.survey_id,
        row.submitted_at,
        list(row.quality_flags or []),
        row.excluded,
        row.exclusion_reason,
        row.reviewed_at,
        row.incentivised,
        answers,
        row.source,
    )


def flagged_responses(
    db: Database,
    *,
    survey_id: int | None = None,
    flag: str | None = None,
    decision: str | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
    reader: Reader = SYSTEM,
) -> FlaggedPage:
    """One page of the responses to review in the reader's departments, newest first:
    those with a quality flag (``flag``: only this one) or a decision (``decision``:
    open, excluded or kept). Shown originals of redacted answers are audited."""
    if decision is not None and decision not in DECISIONS:
        raise InvalidInput(f"unknown decision {decision!r}; one of {', '.join(DECISIONS)}")
    if offset < 0 or not 1 <= limit <= 500:
        raise InvalidInput("limit must be between 1 and 500 and offset not negative")
    with db.session() as s:
        rows, count = reviewable_page(
            s,
            survey_id=survey_id,
            flag=_flag(flag),
            decision=decision,
            limit=limit,
            offset=offset,
            scope=reader.scope,
        )
        record_personal_data_views(s, reader, "response", [r.id for r in rows if r.raw_answers])
        titles = [
            (c.id, LocalText.model_validate(c.definition["title"])) for c in current_surveys(s)
        ]
        surveys = [(sid, title.get("zh-CN"), title.get("en")) for sid, title in titles]
        items = [_item(r, reader.personal_data) for r in rows]
    return FlaggedPage(items, count, limit, offset, surveys)


def decide_exclusion(
    db: Database,
    response_id: int,
    *,
    excluded: bool | None,
    reason: str | None = None,
    user_id: int | None = None,
    scope: DepartmentScope = EVERYTHING,
) -> ExclusionChange:
    """Exclude a response from the aggregates (``excluded`` True, with a ``reason``), keep
    it despite its flags (False), or forget the decision (None). A response outside
    ``scope`` is NotFound, as if it did not exist."""
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        raise InvalidInput(f"the reason is longer than {MAX_REASON} characters")
    with db.session() as s:
        row = response_by_id(s, response_id)
        if row is None or not scope.allows(touchpoint_department(s, row.touchpoint_id)):
            raise NotFound(f"no response with id {response_id}")
        change = set_exclusion(
            s, response_id, excluded=excluded, reason=reason, user_id=user_id, now=utcnow()
        )
    if change is None:
        raise NotFound(f"no response with id {response_id}")
    return change


def is_counted(change: ExclusionChange) -> bool:
    """Whether the aggregates count the response after the change (by default)."""
    return change.quality == COUNTED


@dataclass(frozen=True)
class IncentiveBias:
    """A question's mean score among incentivised responses and the others."""

    question: str
    n_incentivised: int
    n_other: int
    mean_incentivised: float | None
    mean_other: float | None
    #: mean_incentivised - mean_other, its Welch confidence interval and p value (None
    #: when either group has fewer than two scores).
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None


def _expand(histogram: list[tuple[float, int]]) -> np.ndarray:
    if not histogram:
        return np.empty(0)
    return np.repeat([v for v, _ in histogram], [n for _, n in histogram]).astype(float)


def incentive_bias(
    db: Database,
    survey_id: int,
    question: str,
    *,
    include_flagged: bool = False,
    confidence: float = 0.95,
) -> IncentiveBias:
    """Compare ``question``'s mean score between incentivised and other responses of the
    survey (the responses the aggregates count: never excluded ones)."""
    with db.session() as s:
        if survey_row(s, survey_id) is None:
            raise NotFound(f"no survey with id {survey_id}")
        groups = scores_by_incentive(s, survey_id, question, include_flagged=include_flagged)
    paid, other = _expand(groups[True]), _expand(groups[False])
    mean_paid = float(paid.mean()) if paid.size else None
    mean_other = float(other.mean()) if other.size else None
    if paid.size < 2 or other.size < 2:
        return IncentiveBias(
            question, int(paid.size), int(other.size), mean_paid, mean_other, None, None, None, None
        )
    test = welch_pair(paid, other, confidence)
    p_value = test["p_value"]
    return IncentiveBias(
        question,
        int(paid.size),
        int(other.size),
        mean_paid,
        mean_other,
        test["difference"],
        test["ci_low"],
        test["ci_high"],
        None if np.isnan(p_value) else p_value,
    )
