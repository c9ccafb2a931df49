"""Exclusion repository: an analyst's decision to exclude a flagged response from the
aggregates (or to keep it), the flagged responses to review, and the reads that compare
incentivised with other responses.

Every response has a ``quality`` class, copied to each of its answers so that the score
histograms filter on it inside the answers' covering index (no join to ``responses``):

- :data:`COUNTED` (0): no quality flag, or an analyst kept it despite its flags;
- :data:`FLAGGED` (1): it has a quality flag and nobody decided yet: left out of NPS and
  CSAT unless flagged responses are asked for;
- :data:`EXCLUDED` (2): an analyst excluded it: always left out.

:func:`set_exclusion` changes the decision and both copies in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from manyi.domain.scope import DepartmentScope
from manyi.storage.paging import fetch_page
from manyi.storage.quality import quality_flag_count
from manyi.storage.rollups import refresh_responses
from manyi.storage.scoping import response_in_scope
from manyi.storage.tables import AnswerRow, InvitationRow, ResponseRow, SurveyDraftRow

COUNTED = 0
FLAGGED = 1
EXCLUDED = 2


def quality_of(flags: Sequence[Any], excluded: bool | None) -> int:
    """The quality class of a response with ``flags`` and an analyst's decision."""
    if excluded is True:
        return EXCLUDED
    if excluded is False or not flags:
        return COUNTED
    return FLAGGED


def counted_up_to(include_flagged: bool) -> int:
    """The highest quality class an aggregate counts."""
    return FLAGGED if include_flagged else COUNTED


@dataclass(frozen=True)
class ExclusionChange:
    response_id: int
    survey_id: int
    excluded: bool | None
    quality: int


def set_exclusion(
    session: Session,
    response_id: int,
    *,
    excluded: bool | None,
    reason: str | None,
    user_id: int | None,
    now: datetime,
) -> ExclusionChange | None:
    """Record the decision on one response and copy its quality class to its answers.

    ``excluded``: True excludes, False keeps it despite its flags, None forgets the
    decision (the flags decide again). None when there is no such response. The caller's
    session is the one transaction: the response and its answers change together."""
    row = session.get(ResponseRow, response_id, with_for_update=True)
    if row is None:
        return None
    quality = quality_of(row.quality_flags or [], excluded)
    changed = quality != row.quality
    row.excluded = excluded
    row.exclusion_reason = reason if excluded is not None else None
    row.reviewed_at = now if excluded is not None else None
    row.reviewed_by = user_id if excluded is not None else None
    row.quality = quality
    # By the answers' response_id index: a response has tens of answers at most.
    session.execute(
        update(AnswerRow).where(AnswerRow.response_id == response_id).values(quality=quality)
    )
    if changed:
        # The dashboards' rollups count by quality: recompute the response's day.
        refresh_responses(session, [response_id])
    return ExclusionChange(row.id, row.survey_id, excluded, quality)


def _reviewable(session: Session) -> Any:
    """Responses with a flag, or with a decision (an exclusion may be undone)."""
    return or_(quality_flag_count(session) > 0, ResponseRow.excluded.is_not(None))


def reviewable_page(
    session: Session,
    *,
    survey_id: int | None = None,
    flag: str | None = None,
    decision: str | None = None,
    limit: int,
    offset: int,
    scope: DepartmentScope | None = None,
) -> tuple[list[ResponseRow], int]:
    """Responses to review, newest first: those with a quality flag (``flag``: only those
    with this one) or an analyst's decision. ``decision``: "open" (none yet),
    "excluded", "kept" or None (all)."""
    query: Select[Any] = select(ResponseRow).where(_reviewable(session), response_in_scope(scope))
    if survey_id is not None:
        query = query.where(ResponseRow.survey_id == survey_id)
    if flag is not None:
        query = query.where(has_flag(session, flag))
    if decision == "open":
        query = query.where(ResponseRow.excluded.is_(None))
    elif decision in ("excluded", "kept"):
        query = query.where(ResponseRow.excluded.is_(decision == "excluded"))
    query = query.order_by(ResponseRow.submitted_at.desc(), ResponseRow.id.desc())
    return fetch_page(session, query, limit=limit, offset=offset)


def has_flag(session: Session, flag: str) -> Any:
    """SQL condition: the response's ``quality_flags`` array holds ``flag``."""
    if session.get_bind().dialect.name == "postgresql":
        return ResponseRow.quality_flags.op("@>")(func.jsonb_build_array(flag))
    each = func.json_each(ResponseRow.quality_flags).table_valued("value").alias("flag")
    return select(each.c.value).where(each.c.value == flag).exists()


def counts_of_quality(
    session: Session,
    quality: int,
    since: datetime | None = None,
    scope: DepartmentScope | None = None,
) -> dict[int, int]:
    """survey id -> responses (since ``since``; of ``scope``) of one quality class."""
    query = (
        select(ResponseRow.survey_id, func.count())
        .where(ResponseRow.quality == quality, response_in_scope(scope))
        .group_by(ResponseRow.survey_id)
    )
    if since is not None:
        query = query.where(ResponseRow.submitted_at >= since)
    return {int(sid): int(n) for sid, n in session.execute(query).all()}


def scores_by_incentive(
    session: Session, survey_id: int, question: str, *, include_flagged: bool = False
) -> dict[bool, list[tuple[float, int]]]:
    """incentivised -> (value, count) of a question's numeric answers, counted responses
    only (excluded ones never, flagged ones when asked)."""
    rows = session.execute(
        select(ResponseRow.incentivised, AnswerRow.value, func.count())
        .join(ResponseRow, ResponseRow.id == AnswerRow.response_id)
        .where(
            AnswerRow.survey_id == survey_id,
            AnswerRow.question == question,
            AnswerRow.item == "",
            AnswerRow.value.is_not(None),
            AnswerRow.quality <= counted_up_to(include_flagged),
        )
        .group_by(ResponseRow.incentivised, AnswerRow.value)
    ).all()
    out: dict[bool, list[tuple[float, int]]] = {True: [], False: []}
    for incentivised, value, count in rows:
        if value is not None:
            out[bool(incentivised)].append((float(value), int(count)))
    return out


def incentive_code_of(session: Session, response_id: int) -> str | None:
    return session.scalar(select(ResponseRow.incentive_code).where(ResponseRow.id == response_id))


def set_incentive_code(session: Session, response_id: int, code: str) -> None:
    session.execute(
        update(ResponseRow).where(ResponseRow.id == response_id).values(incentive_code=code)
    )


def draft_response_id(session: Session, draft_id: int) -> int | None:
    """The response a respondent's draft was submitted as (None: not submitted)."""
    return session.scalar(select(SurveyDraftRow.response_id).where(SurveyDraftRow.id == draft_id))


def invitation_incentive(session: Session, invitation_id: int) -> bool | None:
    """An invitation's ``incentive`` metadata as a yes or no; None when it has none."""
    meta = session.scalar(select(InvitationRow.meta).where(InvitationRow.id == invitation_id))
    if not isinstance(meta, dict) or "incentive" not in meta:
        return None
    return bool(meta["incentive"])
