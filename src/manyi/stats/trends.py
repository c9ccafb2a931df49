"""Control charts for satisfaction metrics over time (Shewhart 1931; Montgomery 2009).

:func:`control_chart` draws the limits within which a stable service process keeps a
metric, and flags the periods that break them: a p chart for top-box or complaint
shares with a different number of answers each period, an x̄ chart for period mean
scores, and an EWMA chart that finds small lasting drifts sooner. Runs rules 2–4 of the
Western Electric handbook (1956) can be added for Shewhart charts. Change-point
detection is in :mod:`manyi.stats.trends_change`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import lgamma

import numpy as np
import numpy.typing as npt
import pandas as pd

from manyi.errors import InvalidInput
from manyi.stats.validation import require_rows

FloatArray = npt.NDArray[np.float64]
CHART_KINDS = ("p", "xbar", "ewma")
# d2 for moving ranges of two: sigma = mean moving range / 1.128 (Montgomery §6.4).
D2_MOVING_RANGE = 1.128


@dataclass(frozen=True)
class ControlChart:
    """A control chart, one row per period.

    Attributes
    ----------
    kind : str
        ``"p"``, ``"xbar"`` or ``"ewma"``.
    table : DataFrame
        Index: the periods. Columns: ``value`` (plotted statistic: proportion, mean or
        EWMA), ``observed`` (the raw period value), ``n``, ``center``, ``sigma`` (SD of
        the plotted statistic in that period), ``lcl``, ``ucl``, ``z`` (standardised
        distance from the centre), ``rules`` (comma-separated Western Electric rules
        violated, "" if none), ``out_of_control`` (bool).
    center : float
        Centre line (p̄, x̿ or the EWMA target).
    sigma : float
        Process standard deviation used (for a p chart ``sqrt(p̄ (1 − p̄))``).
    limit_sigmas : float
        Width ``L`` of the limits in sigmas.
    lam : float or None
        EWMA weight λ (EWMA charts only).
    rules : tuple of int
        Western Electric rules applied.
    baseline : int
        Number of leading periods used to estimate centre and sigma (phase I).
    signals : tuple
        Periods flagged out of control, in order.
    """

    kind: str
    table: pd.DataFrame
    center: float
    sigma: float
    limit_sigmas: float
    lam: float | None
    rules: tuple[int, ...]
    baseline: int
    signals: tuple[object, ...]


def c4(n: FloatArray) -> FloatArray:
    """Bias constant of the sample SD: ``c4(n) = sqrt(2/(n-1)) Γ(n/2) / Γ((n-1)/2)``."""
    return np.array(
        [np.sqrt(2.0 / (k - 1)) * np.exp(lgamma(k / 2) - lgamma((k - 1) / 2)) for k in n]
    )


def western_electric(z: FloatArray, rules: Iterable[int], limit: float = 3.0) -> list[str]:
    """Western Electric (1956) rules on standardised points ``z``; returns the rules hit.

    1. one point beyond the control limits (``limit`` sigmas, normally 3);
    2. two of three consecutive points beyond 2 sigma on the same side;
    3. four of five consecutive points beyond 1 sigma on the same side;
    4. eight consecutive points on the same side of the centre line.

    A point is flagged by rules 2–3 when it completes the pattern and is itself one of
    the points beyond the zone (the usual reading, e.g. Montgomery §5.3.6, Minitab).
    """
    hits: list[list[str]] = [[] for _ in z]
    chosen = set(rules)
    for i, zi in enumerate(z):
        if 1 in chosen and abs(zi) > limit:
            hits[i].append("1")
        for rule, window, need, zone in ((2, 3, 2, 2.0), (3, 5, 4, 1.0)):
            if rule in chosen and i + 1 >= window:
                part = z[i + 1 - window : i + 1]
                for side in (1.0, -1.0):
                    if side * zi > zone and np.sum(side * part > zone) >= need:
                        hits[i].append(str(rule))
        if 4 in chosen and i >= 7:
            part = z[i - 7 : i + 1]
            if np.all(part > 0) or np.all(part < 0):
                hits[i].append("4")
    return [",".join(sorted(set(h))) for h in hits]


def _as_array(values: pd.Series | Sequence[float] | float, length: int, what: str) -> FloatArray:
    if np.isscalar(values):
        return np.full(length, float(values))  # type: ignore[arg-type]
    arr = np.asarray(values, dtype=float)
    if arr.shape != (length,):
        raise InvalidInput(f"{what} must be one number or one value per period ({length})")
    return arr


def _check_series(series: pd.Series | Sequence[float]) -> pd.Series:
    s = series if isinstance(series, pd.Series) else pd.Series(series)
    if not pd.api.types.is_numeric_dtype(s):
        raise InvalidInput("series must be numeric")
    if s.isna().any():
        raise InvalidInput(
            f"series has missing values at {', '.join(map(str, s.index[s.isna()][:5]))}; "
            "drop or fill the periods without data first"
        )
    return s.astype(float)


def moving_range_sigma(values: FloatArray) -> float:
    """Process sigma from the average moving range: ``mean(|x_t - x_{t-1}|) / 1.128``."""
    return float(np.mean(np.abs(np.diff(values))) / D2_MOVING_RANGE)


def control_chart(
    series: pd.Series | Sequence[float],
    kind: str = "p",
    *,
    n: pd.Series | Sequence[float] | float | None = None,
    sd: pd.Series | Sequence[float] | None = None,
    center: float | None = None,
    sigma: float | None = None,
    lam: float = 0.2,
    limit_sigmas: float = 3.0,
    rules: Iterable[int] = (1,),
    baseline: int | None = None,
) -> ControlChart:
    """Control chart of a metric over time with out-of-control flags.

    * ``kind="p"`` (Montgomery §7.2): ``series`` holds counts (e.g. top-box answers or
      complaints) and ``n`` the answers per period. ``p̄ = Σx / Σn`` and per-period limits
      ``p̄ ± L sqrt(p̄ (1 − p̄) / n_i)``, clipped to [0, 1].
    * ``kind="xbar"`` (§6.3): ``series`` holds period means, ``n`` sizes and ``sd`` the
      period SDs. ``x̿ = Σ n_i x̄_i / Σ n_i``; ``s̄`` is the mean of the SDs when all
      ``n_i`` are equal, else the pooled ``sqrt(Σ(n_i−1)s_i² / Σ(n_i−1))``; limits
      ``x̿ ± L s̄ / (c4(n_i) sqrt n_i)``. Pass ``sigma`` instead of ``sd`` when known.
    * ``kind="ewma"`` (§9.2, Roberts 1959): ``z_t = λ x_t + (1 − λ) z_{t−1}``, ``z_0 = μ0``;
      limits ``μ0 ± L σ sqrt(λ / (2 − λ) (1 − (1 − λ)^{2t}))``; σ from the average moving
      range (``MR̄ / 1.128``) unless given. Usual choices: λ = 0.2, L = 3, or λ = 0.1,
      L = 2.7.

    Parameters
    ----------
    series : Series or sequence
        One value per period (index = period labels).
    kind : {"p", "xbar", "ewma"}
    n : Series, sequence or number
        Answers per period (p and xbar charts).
    sd : Series or sequence, optional
        Standard deviation per period (xbar chart).
    center, sigma : float, optional
        Known centre (p̄, target mean) and process SD; estimated from the baseline
        periods when omitted.
    lam : float
        EWMA weight λ in (0, 1].
    limit_sigmas : float
        ``L``, the width of the limits in sigmas.
    rules : iterable of int
        Western Electric rules to apply (1–4); EWMA charts allow rule 1 only, because
        successive EWMA values are correlated.
    baseline : int, optional
        Use only the first ``baseline`` periods to estimate centre and sigma (phase I),
        then judge every period against those limits. Default: all periods.

    Returns
    -------
    ControlChart

    References
    ----------
    Montgomery, D. C. (2009). Introduction to Statistical Quality Control, 6th ed.
    Western Electric (1956). Statistical Quality Control Handbook.
    Roberts, S. W. (1959). Control chart tests based on geometric moving averages.

    Examples
    --------
    >>> counts = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22]
    >>> chart = control_chart(counts, "p", n=50)
    >>> round(chart.center, 4), chart.signals
    (0.2227, (14,))
    """
    if kind not in CHART_KINDS:
        raise InvalidInput(f"unknown chart kind {kind!r}; use one of {', '.join(CHART_KINDS)}")
    chosen = tuple(sorted({int(r) for r in rules}))
    if any(r not in (1, 2, 3, 4) for r in chosen):
        raise InvalidInput(f"Western Electric rules are numbered 1 to 4; got {chosen}")
    if kind == "ewma" and chosen not in ((), (1,)):
        raise InvalidInput(
            "runs rules 2-4 assume independent points; EWMA values are correlated, "
            "so use rules=(1,) with an EWMA chart"
        )
    if not limit_sigmas > 0:
        raise InvalidInput(f"limit_sigmas must be positive; got {limit_sigmas}")
    s = _check_series(series)
    m = len(s)
    require_rows(m, 2, what="control chart periods")
    base = m if baseline is None else int(baseline)
    if not 2 <= base <= m:
        raise InvalidInput(
            f"baseline must be between 2 and the number of periods ({m}); got {baseline}"
        )
    x = s.to_numpy()
    if kind == "p":
        sizes, value, center_, sig_point, proc_sigma = _p_chart(x, n, center, base)
        observed = x
        lam_out = None
    elif kind == "xbar":
        sizes, value, center_, sig_point, proc_sigma = _xbar_chart(x, n, sd, center, sigma, base)
        observed = x
        lam_out = None
    else:
        if not 0 < lam <= 1:
            raise InvalidInput(f"lam must lie in (0, 1]; got {lam}")
        sizes = np.ones(m)
        center_ = float(x[:base].mean()) if center is None else float(center)
        proc_sigma = moving_range_sigma(x[:base]) if sigma is None else float(sigma)
        value = np.empty(m)
        prev = center_
        for t in range(m):
            prev = lam * x[t] + (1 - lam) * prev
            value[t] = prev
        steps = np.arange(1, m + 1)
        sig_point = proc_sigma * np.sqrt(lam / (2 - lam) * (1 - (1 - lam) ** (2 * steps)))
        observed = x
        lam_out = lam
    if not proc_sigma > 0:
        raise InvalidInput("the process sigma is zero: every baseline period has the same value")
    lcl = center_ - limit_sigmas * sig_point
    ucl = center_ + limit_sigmas * sig_point
    if kind == "p":
        lcl, ucl = np.clip(lcl, 0, 1), np.clip(ucl, 0, 1)
    z = (value - center_) / sig_point
    # A clipped p-chart limit (0 or 1) cannot be crossed, and |z| > L then cannot hold
    # either, so "beyond the limits" and |z| > L agree for every chart.
    flags = western_electric(z, chosen, limit_sigmas)
    table = pd.DataFrame(
        {
            "value": value,
            "observed": observed,
            "n": sizes,
            "center": center_,
            "sigma": sig_point,
            "lcl": lcl,
            "ucl": ucl,
            "z": z,
            "rules": flags,
            "out_of_control": [bool(f) for f in flags],
        },
        index=s.index,
    )
    return ControlChart(
        kind=kind,
        table=table,
        center=center_,
        sigma=proc_sigma,
        limit_sigmas=float(limit_sigmas),
        lam=lam_out,
        rules=chosen,
        baseline=base,
        signals=tuple(s.index[table["out_of_control"].to_numpy()]),
    )


def _sizes(n: object, m: int) -> FloatArray:
    if n is None:
        raise InvalidInput("n (answers per period) is required for this chart")
    sizes = _as_array(n, m, "n")  # type: ignore[arg-type]
    if np.any(sizes < 1) or np.any(sizes != np.round(sizes)):
        raise InvalidInput("n must hold whole numbers of answers, at least 1 per period")
    return sizes


def _p_chart(
    x: FloatArray, n: object, center: float | None, base: int
) -> tuple[FloatArray, FloatArray, float, FloatArray, float]:
    sizes = _sizes(n, len(x))
    if np.any(x < 0) or np.any(x > sizes):
        raise InvalidInput("p chart counts must lie between 0 and n in every period")
    p_bar = float(x[:base].sum() / sizes[:base].sum()) if center is None else float(center)
    if not 0 < p_bar < 1:
        raise InvalidInput(f"the centre proportion is {p_bar:g}; a p chart needs 0 < p̄ < 1")
    proc_sigma = float(np.sqrt(p_bar * (1 - p_bar)))
    return sizes, x / sizes, p_bar, proc_sigma / np.sqrt(sizes), proc_sigma


def _xbar_chart(
    x: FloatArray,
    n: object,
    sd: object,
    center: float | None,
    sigma: float | None,
    base: int,
) -> tuple[FloatArray, FloatArray, float, FloatArray, float]:
    sizes = _sizes(n, len(x))
    grand = (
        float((sizes[:base] * x[:base]).sum() / sizes[:base].sum())
        if center is None
        else float(center)
    )
    if sigma is not None:
        proc = float(sigma)
        return sizes, x, grand, proc / np.sqrt(sizes), proc
    if sd is None:
        raise InvalidInput("an xbar chart needs sd (per-period standard deviations) or sigma")
    if np.any(sizes < 2):
        raise InvalidInput("an xbar chart estimated from sd needs at least 2 answers per period")
    s = _as_array(sd, len(x), "sd")  # type: ignore[arg-type]
    nb, sb = sizes[:base], s[:base]
    if np.all(nb == nb[0]):
        s_bar = float(sb.mean())
    else:
        s_bar = float(np.sqrt(((nb - 1) * sb**2).sum() / (nb - 1).sum()))
    per_period = s_bar / (c4(sizes) * np.sqrt(sizes))
    return sizes, x, grand, per_period, float(s_bar / c4(np.array([nb.mean()]))[0])


__all__ = [
    "CHART_KINDS",
    "ControlChart",
    "c4",
    "control_chart",
    "moving_range_sigma",
    "western_electric",
]
