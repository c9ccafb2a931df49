"""The dashboard's numbers from score histograms, every one through ``manyi.stats``.

The rollups hand over histograms (answer value -> count); here they are expanded back to
the answers and given to :mod:`manyi.stats.metrics` (NPS, CSAT, CES with their intervals),
:mod:`manyi.stats.csi` (the satisfaction index), :mod:`manyi.stats.trends` (control
charts) and :mod:`manyi.stats.multiple_testing`, so the dashboard shows what the same
functions give on the raw rows (tests/reporting check it).

What each headline is:

* **NPS** (0–10 answers): % promoters − % detractors, normal CI (``stats.metrics.nps``);
  change between two periods: z test of the difference with the two standard errors
  (the test of ``stats.comparisons.compare_groups(kind="nps")``);
* **CSAT**: top-2-box share in %, Wilson CI (``stats.metrics.csat``); the change: pooled
  two-proportion z test (``stats.metrics.two_proportion_z``); p chart of the share;
* **CES**: mean rating, Student-t CI (``stats.metrics.ces``); the change: Welch's t test
  (scipy ``ttest_ind_from_stats``, as ``compare_groups(kind="mean")``); x̄ chart;
* **CSI**: the equal-weight 0–100 index over the indicator questions (rating and Likert
  questions with an ``indicator``), ``stats.csi.csi``. The rollups hold each question's
  answers, not who gave them, so the index's standard error is bounded from above by
  ``Σ g_i · se_i`` (each indicator's 0–100 standard error, ``stats.metrics.csat``,
  weighted): the SE when the indicators are perfectly correlated, the most they can add
  up to (Cauchy–Schwarz). The interval and the change test are therefore conservative.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from scipy import stats as sps

from manyi.errors import InvalidInput
from manyi.stats.csi import csi
from manyi.stats.metrics import ces, csat, nps, two_proportion_z

#: value -> count of answers.
Histogram = Mapping[float, int]
Z95 = float(sps.norm.ppf(0.975))


@dataclass(frozen=True)
class MetricValue:
    """One measure over one stretch of time.

    ``value`` with its 95 % interval ``low``..``high`` and ``n`` answers (for the CSI the
    answers of its indicators). ``se`` is the value's standard error (the CSI's upper
    bound). The control chart's inputs: ``chart_mean``/``chart_sd`` per answer (NPS: the
    +1/0/−1 score; CES: the rating) or ``successes`` (CSAT: top-box answers).
    """

    value: float
    low: float
    high: float
    n: int
    se: float
    mean: float | None = None
    chart_mean: float | None = None
    chart_sd: float | None = None
    successes: int | None = None


def expand(histogram: Histogram) -> np.ndarray:
    """The answers a histogram counts, as one array (what ``manyi.stats`` takes)."""
    if not histogram:
        return np.empty(0)
    values = np.fromiter(histogram.keys(), dtype=float)
    counts = np.fromiter(histogram.values(), dtype=np.int64)
    return np.repeat(values, counts)


def merge(histograms: Iterable[Histogram]) -> dict[float, int]:
    out: dict[float, int] = {}
    for histogram in histograms:
        for value, count in histogram.items():
            out[value] = out.get(value, 0) + count
    return out


def nps_value(histogram: Histogram) -> MetricValue | None:
    scores = expand(histogram)
    if scores.size < 2:
        return None
    r = nps(scores)
    trinomial = np.where(scores >= 9, 1.0, np.where(scores <= 6, -1.0, 0.0))
    return MetricValue(
        r.score,
        r.ci_low,
        r.ci_high,
        r.n,
        r.se,
        mean=r.score,
        chart_mean=float(trinomial.mean()) * 100,
        chart_sd=float(trinomial.std(ddof=1)) * 100,
    )


def csat_value(histogram: Histogram, scale: tuple[int, int]) -> MetricValue | None:
    scores = expand(histogram)
    if scores.size < 2:
        return None
    r = csat(scores, scale=scale)
    successes = int(np.sum(scores >= r.top_box_min))
    se = float(np.sqrt(r.top_box_share * (1 - r.top_box_share) / r.n)) * 100
    return MetricValue(
        r.top_box_share * 100,
        r.top_box_ci_low * 100,
        r.top_box_ci_high * 100,
        r.n,
        se,
        mean=r.mean,
        successes=successes,
    )


def ces_value(histogram: Histogram, scale: tuple[int, int]) -> MetricValue | None:
    scores = expand(histogram)
    if scores.size < 2:
        return None
    r = ces(scores, scale=scale)
    return MetricValue(
        r.mean, r.ci_low, r.ci_high, r.n, r.se, mean=r.mean, chart_mean=r.mean, chart_sd=r.sd
    )


def csi_value(indicators: Mapping[str, tuple[Histogram, tuple[int, int]]]) -> MetricValue | None:
    """The equal-weight CSI over the indicators (question -> its answers and scale).

    Each indicator is put on 0..1 by its own scale first, so indicators on 1–5 and 1–10
    scales sit in one index (``stats.csi`` rescales a single scale linearly: the same)."""
    columns: dict[str, np.ndarray] = {}
    ses: dict[str, float] = {}
    for name, (histogram, (low, high)) in indicators.items():
        scores = expand(histogram)
        if scores.size < 2:
            continue  # an indicator needs two answers for its standard error
        columns[name] = (scores - low) / (high - low)
        ses[name] = csat(scores, scale=(low, high)).se * 100 / (high - low)
    if not columns:
        return None
    longest = max(c.size for c in columns.values())
    frame = pd.DataFrame(
        {k: np.pad(v, (0, longest - v.size), constant_values=np.nan) for k, v in columns.items()}
    )
    result = csi(frame, None, None, scale=(0, 1))
    weights = result.table.set_index("node")["global_weight"]
    se = float(sum(weights[name] * ses[name] for name in columns))
    n = int(sum(c.size for c in columns.values()))
    return MetricValue(
        result.index,
        max(0.0, result.index - Z95 * se),
        min(100.0, result.index + Z95 * se),
        n,
        se,
        mean=result.index,
    )


def change_p_value(key: str, before: MetricValue, after: MetricValue) -> float | None:
    """Two-sided p value that ``after`` differs from ``before`` (independent periods)."""
    if key == "csat":
        if before.successes is None or after.successes is None:
            return None
        _, p = two_proportion_z(after.successes, after.n, before.successes, before.n)
        return None if p != p else float(p)
    if key == "ces":
        if before.chart_sd is None or after.chart_sd is None:
            return None
        if before.chart_sd == 0 and after.chart_sd == 0:
            return None  # no variation: nothing to test
        _, p = sps.ttest_ind_from_stats(
            after.value,
            after.chart_sd,
            after.n,
            before.value,
            before.chart_sd,
            before.n,
            equal_var=False,
        )
        return None if p != p else float(p)
    se = float(np.hypot(before.se, after.se))  # NPS and the CSI: z on the standard errors
    if not se > 0:
        return None
    return float(2 * sps.norm.sf(abs(after.value - before.value) / se))


# --------------------------------------------------------------------------- periods


def bucket_start(day: date, granularity: str) -> date:
    """The first day of the trend bucket holding ``day`` (weeks start on Monday, ISO)."""
    if granularity == "day":
        return day
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise InvalidInput(f"unknown granularity {granularity!r}")


def _next_start(start: date, granularity: str) -> date:
    if granularity == "day":
        return start + timedelta(days=1)
    if granularity == "week":
        return start + timedelta(days=7)
    months = 1 if granularity == "month" else 3
    total = start.year * 12 + start.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def buckets(start: date, end: date, granularity: str) -> list[tuple[date, date]]:
    """The trend buckets covering ``start``..``end`` (both included), as (first, last)
    days clipped to the period: a bucket cut by the period's edge is partial."""
    out = []
    first = bucket_start(start, granularity)
    while first <= end:
        following = _next_start(first, granularity)
        out.append((max(first, start), min(following - timedelta(days=1), end)))
        first = following
    return out


def bucket_label(first: date, granularity: str) -> str:
    if granularity == "month":
        return f"{first:%Y-%m}"
    if granularity == "quarter":
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    if granularity == "week":
        year, week, _ = first.isocalendar()
        return f"{year}-W{week:02d}"
    return first.isoformat()


def by_bucket(
    daily: Sequence[tuple[date, float, int]], spans: Sequence[tuple[date, date]]
) -> list[dict[float, int]]:
    """Daily (day, value, count) rows summed into one histogram per bucket."""
    out: list[dict[float, int]] = [{} for _ in spans]
    starts = [s for s, _ in spans]
    for day, value, count in daily:
        i = bisect_right(starts, day) - 1
        if 0 <= i < len(spans) and day <= spans[i][1]:
            out[i][value] = out[i].get(value, 0) + count
    return out
