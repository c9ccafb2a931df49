"""Report periods: calendar weeks (ISO, Monday first) and months in UTC (issue #11)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from manyi.errors import InvalidInput
from manyi.reporting.reports.periods import (
    last_complete_period,
    parse_period,
    period_containing,
)


def test_a_week_runs_monday_to_monday_and_names_its_iso_week() -> None:
    week = period_containing("weekly", datetime(2026, 12, 5, 17, 30))  # a Saturday
    assert (week.start, week.end) == (datetime(2026, 11, 30), datetime(2026, 12, 7))
    assert week.label == "2026-W49"
    assert date(2026, 11, 30).isocalendar()[:2] == (2026, 49)
    assert week.last_day == date(2026, 12, 6)


def test_a_month_ends_on_the_first_of_the_next_one_across_a_year_end() -> None:
    december = period_containing("monthly", datetime(2026, 12, 31, 23, 59))
    assert (december.start, december.end) == (datetime(2026, 12, 1), datetime(2027, 1, 1))
    assert december.previous().label == "2026-11"
    assert december.following().label == "2027-01"
    february = period_containing("monthly", datetime(2028, 2, 10))
    assert february.last_day == date(2028, 2, 29)  # a leap year


def test_the_last_complete_period_ends_at_or_before_now() -> None:
    # At the very start of a month, the month just ended is complete.
    assert last_complete_period("monthly", datetime(2026, 12, 1)).label == "2026-11"
    assert last_complete_period("monthly", datetime(2026, 11, 30, 23, 59)).label == "2026-10"
    assert last_complete_period("weekly", datetime(2026, 12, 7)).label == "2026-W49"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("month", "2026-11"),
        ("week", "2026-W48"),
        ("2026-03", "2026-03"),
        ("2026-W01", "2026-W01"),
        ("2020-W53", "2020-W53"),
    ],
)
def test_periods_are_parsed(text: str, label: str) -> None:
    assert parse_period(text, datetime(2026, 12, 5)).label == label


@pytest.mark.parametrize("text", ["2026-13", "2026-W54", "2026-W00", "yesterday", "1999-01", ""])
def test_a_bad_period_is_a_clear_error(text: str) -> None:
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        parse_period(text, datetime(2026, 12, 5))
