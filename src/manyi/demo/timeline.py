"""When things happen in the demo: the date window, volume seasonality and the incident.

Volume per day is ``trend × weekday × 618 × 双11 × Spring Festival``: a business that grows
25 % over the window, busier at weekends, with Gaussian bumps after the 618 (18 June) and
双11 (11 November) shopping festivals (responses and feedback follow deliveries by a few
days) and a dip around the Spring Festival, when deliveries and installations pause.

The incident: a delivery partner fails 22 weeks before the end of the window. Its
strength rises to 1 over 5 days, stays there until day 28, when the improvement plan
(a new partner with a service-level agreement) takes effect, and falls back to 0 by
day 42 (six weeks). After that delivery is slightly better than before the incident.
All times are naive UTC (what manyi's storage keeps); respondents live in UTC+8 and
answer mostly in the evening.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from manyi.errors import InvalidInput

# Lunar New Year's day (正月初一) by Gregorian year.
SPRING_FESTIVAL: dict[int, date] = {
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
}

INCIDENT_OFFSET_DAYS = 154  # 22 weeks before the end of the window
INCIDENT_RAMP_DAYS = 5
INCIDENT_PLAN_DAY = 28  # the improvement plan takes effect; recovery starts
INCIDENT_DAYS = 42
# Local hour-of-day profile (UTC+8) for survey answers and feedback.
_HOUR_WEIGHTS = np.array(
    [
        1,
        0.5,
        0.3,
        0.2,
        0.2,
        0.3,
        0.8,
        1.5,
        2.5,
        3.5,
        4,
        4,
        4,
        3.5,
        3.5,
        3.5,
        3.5,
        3.5,
        4,
        5,
        6,
        6,
        5,
        3,
    ],
    dtype=float,
)
_WEEKDAY_WEIGHTS = np.array([1.0, 0.95, 0.95, 1.0, 1.05, 1.2, 1.15])
UTC_OFFSET_HOURS = 8


@dataclass(frozen=True)
class Window:
    """The demo's date window and its incident.

    Attributes
    ----------
    start, end : date
        First and last day (both included).
    incident_start : date
        First day of the delivery-partner failure.
    plan_effective : date
        Day the improvement plan (new delivery partner) takes effect; recovery starts.
    incident_end : date
        First day after the incident (effect back to zero).
    """

    start: date
    end: date
    incident_start: date
    plan_effective: date
    incident_end: date

    @property
    def days(self) -> int:
        """Number of days in the window."""
        return (self.end - self.start).days + 1


def months_before(day: date, months: int) -> date:
    """The same day of the month ``months`` earlier (clamped to the month's last day)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise InvalidInput(f"cannot go back {months} months from {day}")  # pragma: no cover


def demo_window(end: date = date(2026, 11, 15), months: int = 18) -> Window:
    """The date window ``[end - months, end]`` and its incident dates.

    Parameters
    ----------
    end : date
        Last day of the data.
    months : int
        Length of the window in months (6 to 120; the incident needs 6).

    Returns
    -------
    Window

    Examples
    --------
    >>> w = demo_window()
    >>> (w.start, w.incident_start, w.plan_effective, w.incident_end)
    (datetime.date(2025, 5, 15), datetime.date(2026, 6, 14), datetime.date(2026, 7, 12), datetime.date(2026, 7, 26))
    """
    if not 6 <= months <= 120:
        raise InvalidInput(f"months must be between 6 and 120, got {months}")
    start = months_before(end, months)
    if start.year < min(SPRING_FESTIVAL) or end.year > max(SPRING_FESTIVAL):
        raise InvalidInput(
            f"the demo calendar covers {min(SPRING_FESTIVAL)}–{max(SPRING_FESTIVAL)}; "
            f"the window {start} – {end} does not fit"
        )
    incident_start = end - timedelta(days=INCIDENT_OFFSET_DAYS)
    return Window(
        start=start,
        end=end,
        incident_start=incident_start,
        plan_effective=incident_start + timedelta(days=INCIDENT_PLAN_DAY),
        incident_end=incident_start + timedelta(days=INCIDENT_DAYS),
    )


def day_numbers(window: Window) -> np.ndarray:
    """Ordinal numbers (``date.toordinal()``) of every day in the window."""
    return np.arange(window.start.toordinal(), window.end.toordinal() + 1)


def incident_strength(window: Window, ordinals: np.ndarray) -> np.ndarray:
    """Incident strength in [0, 1] on each day: 5-day ramp, plateau to day 28, recovery to day 42."""
    t = (ordinals - window.incident_start.toordinal()).astype(float)
    ramp = np.clip((t + 1) / INCIDENT_RAMP_DAYS, 0.0, 1.0)
    recovery = np.clip((INCIDENT_DAYS - t) / (INCIDENT_DAYS - INCIDENT_PLAN_DAY), 0.0, 1.0)
    return np.where((t >= 0) & (t < INCIDENT_DAYS), np.minimum(ramp, recovery), 0.0)


def after_plan(window: Window, ordinals: np.ndarray) -> np.ndarray:
    """1.0 from the end of the incident on (the improvement plan's lasting effect), else 0."""
    return (ordinals >= window.incident_end.toordinal()).astype(float)


def festival_bump(
    ordinals: np.ndarray, month: int, day: int, height: float, width: float
) -> np.ndarray:
    """Sum over the years in range of a Gaussian bump centred on ``month``/``day``."""
    years = range(
        date.fromordinal(int(ordinals[0])).year - 1, date.fromordinal(int(ordinals[-1])).year + 2
    )
    out = np.zeros(len(ordinals))
    for year in years:
        centre = date(year, month, day).toordinal()
        out += height * np.exp(-0.5 * ((ordinals - centre) / width) ** 2)
    return out


def spring_festival_factor(ordinals: np.ndarray) -> np.ndarray:
    """Multiplier below 1 around each Spring Festival (down to 0.4 on the day)."""
    years = range(
        date.fromordinal(int(ordinals[0])).year, date.fromordinal(int(ordinals[-1])).year + 1
    )
    factor = np.ones(len(ordinals))
    for year in years:
        centre = SPRING_FESTIVAL[year].toordinal() + 2
        factor *= 1 - 0.6 * np.exp(-0.5 * ((ordinals - centre) / 6.0) ** 2)
    return factor


def daily_volume_weights(window: Window) -> np.ndarray:
    """Relative volume per day (not normalised); see the module docstring."""
    ordinals = day_numbers(window)
    position = (ordinals - ordinals[0]) / max(len(ordinals) - 1, 1)
    weekdays = np.array([date.fromordinal(int(o)).weekday() for o in ordinals])
    festivals = (
        1 + festival_bump(ordinals, 6, 21, 0.9, 7.0) + festival_bump(ordinals, 11, 14, 1.3, 6.0)
    )
    weights: np.ndarray = (
        (1 + 0.25 * position)
        * _WEEKDAY_WEIGHTS[weekdays]
        * festivals
        * spring_festival_factor(ordinals)
    )
    return weights


def sample_days(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """Day offsets (0 = first day) of ``n`` events, in order, exactly ``n`` in total."""
    counts = rng.multinomial(n, weights / weights.sum())
    return np.repeat(np.arange(len(weights)), counts)


def sample_times(
    rng: np.random.Generator, window: Window, day_offsets: np.ndarray
) -> list[datetime]:
    """Naive-UTC timestamps on the given local (UTC+8) days, following the hour profile."""
    n = len(day_offsets)
    hours = rng.choice(24, size=n, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
    seconds = rng.integers(0, 3600, size=n)
    base = datetime(window.start.year, window.start.month, window.start.day) - timedelta(
        hours=UTC_OFFSET_HOURS
    )
    offsets = day_offsets * 86_400 + hours * 3600 + seconds
    return [base + timedelta(seconds=int(s)) for s in offsets]
