"""The intake step that claims a survey's quotas for the responses just stored.

It runs inside the pipeline's transaction, after the insert: a response stored now takes
one place in every quota whose segment it falls in (``manyi.domain.quotas``), by the
conditional UPDATE of :func:`manyi.storage.quotas.claim_quota`. A quota that is full
raises, and the transaction (the response with it) is rolled back, so nothing is stored
twice and nothing over-fills; a response already stored by an earlier request (the same
idempotency key) claims nothing again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from manyi.domain.enums import SurveyStatus
from manyi.domain.quotas import CUSTOMER_KEY, quotas_met
from manyi.errors import Conflict, QuotaFull
from manyi.ingestion.responses import SurveyContext
from manyi.storage.quotas import claim_quota, customer_segments
from manyi.storage.surveys import set_survey_status

__all__ = ["claim_quotas"]


def claim_quotas(
    session: Session,
    ctx: SurveyContext,
    responses: Sequence[tuple[Mapping[str, Any], int | None, Mapping[str, Any] | None]],
) -> None:
    """Claim the quotas of each new response: ``(answers, customer id, segments given
    with the response)``.

    Raises
    ------
    QuotaFull
        When a response falls in a full ``screen_out`` quota (the respondent is screened out).
    Conflict
        When it falls in a full ``close`` quota: the survey closed when that filled.
    """
    quotas = ctx.definition.quotas
    if not quotas:
        return
    by_customer = any(CUSTOMER_KEY.match(key) for q in quotas for key in q.segment)
    for answers, customer_id, given in responses:
        segments: dict[str, Any] = {}
        if by_customer and customer_id is not None:
            segments = customer_segments(session, customer_id=customer_id)
        segments.update(given or {})
        # One order for every transaction: two claims of the same quotas never deadlock.
        for quota in sorted(quotas_met(ctx.definition, answers, segments), key=lambda q: q.code):
            count = claim_quota(session, ctx.survey_id, quota.code, quota.limit)
            if count is None and quota.action == "close":
                raise Conflict(
                    f"survey {ctx.survey_id} is closed: its quota {quota.code!r} is full"
                )
            if count is None:
                raise QuotaFull(
                    f"quota {quota.code!r} of survey {ctx.survey_id} is full", quota=quota.code
                )
            if quota.action == "close" and count >= quota.limit:
                set_survey_status(session, ctx.survey_id, SurveyStatus.CLOSED.value)
