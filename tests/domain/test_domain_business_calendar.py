"""The business calendar: working time over weekends, lunch breaks, Chinese public
holidays and 调休 make-up workdays (2026 arrangement: 国办发明电〔2025〕7号)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from manyi.domain.business_calendar import (
    BusinessCalendar,
    china_calendar,
    china_public_holidays,
    parse_periods,
)


def sh(*args: int) -> datetime:
    """A Shanghai wall-clock time as naive UTC (UTC+8, no daylight saving)."""
    return datetime(*args) - timedelta(hours=8)  # type: ignore[arg-type]


def test_friday_17h_plus_8_working_hours_is_monday_17h() -> None:
    cal = china_calendar()
    # 2026-12-04 is a Friday; 1 h on Friday, 3 h Monday morning, 4 h after lunch.
    assert cal.add_working_minutes(sh(2026, 12, 4, 17), 8 * 60) == sh(2026, 12, 7, 17)


def test_holidays_are_skipped_and_make_up_workdays_count() -> None:
    cal = china_calendar()
    # Wednesday 2026-09-30 17:00 + 8 h: 1 h that day, then the National Day holiday
    # (10-01..10-07), then Thursday 10-08 (3 h + 4 h → 17:00).
    assert cal.add_working_minutes(sh(2026, 9, 30, 17), 8 * 60) == sh(2026, 10, 8, 17)
    # Sunday 2026-09-20 is a make-up workday (调休): a case opened Saturday evening
    # starts counting on that Sunday at 09:00.
    assert cal.add_working_minutes(sh(2026, 9, 19, 20), 60) == sh(2026, 9, 20, 10)
    # Saturday 2026-02-14 is worked; the Spring Festival holiday runs 02-15..02-23.
    assert cal.is_workday(date(2026, 2, 14))
    assert not cal.is_workday(date(2026, 2, 23))
    assert cal.add_working_minutes(sh(2026, 2, 14, 17), 120) == sh(2026, 2, 24, 10)


def test_lunch_break_and_minutes_between() -> None:
    cal = china_calendar()
    assert cal.add_working_minutes(sh(2026, 12, 7, 11, 30), 60) == sh(2026, 12, 7, 13, 30)
    assert cal.working_minutes_between(sh(2026, 12, 4, 17), sh(2026, 12, 7, 17)) == 8 * 60
    assert cal.working_minutes_between(sh(2026, 12, 5, 9), sh(2026, 12, 6, 18)) == 0
    assert cal.working_minutes_between(sh(2026, 12, 7, 17), sh(2026, 12, 7, 9)) == 0


def test_holiday_data_counts() -> None:
    holidays, workdays = china_public_holidays()
    in_2026 = {d for d in holidays if d.year == 2026}
    # 3 + 9 + 3 + 5 + 3 + 3 + 7 days off in the 2026 notice; six make-up workdays.
    assert len(in_2026) == 33
    assert {d for d in workdays if d.year == 2026} == {
        date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28),
        date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10),
    }  # fmt: skip
    assert date(2027, 2, 6) in holidays  # Spring Festival 2027 (statutory days)


def test_bad_calendars_are_refused() -> None:
    with pytest.raises(ValueError, match="end after"):
        BusinessCalendar(periods=((time(12), time(9)),))
    with pytest.raises(ValueError, match="overlap"):
        BusinessCalendar(periods=((time(9), time(13)), (time(12), time(18))))
    with pytest.raises(ValueError, match="HH:MM-HH:MM"):
        parse_periods("9-12")
    assert parse_periods("09:00-12:00, 13:00-18:00") == ((time(9), time(12)), (time(13), time(18)))
    with pytest.raises(ValueError, match="negative"):
        china_calendar().add_working_minutes(datetime(2026, 1, 5), -1)
