"""When did the level of a metric change? CUSUM and binary segmentation.

:func:`change_points` finds the periods where a satisfaction metric moved to a new
level, so that a dashboard can say "NPS stepped down after week 32" rather than only
"week 35 is low".

* ``method="cusum"``: Page's (1954) tabular CUSUM (Montgomery 2009, §9.1), which
  accumulates deviations beyond a slack ``k`` and signals when the sum passes ``h`` (both
  in sigmas). Each signal also estimates when the shift began: the last period at which
  the signalling sum was zero (Montgomery's ``i − N``). After a signal the target moves to
  the estimated new level ``μ0 ± σ (k + C / N)`` (Montgomery eq. 9.4) and the sums restart
  (with the optional fast-initial-response head start of Lucas & Crosier 1982), so a
  lasting shift is reported once and a further change is found as a new one.
* ``method="binseg"``: binary segmentation for changes in mean (Scott & Knott 1974;
  Killick & Eckley 2014, R changepoint ``cpt.mean(method = "BinSeg")``): split the
  series where the sum of squared deviations drops most, keep the split if the drop
  exceeds ``penalty``, and repeat on both halves. Default penalty: BIC,
  ``2 log(n) σ̂²`` with σ̂ from the median absolute first difference (robust to the
  shifts themselves).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt
import pandas as pd

from manyi.errors import InvalidInput
from manyi.stats.trends import moving_range_sigma
from manyi.stats.validation import require_rows

FloatArray = npt.NDArray[np.float64]
METHODS = ("cusum", "binseg")
# MAD of first differences -> sigma: diff has sd sigma*sqrt(2); MAD/0.6745 is the sd.
MAD_TO_SD = 0.6744897501960817


@dataclass(frozen=True)
class ChangePoints:
    """Changes in level found by :func:`change_points`.

    Attributes
    ----------
    method : str
        ``"cusum"`` or ``"binseg"``.
    changes : DataFrame
        One row per change: ``start`` (first period of the new level), ``position``
        (its 0-based position), ``direction`` (``"up"``/``"down"``), ``before`` and
        ``after`` (level before and after: segment means for binseg; for CUSUM the
        running target and Montgomery's estimate of the new mean), and for CUSUM
        ``signalled_at`` (period at which the CUSUM crossed ``h``).
    table : DataFrame
        Per period: ``value`` and, for CUSUM, ``upper`` and ``lower`` (the tabular sums
        in sigmas); for binary segmentation ``segment`` (0, 1, …) and ``level`` (the
        segment mean).
    target : float
        CUSUM target μ0 (NaN for binseg).
    sigma : float
        Sigma used (CUSUM: process SD; binseg: σ̂ for the penalty).
    parameters : dict
        The settings used (``k``, ``h``, ``head_start`` or ``penalty``, ``min_size``).
    """

    method: str
    changes: pd.DataFrame
    table: pd.DataFrame
    target: float
    sigma: float
    parameters: dict[str, float]


def change_points(
    series: pd.Series | Sequence[float],
    method: str = "cusum",
    *,
    target: float | None = None,
    sigma: float | None = None,
    k: float = 0.5,
    h: float = 5.0,
    head_start: float = 0.0,
    penalty: float | None = None,
    min_size: int = 2,
    max_changes: int | None = None,
) -> ChangePoints:
    """Find the periods where the level of a metric changed.

    Tabular CUSUM (standardised, Montgomery §9.1): with ``y_i = (x_i − μ0) / σ``,
    ``C⁺_i = max(0, y_i − k + C⁺_{i−1})`` and ``C⁻_i = max(0, −y_i − k + C⁻_{i−1})``;
    a change is signalled when ``C > h`` and dated to just after the last period where
    that sum was 0. Binary segmentation: the best split of ``x[a:b]`` maximises
    ``SSE(a:b) − SSE(a:t) − SSE(t:b)``; it is kept when that drop exceeds ``penalty``.

    Parameters
    ----------
    series : Series or sequence
        One value per period, in time order.
    method : {"cusum", "binseg"}
    target, sigma : float, optional
        CUSUM target μ0 and process SD; default the series mean and ``MR̄ / 1.128``.
    k, h : float
        CUSUM slack and decision interval in sigmas (k = 0.5, h = 5 detect a 1-sigma
        shift with an in-control ARL of about 465).
    head_start : float
        CUSUM fast-initial-response start, in sigmas (Lucas & Crosier suggest h/2).
    penalty : float, optional
        Binary segmentation penalty on the SSE scale; default ``2 log(n) σ̂²``.
    min_size : int
        Binary segmentation: fewest periods in a segment.
    max_changes : int, optional
        Binary segmentation: most changes to report.

    Returns
    -------
    ChangePoints

    References
    ----------
    Page, E. S. (1954). Continuous inspection schemes. Biometrika 41, 100–115.
    Lucas, J. M., Crosier, R. B. (1982). Fast initial response for CUSUM quality-control
    schemes. Technometrics 24, 199–205. Scott, A. J., Knott, M. (1974). A cluster
    analysis method for grouping means. Biometrics 30, 507–512.

    Examples
    --------
    >>> weekly_nps = [31, 29, 33, 30, 32, 31, 22, 21, 24, 20, 23, 22]
    >>> change_points(weekly_nps, "binseg").changes["start"].tolist()
    [6]
    """
    if method not in METHODS:
        raise InvalidInput(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    s = series if isinstance(series, pd.Series) else pd.Series(series)
    if not pd.api.types.is_numeric_dtype(s) or s.isna().any():
        raise InvalidInput("series must be numeric without missing periods")
    require_rows(len(s), 4, what="change-point series (periods)")
    x = np.asarray(s.to_numpy(), dtype=np.float64)
    if method == "cusum":
        return _cusum(s, x, target, sigma, k, h, head_start)
    return _binseg(s, x, penalty, min_size, max_changes)


def _segment_means(x: FloatArray, starts: list[int]) -> list[float]:
    bounds = [0, *starts, len(x)]
    return [float(x[a:b].mean()) if b > a else float("nan") for a, b in pairwise(bounds)]


def _cusum(
    s: pd.Series,
    x: FloatArray,
    target: float | None,
    sigma: float | None,
    k: float,
    h: float,
    head_start: float,
) -> ChangePoints:
    if not (k >= 0 and h > 0 and 0 <= head_start < h):
        raise InvalidInput("CUSUM needs k >= 0, h > 0 and 0 <= head_start < h")
    mu0 = float(x.mean()) if target is None else float(target)
    sd = moving_range_sigma(x) if sigma is None else float(sigma)
    if not sd > 0:
        raise InvalidInput("the series does not vary; sigma is zero")
    upper, lower = np.zeros(len(x)), np.zeros(len(x))
    level = mu0
    cu = cl = head_start
    zero_u = zero_l = -1  # last position where each sum was 0 (before the series: -1)
    # The head start stays inside a sum until it first returns to 0; the level estimate
    # must take it out again.
    carry_u = carry_l = head_start
    rows = []
    for i, xi in enumerate(x):
        yi = (xi - level) / sd
        cu = max(0.0, yi - k + cu)
        cl = max(0.0, -yi - k + cl)
        upper[i], lower[i] = cu, cl
        if cu == 0:
            zero_u, carry_u = i, 0.0
        if cl == 0:
            zero_l, carry_l = i, 0.0
        if cu > h or cl > h:
            up = cu > h
            start = (zero_u if up else zero_l) + 1
            run = i - start + 1
            if up:
                new_level = level + sd * (k + (cu - carry_u) / run)
            else:
                new_level = level - sd * (k + (cl - carry_l) / run)
            rows.append(
                {
                    "start": s.index[start],
                    "position": start,
                    "direction": "up" if up else "down",
                    "before": level,
                    "after": new_level,
                    "signalled_at": s.index[i],
                }
            )
            level = new_level
            cu = cl = carry_u = carry_l = head_start
            zero_u = zero_l = i
    changes = pd.DataFrame(
        rows, columns=["start", "position", "direction", "before", "after", "signalled_at"]
    )
    table = pd.DataFrame({"value": x, "upper": upper, "lower": lower}, index=s.index)
    params = {"k": float(k), "h": float(h), "head_start": float(head_start)}
    return ChangePoints("cusum", changes, table, mu0, sd, params)


def _best_split(x: FloatArray, min_size: int) -> tuple[int, float]:
    """Split position (start of the right part) maximising the SSE drop, and the drop."""
    n = len(x)
    csum = np.cumsum(x)
    total = csum[-1]
    t = np.arange(min_size, n - min_size + 1)
    if t.size == 0:
        return -1, 0.0
    left = csum[t - 1]
    # SSE drop of splitting at t = n_l n_r / n (mean_l - mean_r)^2
    gain = (left**2 / t + (total - left) ** 2 / (n - t)) - total**2 / n
    best = int(np.argmax(gain))
    return int(t[best]), float(gain[best])


def _binseg(
    s: pd.Series,
    x: FloatArray,
    penalty: float | None,
    min_size: int,
    max_changes: int | None,
) -> ChangePoints:
    if min_size < 1:
        raise InvalidInput(f"min_size must be at least 1; got {min_size}")
    n = len(x)
    mad = float(np.median(np.abs(np.diff(x) - np.median(np.diff(x)))))
    sigma_hat = mad / MAD_TO_SD / np.sqrt(2)
    if sigma_hat == 0:
        sigma_hat = float(np.std(np.diff(x)) / np.sqrt(2))
    pen = 2 * np.log(n) * sigma_hat**2 if penalty is None else float(penalty)
    if not pen > 0:
        raise InvalidInput("the series does not vary, so no change can be tested (penalty is 0)")
    limit = n if max_changes is None else int(max_changes)
    found: list[int] = []
    # Always split the segment whose best split gains most (Killick & Eckley's BinSeg).
    segments = [(0, n)]
    while len(found) < limit:
        best: tuple[float, int, int] | None = None
        for seg_index, (a, b) in enumerate(segments):
            pos, gain = _best_split(x[a:b], min_size)
            if pos > 0 and gain > pen and (best is None or gain > best[0]):
                best = (gain, seg_index, a + pos)
        if best is None:
            break
        _, seg_index, cut = best
        a, b = segments.pop(seg_index)
        segments[seg_index:seg_index] = [(a, cut), (cut, b)]
        found.append(cut)
    starts = sorted(found)
    means = _segment_means(x, starts)
    rows = [
        {
            "start": s.index[pos],
            "position": pos,
            "direction": "up" if means[i + 1] > means[i] else "down",
            "before": means[i],
            "after": means[i + 1],
        }
        for i, pos in enumerate(starts)
    ]
    segment = np.searchsorted(np.array(starts, dtype=int), np.arange(n), side="right")
    table = pd.DataFrame(
        {"value": x, "segment": segment, "level": np.array(means)[segment]}, index=s.index
    )
    changes = pd.DataFrame(rows, columns=["start", "position", "direction", "before", "after"])
    params = {"penalty": pen, "min_size": float(min_size)}
    return ChangePoints("binseg", changes, table, float("nan"), sigma_hat, params)


__all__ = ["METHODS", "ChangePoints", "change_points"]
