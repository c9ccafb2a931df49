"""Did the improvement plan work? Before/after and difference-in-differences.

:func:`effect_of_change` measures a metric before and after a change date (an
improvement plan, a new process, a staff training) and, when a comparison segment is
given, nets out what happened to everyone anyway with a difference-in-differences
(DiD) regression (Card & Krueger 1994; Angrist & Pischke 2009, ch. 5):

    y = b0 + b1 post + b2 treated + b3 post × treated + e

``b3`` is the effect of the change. Standard errors are heteroskedasticity-robust
(White 1980; ``HC1`` by default, as Stata's ``robust``) or clustered by time period
(Bertrand, Duflo & Mullainathan 2004). The regression is written out in NumPy here, and
checked against statsmodels' formula API in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats as sps

from manyi.errors import InvalidInput
from manyi.stats import comparisons_counts as counts
from manyi.stats import comparisons_means as means
from manyi.stats.validation import require_columns, require_in_scale

FloatArray = npt.NDArray[np.float64]
CHANGE_KINDS = ("mean", "proportion", "nps")
COV_TYPES = ("HC0", "HC1", "HC2", "HC3", "cluster")
TERMS = ["const", "post", "treated", "post:treated"]


@dataclass(frozen=True)
class DifferenceInDifferences:
    """The DiD regression of :func:`effect_of_change`.

    Attributes
    ----------
    estimate, std_error, statistic, p_value, ci_low, ci_high : float
        The interaction ``post:treated`` (the effect), its robust SE, z statistic,
        two-sided p value and normal confidence interval.
    coefficients : DataFrame
        All four terms (``const, post, treated, post:treated``) with ``estimate,
        std_error, statistic, p_value, ci_low, ci_high``.
    cell_means : DataFrame
        Mean outcome by segment (rows ``control``, ``treated``) and phase (columns
        ``before``, ``after``); the DiD estimate equals
        ``(treated.after − treated.before) − (control.after − control.before)``.
    cov_type : str
        ``"HC0"`` … ``"HC3"`` or ``"cluster"`` (clusters = time periods).
    n : int
        Rows used.
    pretrend_p_value : float
        p value of a different linear time trend in the treated segment before the
        change (the parallel-trends check; NaN with fewer than 3 pre-change periods).
        A small value warns that the DiD estimate may be biased.
    """

    estimate: float
    std_error: float
    statistic: float
    p_value: float
    ci_low: float
    ci_high: float
    coefficients: pd.DataFrame
    cell_means: pd.DataFrame
    cov_type: str
    n: int
    pretrend_p_value: float


@dataclass(frozen=True)
class ChangeEffect:
    """Result of :func:`effect_of_change`.

    Attributes
    ----------
    kind : str
        ``"mean"``, ``"proportion"`` or ``"nps"``.
    change_at : object
        The change date (first period counted as "after").
    summary : DataFrame
        Rows ``before`` and ``after`` (of the treated segment when one is given, else of
        all data): ``n``, ``estimate`` (mean, proportion or NPS points), ``ci_low``,
        ``ci_high``.
    difference : float
        ``after − before``.
    ci_low, ci_high : float
        Confidence interval of the difference.
    statistic, p_value : float
        Welch t (mean) or z (proportion, NPS) and its two-sided p value.
    test : str
        Name of the before/after test.
    did : DifferenceInDifferences or None
        The DiD regression when a control segment is given.
    """

    kind: str
    change_at: object
    summary: pd.DataFrame
    difference: float
    ci_low: float
    ci_high: float
    statistic: float
    p_value: float
    test: str
    did: DifferenceInDifferences | None


def robust_ols(
    x: FloatArray, y: FloatArray, cov_type: str, clusters: npt.NDArray[Any] | None = None
) -> tuple[FloatArray, FloatArray]:
    """OLS coefficients and their robust covariance (White 1980; MacKinnon & White 1985).

    ``V = (X'X)^-1 X' Ω X (X'X)^-1`` with ``Ω = diag(w_i e_i²)``: HC0 ``w = 1``, HC1
    ``n / (n − k)``, HC2 ``1 / (1 − h_ii)``, HC3 ``1 / (1 − h_ii)²``; cluster: sum of
    ``X_g' e_g`` outer products over clusters times ``G/(G−1) (n−1)/(n−k)``.
    """
    n, k = x.shape
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    resid = y - x @ beta
    if cov_type == "cluster":
        if clusters is None:
            raise InvalidInput("clustered standard errors need cluster labels")
        _, codes = np.unique(clusters, return_inverse=True)
        g = int(codes.max()) + 1
        scores = np.zeros((g, k))
        np.add.at(scores, codes, x * resid[:, None])
        meat = scores.T @ scores * (g / (g - 1)) * ((n - 1) / (n - k))
    else:
        leverage = np.einsum("ij,jk,ik->i", x, xtx_inv, x)
        weight = {
            "HC0": np.ones(n),
            "HC1": np.full(n, n / (n - k)),
            "HC2": 1 / (1 - leverage),
            "HC3": 1 / (1 - leverage) ** 2,
        }[cov_type]
        meat = (x * (weight * resid**2)[:, None]).T @ x
    return beta, xtx_inv @ meat @ xtx_inv


def _outcome(values: pd.Series, kind: str, threshold: float | None, name: str) -> FloatArray:
    v = values.to_numpy(dtype=float)
    if kind == "mean":
        return v
    if kind == "nps":
        require_in_scale(values, 0, 10, what=f"NPS answers in {name!r}")
        return np.where(v >= 9, 100.0, np.where(v <= 6, -100.0, 0.0))
    if threshold is not None:
        return (v >= threshold).astype(float)
    if not np.isin(v, [0, 1]).all():
        raise InvalidInput(f"column {name!r} is not 0/1; pass threshold= to define the top box")
    return v


def _before_after(
    before: FloatArray, after: FloatArray, kind: str, confidence: float
) -> tuple[pd.DataFrame, dict[str, float], str]:
    if kind == "mean":
        if before.size < 2 or after.size < 2:
            raise InvalidInput("each phase needs at least 2 answers for a mean comparison")
        row = means.welch_pair(after, before, confidence)
        t = sps.t.ppf((1 + confidence) / 2, [before.size - 1, after.size - 1])
        se = np.array(
            [before.std(ddof=1) / np.sqrt(before.size), after.std(ddof=1) / np.sqrt(after.size)]
        )
        est = np.array([before.mean(), after.mean()])
        summary = pd.DataFrame(
            {
                "n": [before.size, after.size],
                "estimate": est,
                "ci_low": est - t * se,
                "ci_high": est + t * se,
            },
            index=["before", "after"],
        )
        return summary, row, "Welch t"
    if kind == "nps":
        # The outcome is coded ±100/0; recover 0-10-like classes for the NPS helpers.
        groups = {"after": np.where(after > 0, 10.0, np.where(after < 0, 0.0, 7.0)),
                  "before": np.where(before > 0, 10.0, np.where(before < 0, 0.0, 7.0))}  # fmt: skip
        table = counts.nps_summary(groups, confidence)
        pair = counts.nps_pairwise(table, confidence).iloc[0]
        test = "z (NPS)"
    else:
        groups = {"after": after, "before": before}
        table = counts.proportion_summary(groups, confidence)
        pair = counts.proportion_pairwise(table, confidence).iloc[0]
        test = "z (proportions)"
    summary = table.loc[["before", "after"], ["n", "estimate", "ci_low", "ci_high"]]
    summary.index.name = None
    row = {c: float(pair[c]) for c in ["difference", "ci_low", "ci_high", "statistic", "p_value"]}
    return summary, row, test


def _time_numbers(times: pd.Series) -> FloatArray:
    if pd.api.types.is_datetime64_any_dtype(times):
        return np.asarray((times - times.min()).dt.total_seconds() / 86400.0, dtype=float)
    return np.asarray(times.to_numpy(dtype=float))


def _did(
    y: FloatArray,
    post: FloatArray,
    treated: FloatArray,
    times: pd.Series,
    cov_type: str,
    confidence: float,
) -> DifferenceInDifferences:
    cells = [(t, p) for t in (0.0, 1.0) for p in (0.0, 1.0)]
    empty = [c for c in cells if not np.any((treated == c[0]) & (post == c[1]))]
    if empty:
        names = [f"{'treated' if t else 'control'} {'after' if p else 'before'}" for t, p in empty]
        raise InvalidInput(
            f"difference-in-differences needs data in every cell; empty: {', '.join(names)}"
        )
    x = np.column_stack([np.ones_like(y), post, treated, post * treated])
    beta, cov = robust_ols(x, y, cov_type, times.to_numpy() if cov_type == "cluster" else None)
    se = np.sqrt(np.diag(cov))
    z = beta / se
    p = 2 * sps.norm.sf(np.abs(z))
    crit = float(sps.norm.ppf((1 + confidence) / 2))
    coefficients = pd.DataFrame(
        {"estimate": beta, "std_error": se, "statistic": z, "p_value": p,
         "ci_low": beta - crit * se, "ci_high": beta + crit * se},
        index=TERMS,
    )  # fmt: skip
    cell_means = pd.DataFrame(
        [[float(y[(treated == t) & (post == p)].mean()) for p in (0.0, 1.0)] for t in (0.0, 1.0)],
        index=["control", "treated"],
        columns=["before", "after"],
    )
    pre = post == 0
    tnum = _time_numbers(times)
    pretrend = float("nan")
    if np.unique(tnum[pre]).size >= 3:
        tc = tnum[pre] - tnum[pre].mean()
        xp = np.column_stack([np.ones(pre.sum()), tc, treated[pre], tc * treated[pre]])
        if np.linalg.matrix_rank(xp) == 4:
            bp, cp = robust_ols(xp, y[pre], "HC1")
            pretrend = float(2 * sps.norm.sf(abs(bp[3] / np.sqrt(cp[3, 3]))))
    row = coefficients.loc["post:treated"].to_numpy(dtype=float)
    return DifferenceInDifferences(
        estimate=float(row[0]), std_error=float(row[1]), statistic=float(row[2]),
        p_value=float(row[3]), ci_low=float(row[4]), ci_high=float(row[5]),
        coefficients=coefficients, cell_means=cell_means, cov_type=cov_type, n=y.size,
        pretrend_p_value=pretrend,
    )  # fmt: skip


def effect_of_change(
    data: pd.DataFrame,
    value: str,
    time: str,
    change_at: Any,
    group: str | None = None,
    treated: Any = None,
    kind: str = "mean",
    confidence: float = 0.95,
    *,
    threshold: float | None = None,
    cov_type: str = "HC1",
) -> ChangeEffect:
    """Before/after difference of a metric and, with a control segment, its DiD effect.

    Rows with ``time >= change_at`` are "after". Before/after compares the treated
    segment (or all rows when no ``group`` is given): Welch's t for means, the pooled z
    test for proportions, the trinomial z test for NPS (see
    :func:`manyi.stats.comparisons.compare_groups`). With ``group`` and ``treated``
    the DiD regression ``y ~ post * treated`` is fitted with robust standard errors; for
    NPS the outcome is coded +100/0/−100 so that effects are in NPS points, for
    proportions 1/0 (a linear probability model).

    Parameters
    ----------
    data : DataFrame
        One row per answer.
    value : str
        Score column (0–10 for NPS; 0/1 or use ``threshold`` for proportions).
    time : str
        Date or period column (datetime or numeric).
    change_at : date or number
        First period of the changed process.
    group : str, optional
        Segment column (store, channel, department).
    treated : label or list of labels, optional
        Segment(s) the change applied to; every other segment is the control.
    kind : {"mean", "proportion", "nps"}
    confidence : float
        Confidence level of the intervals.
    threshold : float, optional
        For proportions: answers ``>= threshold`` are the top box.
    cov_type : {"HC1", "HC0", "HC2", "HC3", "cluster"}
        Robust covariance of the DiD regression (``"cluster"``: by time period).

    Returns
    -------
    ChangeEffect

    References
    ----------
    Card, D., Krueger, A. (1994). Minimum wages and employment. AER 84, 772–793.
    White, H. (1980). A heteroskedasticity-consistent covariance matrix estimator.
    Bertrand, M., Duflo, E., Mullainathan, S. (2004). How much should we trust
    differences-in-differences estimates? QJE 119, 249–275.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"week": [1, 1, 2, 2, 3, 3, 4, 4],
    ...                    "score": [3, 4, 3, 4, 5, 4, 5, 5]})
    >>> effect_of_change(df, "score", "week", change_at=3).difference
    1.25
    """
    if kind not in CHANGE_KINDS:
        raise InvalidInput(f"unknown kind {kind!r}; use one of {', '.join(CHANGE_KINDS)}")
    if cov_type not in COV_TYPES:
        raise InvalidInput(f"unknown cov_type {cov_type!r}; use one of {', '.join(COV_TYPES)}")
    if not 0 < confidence < 1:
        raise InvalidInput(f"confidence must lie strictly between 0 and 1; got {confidence!r}")
    if not isinstance(data, pd.DataFrame):
        raise InvalidInput("data must be a pandas DataFrame")
    if (group is None) != (treated is None):
        raise InvalidInput(
            "give both group and treated for a difference-in-differences, or neither"
        )
    columns = [value, time] + ([group] if group is not None else [])
    require_columns(data, columns)
    frame = data[columns].dropna()
    if not pd.api.types.is_numeric_dtype(frame[value]):
        raise InvalidInput(f"column {value!r} must be numeric")
    try:
        post = np.asarray(frame[time] >= change_at, dtype=float)
    except TypeError as exc:
        raise InvalidInput(
            f"change_at {change_at!r} cannot be compared with column {time!r}"
        ) from exc
    y = _outcome(frame[value], kind, threshold, value)
    if group is None:
        in_segment = np.ones(len(frame), dtype=bool)
    else:
        labels = treated if isinstance(treated, list | tuple | set) else [treated]
        in_segment = frame[group].isin(list(labels)).to_numpy()
        if not in_segment.any():
            raise InvalidInput(f"no rows of {group!r} match treated={treated!r}")
        if in_segment.all():
            raise InvalidInput(f"every row is treated; a control segment in {group!r} is needed")
    before, after = y[in_segment & (post == 0)], y[in_segment & (post == 1)]
    if before.size == 0 or after.size == 0:
        raise InvalidInput(f"no data {'before' if before.size == 0 else 'after'} {change_at!r}")
    summary, row, test = _before_after(before, after, kind, confidence)
    did = None
    if group is not None:
        did = _did(y, post, in_segment.astype(float), frame[time], cov_type, confidence)
    return ChangeEffect(
        kind=kind, change_at=change_at, summary=summary, difference=float(row["difference"]),
        ci_low=float(row["ci_low"]), ci_high=float(row["ci_high"]),
        statistic=float(row["statistic"]), p_value=float(row["p_value"]), test=test, did=did,
    )  # fmt: skip


__all__ = [
    "CHANGE_KINDS",
    "COV_TYPES",
    "ChangeEffect",
    "DifferenceInDifferences",
    "effect_of_change",
    "robust_ols",
]
