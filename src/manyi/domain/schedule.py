"""Scheduled opening and closing: whether a survey takes answers at a given moment.

A survey's ``status`` is what a manager set (draft, scheduled, active, paused, closed);
``opens_at`` and ``closes_at`` (naive UTC) bound when a published survey takes answers.
The respondent form and the intake pipeline ask :func:`survey_state` at request time, so
the schedule holds even when no job has run; the periodic job stores the status that
:func:`due_status` says, so that lists show what the respondent sees.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from manyi.domain.enums import SurveyStatus

__all__ = ["State", "check_window", "due_status", "published_status", "survey_state"]

#: ``open``: takes answers; ``not_yet``: published, before ``opens_at``; ``ended``: past
#: ``closes_at`` (closed by the schedule); ``closed``: closed by hand; ``not_open``: a
#: draft or paused survey.
State = Literal["open", "not_yet", "ended", "closed", "not_open"]


def check_window(opens_at: datetime | None, closes_at: datetime | None) -> None:
    """Raise ``ValueError`` when the survey would close before (or as) it opens."""
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise ValueError(f"closes_at ({closes_at:%Y-%m-%d %H:%M}) must be after opens_at")


def survey_state(
    status: str, opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> State:
    """Whether a survey with this status and schedule takes answers at ``now``."""
    if status == SurveyStatus.CLOSED:
        return "closed"
    if status not in (SurveyStatus.ACTIVE, SurveyStatus.SCHEDULED):
        return "not_open"
    if closes_at is not None and now >= closes_at:
        return "ended"
    if opens_at is not None and now < opens_at:
        return "not_yet"
    # A scheduled survey whose opening time has passed is open, whether or not the job
    # has stored "active" yet.
    return "open"


def due_status(
    status: str, opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> SurveyStatus | None:
    """The status the schedule asks to store at ``now`` (None: keep ``status``): a
    published survey becomes closed past ``closes_at``, a scheduled one active once
    ``opens_at`` has passed, an active one scheduled when it was given a later opening."""
    state = survey_state(status, opens_at, closes_at, now)
    wanted = {
        "ended": SurveyStatus.CLOSED,
        "open": SurveyStatus.ACTIVE,
        "not_yet": SurveyStatus.SCHEDULED,
    }.get(state)
    return wanted if wanted is not None and wanted != status else None


def published_status(
    opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> SurveyStatus:
    """The status to store when a manager publishes (sets "active"): scheduled before
    ``opens_at``; ValueError past ``closes_at`` (the schedule would close it at once)."""
    if closes_at is not None and now >= closes_at:
        raise ValueError(
            f"the schedule closed this survey at {closes_at:%Y-%m-%d %H:%M} UTC; "
            "move or clear closes_at before opening it again"
        )
    if opens_at is not None and now < opens_at:
        return SurveyStatus.SCHEDULED
    return SurveyStatus.ACTIVE
