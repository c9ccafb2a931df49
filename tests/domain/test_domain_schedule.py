"""Scheduled opening and closing (manyi.domain.schedule): the state at a moment, the
status the job stores, and publishing under a schedule (issue #10)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from manyi.domain.enums import SurveyStatus
from manyi.domain.schedule import check_window, due_status, published_status, survey_state

OPENS = datetime(2026, 12, 5, 1, 0)
CLOSES = datetime(2026, 12, 12, 1, 0)
BEFORE, DURING, AFTER = OPENS - timedelta(minutes=1), OPENS + timedelta(days=1), CLOSES


@pytest.mark.parametrize(
    ("status", "now", "state"),
    [
        ("scheduled", BEFORE, "not_yet"),
        ("scheduled", OPENS, "open"),  # opens at the very minute, before any job ran
        ("scheduled", AFTER, "ended"),
        ("active", BEFORE, "not_yet"),
        ("active", DURING, "open"),
        ("active", AFTER, "ended"),  # closes at closes_at exactly
        ("closed", DURING, "closed"),
        ("paused", DURING, "not_open"),
        ("draft", DURING, "not_open"),
    ],
)
def test_the_state_follows_status_and_schedule(status: str, now: datetime, state: str) -> None:
    assert survey_state(status, OPENS, CLOSES, now) == state


def test_no_schedule_means_the_status_alone() -> None:
    assert survey_state("active", None, None, AFTER) == "open"
    assert survey_state("active", None, CLOSES, DURING) == "open"
    assert survey_state("active", OPENS, None, AFTER + timedelta(days=999)) == "open"


@pytest.mark.parametrize(
    ("status", "now", "due"),
    [
        ("scheduled", BEFORE, None),
        ("scheduled", DURING, SurveyStatus.ACTIVE),
        ("scheduled", AFTER, SurveyStatus.CLOSED),
        ("active", BEFORE, SurveyStatus.SCHEDULED),
        ("active", DURING, None),
        ("active", AFTER, SurveyStatus.CLOSED),
        ("paused", AFTER, None),  # a paused survey stays as the manager left it
        ("draft", DURING, None),
        ("closed", DURING, None),
    ],
)
def test_the_job_stores_what_the_schedule_says(
    status: str, now: datetime, due: SurveyStatus | None
) -> None:
    assert due_status(status, OPENS, CLOSES, now) == due


def test_publishing_waits_for_the_opening_and_refuses_past_the_closing() -> None:
    assert published_status(OPENS, CLOSES, BEFORE) == SurveyStatus.SCHEDULED
    assert published_status(OPENS, CLOSES, DURING) == SurveyStatus.ACTIVE
    assert published_status(None, None, DURING) == SurveyStatus.ACTIVE
    with pytest.raises(ValueError, match="move or clear closes_at"):
        published_status(OPENS, CLOSES, AFTER)


def test_a_window_must_close_after_it_opens() -> None:
    check_window(OPENS, CLOSES)
    check_window(None, CLOSES)
    check_window(OPENS, None)
    with pytest.raises(ValueError, match="must be after opens_at"):
        check_window(OPENS, OPENS)
    with pytest.raises(ValueError, match="must be after opens_at"):
        check_window(CLOSES, OPENS)
