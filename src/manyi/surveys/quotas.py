"""Use cases of survey quotas: how full each quota is, and the early screen-out of a
respondent whose answers so far put them in a full quota.

The place in a quota is claimed only when the response is stored (the intake pipeline's
quota step, in the same transaction); the check here runs as soon as the screening answer
is posted, so a respondent of a full segment is told at once instead of after the last
page. Both use the same segment rules (``manyi.domain.quotas``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from manyi.domain.quotas import CUSTOMER_KEY, quotas_met
from manyi.domain.survey import Quota, SurveyDefinition
from manyi.storage.database import Database
from manyi.storage.quotas import (
    customer_segments,
    full_quotas,
    mark_draft_screened_out,
    quota_counts,
)
from manyi.surveys.service import get_survey

__all__ = ["QuotaCount", "full_quota_for", "quota_status", "screen_out"]


@dataclass(frozen=True)
class QuotaCount:
    """One quota of the current definition and how many responses it holds."""

    code: str
    limit: int
    count: int
    action: Literal["screen_out", "close"]
    segment: dict[str, list[Any]]

    @property
    def full(self) -> bool:
        return self.count >= self.limit


def quota_status(db: Database, survey_id: int) -> list[QuotaCount]:
    """The quotas of the survey's current definition, each with its count."""
    survey = get_survey(db, survey_id)
    with db.session() as s:
        counts = quota_counts(s, survey_id)
    return [
        QuotaCount(q.code, q.limit, counts.get(q.code, 0), q.action, dict(q.segment))
        for q in survey.definition.quotas
    ]


def full_quota_for(
    db: Database,
    survey_id: int,
    definition: SurveyDefinition,
    answers: Mapping[str, Any],
    customer: str | None = None,
) -> Quota | None:
    """The first screen-out quota that the answers so far (and the invited ``customer``'s
    attributes) fall in and that is full; None when the respondent may go on."""
    screening = [q for q in definition.quotas if q.action == "screen_out"]
    if not screening:
        return None
    with db.session() as s:
        segments: dict[str, Any] = {}
        if customer and any(CUSTOMER_KEY.match(k) for q in screening for k in q.segment):
            segments = customer_segments(s, external_id=customer)
        met = [q for q in quotas_met(definition, answers, segments) if q.action == "screen_out"]
        if not met:
            return None
        full = full_quotas(s, survey_id, {q.code: q.limit for q in met})
    return next((q for q in met if q.code in full), None)


def screen_out(db: Database, draft_id: int, quota: str) -> None:
    """Mark the draft as screened out by ``quota``: it keeps every answer, and its link
    shows the screen-out page from now on."""
    with db.session() as s:
        mark_draft_screened_out(s, draft_id, quota)
