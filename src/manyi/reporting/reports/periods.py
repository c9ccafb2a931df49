"""Report periods: calendar weeks (Monday to Sunday) and calendar months, in UTC.

A period is ``[start, end)`` in naive UTC, like every stored time. A scheduled report
covers the last complete period and is due when that period ends; the previous period
is the one a report compares with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from manyi.errors import InvalidInput

Frequency = Literal["weekly", "monthly"]
FREQUENCIES: tuple[Frequency, ...] = ("weekly", "monthly")

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")


@dataclass(frozen=True)
class ReportPeriod:
    frequency: Frequency
    start: datetime
    end: datetime

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()

    @property
    def label(self) -> str:
        """``2026-11`` or ``2026-W47`` (ISO week), as the API and CLI take it."""
        if self.frequency == "monthly":
            return f"{self.start:%Y-%m}"
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"

    def previous(self) -> ReportPeriod:
        return period_containing(self.frequency, self.start - timedelta(days=1))

    def following(self) -> ReportPeriod:
        return period_containing(self.frequency, self.end)


def period_containing(frequency: Frequency, at: datetime) -> ReportPeriod:
    """The week or month that holds ``at``."""
    day = datetime(at.year, at.month, at.day)
    if frequency == "weekly":
        start = day - timedelta(days=day.weekday())
        return ReportPeriod("weekly", start, start + timedelta(days=7))
    if frequency == "monthly":
        start = day.replace(day=1)
        end = datetime(start.year + start.month // 12, start.month % 12 + 1, 1)
        return ReportPeriod("monthly", start, end)
    raise InvalidInput(f"a report period is weekly or monthly, not {frequency!r}")


def last_complete_period(frequency: Frequency, now: datetime) -> ReportPeriod:
    """The latest week or month that ended at or before ``now``."""
    return period_containing(frequency, now).previous()


def parse_period(text: str, now: datetime) -> ReportPeriod:
    """``week`` / ``month`` (the last complete one), ``YYYY-MM`` or ``YYYY-Www``."""
    value = text.strip()
    if value in ("week", "weekly"):
        return last_complete_period("weekly", now)
    if value in ("month", "monthly"):
        return last_complete_period("monthly", now)
    if match := _MONTH.fullmatch(value):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return period_containing("monthly", datetime(year, month, 1))
    if match := _WEEK.fullmatch(value):
        year, week = int(match[1]), int(match[2])
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            monday = None
        if monday is not None and 2000 <= year <= 2100:
            return period_containing("weekly", datetime(monday.year, monday.month, monday.day))
    raise InvalidInput(
        f"a report period is week, month, YYYY-MM or YYYY-Www (e.g. 2026-11, 2026-W47), not {text!r}"
    )
