"""The demo's date window, seasonality and incident profile."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from manyi.demo.timeline import (
    daily_volume_weights,
    day_numbers,
    demo_window,
    incident_strength,
    months_before,
)
from manyi.errors import InvalidInput


def test_default_window_and_incident_dates() -> None:
    w = demo_window()
    assert (w.start, w.end) == (date(2025, 5, 15), date(2026, 11, 15))
    assert w.incident_start == date(2026, 6, 14)
    assert w.plan_effective == date(2026, 7, 12)
    assert w.incident_end == date(2026, 7, 26)
    assert w.days == 550


def test_months_before_clamps_to_month_end() -> None:
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_incident_strength_profile() -> None:
    w = demo_window()
    start = w.incident_start.toordinal()
    days = np.array([start - 1, start, start + 4, start + 20, start + 35, start + 42])
    assert incident_strength(w, days).tolist() == pytest.approx([0, 0.2, 1, 1, 0.5, 0])


def test_seasonality_peaks_and_dip() -> None:
    w = demo_window()
    weights = daily_volume_weights(w)
    ordinals = day_numbers(w)

    def mean_between(a: date, b: date) -> float:
        mask = (ordinals >= a.toordinal()) & (ordinals <= b.toordinal())
        return float(weights[mask].mean())

    typical = float(np.median(weights))
    assert mean_between(date(2025, 11, 10), date(2025, 11, 17)) > 1.8 * typical
    assert mean_between(date(2026, 6, 16), date(2026, 6, 25)) > 1.5 * typical
    # Spring Festival 2026 is 17 February.
    assert mean_between(date(2026, 2, 15), date(2026, 2, 22)) < 0.6 * typical


def test_window_limits() -> None:
    with pytest.raises(InvalidInput, match="months"):
        demo_window(months=2)
    with pytest.raises(InvalidInput, match="calendar"):
        demo_window(end=date(2035, 1, 1))
    assert demo_window(end=date(2024, 1, 31), months=12).start == date(2023, 1, 31)
    assert demo_window().start + timedelta(days=549) == demo_window().end
