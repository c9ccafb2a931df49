"""Business hours: the working time between two moments, and a due time so many working
minutes after a start, on a calendar of weekdays, office hours, public holidays and
make-up workdays (调休).

Times in and out are naive UTC, as everywhere in manyi; the calendar converts them to its
own time zone (``Asia/Shanghai`` by default) to decide what is working time. Chinese
public holidays for 2026 and 2027 ship as data (``resources/holidays_cn.json``, sources
named in the file).

Example: with office hours 09:00–12:00 and 13:00–18:00, a case opened on Friday at 17:00
(Shanghai) with 8 working hours to go is due on Monday at 17:00 (1 h on Friday, 3 h on
Monday morning, 4 h after lunch); when Monday is a holiday, on Tuesday.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo

#: Office hours by default: morning and afternoon with a lunch break, 8 working hours.
DEFAULT_PERIODS: tuple[tuple[time, time], ...] = ((time(9), time(12)), (time(13), time(18)))
#: How far ahead (in days) a due time is searched before the calendar is called broken.
_HORIZON_DAYS = 3660


@dataclass(frozen=True)
class BusinessCalendar:
    """Working time: ``periods`` on weekdays (Mon–Fri) and ``workdays``, but never on
    ``holidays``. A make-up workday (调休, e.g. a Sunday worked) counts like a weekday."""

    timezone: str = "Asia/Shanghai"
    periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("a business calendar needs at least one working period a day")
        for start, end in self.periods:
            if not start < end:
                raise ValueError(f"a working period must end after it starts: {start}–{end}")
        ordered = sorted(self.periods)
        for (_, end), (start, _) in itertools.pairwise(ordered):
            if start < end:
                raise ValueError("working periods must not overlap")
        ZoneInfo(self.timezone)  # raises for an unknown zone

    def is_workday(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day.weekday() < 5 or day in self.workdays

    def _windows(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's working windows as naive UTC intervals."""
        if not self.is_workday(day):
            return []
        zone = ZoneInfo(self.timezone)
        out = []
        for start, end in sorted(self.periods):
            a = datetime.combine(day, start, zone).astimezone(UTC).replace(tzinfo=None)
            b = datetime.combine(day, end, zone).astimezone(UTC).replace(tzinfo=None)
            out.append((a, b))
        return out

    def _local_day(self, utc_naive: datetime) -> date:
        return utc_naive.replace(tzinfo=UTC).astimezone(ZoneInfo(self.timezone)).date()

    def add_working_minutes(self, start: datetime, minutes: float) -> datetime:
        """The moment ``minutes`` working minutes after ``start`` (naive UTC in and out)."""
        if minutes < 0:
            raise ValueError("working minutes to add must not be negative")
        left = timedelta(minutes=minutes)
        day = self._local_day(start) - timedelta(days=1)  # a window may start the day before in UTC
        for _ in range(_HORIZON_DAYS):
            for a, b in self._windows(day):
                if b <= start:
                    continue
                a = max(a, start)
                if b - a >= left:
                    return a + left
                left -= b - a
            day += timedelta(days=1)
        raise ValueError("no working time in the next ten years: check the calendar")

    def working_minutes_between(self, start: datetime, end: datetime) -> float:
        """Working minutes from ``start`` to ``end`` (0 when ``end`` is not after it)."""
        if end <= start:
            return 0.0
        total = timedelta()
        day = self._local_day(start) - timedelta(days=1)
        last = self._local_day(end)
        while day <= last:
            for a, b in self._windows(day):
                lo, hi = max(a, start), min(b, end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total.total_seconds() / 60


@cache
def china_public_holidays() -> tuple[frozenset[date], frozenset[date]]:
    """(holidays, make-up workdays) of mainland China, from the shipped data file."""
    data = json.loads(
        files("manyi.domain").joinpath("resources/holidays_cn.json").read_text(encoding="utf-8")
    )
    holidays = frozenset(date.fromisoformat(d) for days in data["holidays"].values() for d in days)
    workdays = frozenset(
        date.fromisoformat(d) for days in data["make_up_workdays"].values() for d in days
    )
    return holidays, workdays


def parse_periods(text: str) -> tuple[tuple[time, time], ...]:
    """``"09:00-12:00,13:00-18:00"`` → the periods; ValueError with the bad part named."""
    periods = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            start, end = (time.fromisoformat(x.strip()) for x in part.split("-"))
        except ValueError as error:
            raise ValueError(f"a working period is HH:MM-HH:MM, not {part!r}") from error
        periods.append((start, end))
    return tuple(periods)


def china_calendar(
    timezone: str = "Asia/Shanghai", periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS
) -> BusinessCalendar:
    """The business calendar of a mainland China office: its public holidays and 调休."""
    holidays, workdays = china_public_holidays()
    return BusinessCalendar(timezone, periods, holidays, workdays)
