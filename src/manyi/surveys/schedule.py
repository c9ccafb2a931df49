"""Use cases of a survey's schedule: set its opening and closing times, and store the
status the schedule asks for (the periodic job).

Whether a survey takes answers is decided at request time from its status and schedule
(:func:`manyi.domain.schedule.survey_state`); the job only keeps the stored status, which
lists show, in step with it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from manyi.domain.enums import SurveyStatus
from manyi.domain.schedule import check_window, due_status
from manyi.errors import FieldError, InvalidInput
from manyi.storage.database import Database
from manyi.storage.schedule import change_status_if, published_with_schedule, set_survey_schedule
from manyi.storage.surveys import set_survey_status
from manyi.storage.types import as_utc_naive, utcnow
from manyi.surveys.service import Survey, get_survey

log = logging.getLogger(__name__)

__all__ = ["StatusChange", "apply_schedules", "parse_time", "set_schedule"]


@dataclass(frozen=True)
class StatusChange:
    """A status the schedule job stored."""

    survey_id: int
    old: str
    new: str


def parse_time(text: str, name: str) -> datetime:
    """An ISO 8601 time as naive UTC (``2026-12-05T09:00+08:00``; without an offset it
    is taken as UTC); InvalidInput naming ``name`` when it is not one."""
    try:
        return as_utc_naive(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise InvalidInput(
            f"{name} {text!r} is not a time",
            [FieldError((name,), "give an ISO 8601 time such as 2026-12-05T09:00+08:00", "time")],
        ) from None


def set_schedule(
    db: Database,
    survey_id: int,
    opens_at: datetime | None,
    closes_at: datetime | None,
    *,
    now: datetime | None = None,
) -> Survey:
    """Store when the survey opens and closes (None: no bound; an aware time is turned
    into UTC, a naive one taken as UTC). A published survey's status follows at once:
    scheduled before ``opens_at``, active from it.

    Raises InvalidInput when ``closes_at`` is not after ``opens_at`` or already past (to
    close a survey now, set its status to closed)."""
    now = now or utcnow()
    opens = as_utc_naive(opens_at) if opens_at is not None else None
    closes = as_utc_naive(closes_at) if closes_at is not None else None
    try:
        check_window(opens, closes)
    except ValueError as exc:
        raise InvalidInput(str(exc), [FieldError(("closes_at",), str(exc), "range")]) from None
    if closes is not None and closes <= now:
        message = f"closes_at ({closes:%Y-%m-%d %H:%M} UTC) is in the past"
        raise InvalidInput(message, [FieldError(("closes_at",), message, "range")])
    with db.session() as s:
        row = set_survey_schedule(s, survey_id, opens, closes)
        due = due_status(row.status, opens, closes, now)
        if due is not None:
            set_survey_status(s, survey_id, due.value)
    return get_survey(db, survey_id)


def apply_schedules(db: Database, *, now: datetime | None = None) -> list[StatusChange]:
    """Store the status each published survey's schedule asks for at ``now``: scheduled
    → active once it opens, active → closed once it closes. A status a manager changed
    meanwhile is left as they set it."""
    now = now or utcnow()
    changes: list[StatusChange] = []
    published = (SurveyStatus.SCHEDULED.value, SurveyStatus.ACTIVE.value)
    with db.session() as s:
        for survey in published_with_schedule(s, published):
            due = due_status(survey.status, survey.opens_at, survey.closes_at, now)
            if due is not None and change_status_if(s, survey.id, survey.status, due.value):
                changes.append(StatusChange(survey.id, survey.status, due.value))
    for change in changes:
        log.info("survey %s: %s → %s (schedule)", change.survey_id, change.old, change.new)
    return changes
