"""Value curve (价值曲线): the same service elements rated by customers, staff and management.

Drawing each group's mean rating per element side by side shows where the views part: staff
who think the queue is short while customers find it long, or management investing in an
element nobody rates highly. Each gap is tested with Welch's t-test, which does not assume the
groups have equal variances or sizes (staff samples are usually much smaller).

References
----------
Kim, W. C. & Mauborgne, R. (1997). Value innovation: the strategic logic of high growth.
*Harvard Business Review* 75(1), 102–112 (the value curve / strategy canvas).
Welch, B. L. (1947). The generalization of "Student's" problem when several different
population variances are involved. *Biometrika* 34(1–2), 28–35.
Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
Journal of Statistics* 6(2), 65–70.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from manyi.errors import InvalidInput
from manyi.stats.multiple_testing import holm
from manyi.stats.validation import numeric_frame, require_columns, require_rows


@dataclass(frozen=True)
class ValueCurveResult:
    """Mean ratings per element and group, and the tested gaps between groups.

    Attributes
    ----------
    means : pandas.DataFrame
        Elements × groups: mean rating (the value curves, one column per group).
    counts : pandas.DataFrame
        Elements × groups: number of answers behind each mean.
    gaps : pandas.DataFrame
        One row per element and pair of groups: ``element``, ``group_a``, ``group_b``,
        ``mean_a``, ``mean_b``, ``gap`` (mean_a − mean_b), ``t``, ``df`` (Welch–Satterthwaite),
        ``p`` (two-sided Welch t-test), ``p_holm`` (Holm-adjusted over all rows) and
        ``significant`` (``p_holm < alpha``).
    """

    means: pd.DataFrame
    counts: pd.DataFrame
    gaps: pd.DataFrame


def value_curve(
    data: pd.DataFrame,
    element_columns: Sequence[str],
    group_column: str,
    *,
    groups: Sequence[str] | None = None,
    alpha: float = 0.05,
) -> ValueCurveResult:
    """Per-element mean ratings by group with Welch t-tests of every pairwise gap.

    For element e and groups a, b: ``gap = x̄_a − x̄_b``,
    ``t = gap / √(s_a²/n_a + s_b²/n_b)`` with Welch–Satterthwaite degrees of freedom
    ``(s_a²/n_a + s_b²/n_b)² / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1))``. Because
    elements × pairs tests are run at once, ``p_holm`` controls the family-wise error (Holm
    1979); ``significant`` uses it.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per rater; element ratings in ``element_columns``; the rater's group
        (e.g. ``"customer"``, ``"staff"``, ``"management"``) in ``group_column``.
    element_columns : sequence of str
        The service elements rated.
    group_column : str
    groups : sequence of str, optional
        Groups to compare and their order (default: as they first appear).
    alpha : float
        Level for ``significant`` (default 0.05).

    Returns
    -------
    ValueCurveResult

    Raises
    ------
    InvalidInput
        Unknown column, non-numeric ratings, fewer than two groups, a named group absent from
        the data, or a group with fewer than 2 ratings of an element.

    References
    ----------
    Kim, W. C. & Mauborgne, R. (1997). Value innovation: the strategic logic of high growth.
    *Harvard Business Review* 75(1), 102–112 (the value curve).
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. *Biometrika* 34(1–2), 28–35.
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
    Journal of Statistics* 6(2), 65–70. Checked against scipy.stats.ttest_ind, pingouin.ttest
    and statsmodels' multipletests.

    Examples
    --------
    >>> d = pd.DataFrame({"who": ["customer"] * 4 + ["staff"] * 3,
    ...                   "wait": [2, 3, 2, 3, 4, 5, 4], "clean": [4, 4, 5, 4, 4, 5, 4]})
    >>> r = value_curve(d, ["wait", "clean"], "who")
    >>> r.means.round(2).loc["wait"].tolist(), round(float(r.gaps.loc[0, "gap"]), 2)
    ([2.5, 4.33], -1.83)
    """
    elements = [str(c) for c in element_columns]
    if not elements:
        raise InvalidInput("value curve: no element columns given")
    if not 0 < alpha < 1:
        raise InvalidInput("value curve: alpha must be between 0 and 1")
    require_columns(data, [*elements, group_column])
    ratings = numeric_frame(data, elements, what="value curve")
    labels = data[group_column].astype("string")
    present = [str(g) for g in pd.unique(labels.dropna())]
    if groups is None:
        chosen = present
    else:
        chosen = [str(g) for g in groups]
        absent = [g for g in chosen if g not in present]
        if absent:
            raise InvalidInput(
                f"value curve: group(s) {', '.join(absent)} not found in {group_column!r} "
                f"(found: {', '.join(present)})"
            )
    if len(chosen) < 2:
        raise InvalidInput(f"value curve: need at least two groups in {group_column!r} to compare")
    samples: dict[tuple[str, str], np.ndarray] = {}
    for element in elements:
        for g in chosen:
            values = (
                ratings.loc[(labels == g).fillna(False).to_numpy(), element].dropna().to_numpy()
            )
            require_rows(len(values), 2, what=f"value curve ({element}, group {g})")
            samples[(element, g)] = values
    means = pd.DataFrame(
        {g: [float(samples[(e, g)].mean()) for e in elements] for g in chosen}, index=elements
    )
    counts = pd.DataFrame(
        {g: [len(samples[(e, g)]) for e in elements] for g in chosen}, index=elements
    )
    rows = []
    for element in elements:
        for a, b in combinations(chosen, 2):
            xa, xb = samples[(element, a)], samples[(element, b)]
            va, vb = xa.var(ddof=1) / len(xa), xb.var(ddof=1) / len(xb)
            gap = float(xa.mean() - xb.mean())
            if va + vb == 0:
                # Both groups gave one identical rating each: no spread, so no test is possible.
                t, df, p = np.nan, np.nan, np.nan
            else:
                res = stats.ttest_ind(xa, xb, equal_var=False)
                t, p = float(res.statistic), float(res.pvalue)
                df = (va + vb) ** 2 / (va**2 / (len(xa) - 1) + vb**2 / (len(xb) - 1))
            rows.append(
                {
                    "element": element,
                    "group_a": a,
                    "group_b": b,
                    "mean_a": float(xa.mean()),
                    "mean_b": float(xb.mean()),
                    "gap": gap,
                    "t": t,
                    "df": df,
                    "p": p,
                }
            )
    gaps = pd.DataFrame(rows)
    p_values = gaps["p"].to_numpy(dtype=float)
    tested = ~np.isnan(p_values)
    p_holm = holm(p_values)  # NaN (a gap that could not be tested) stays NaN
    gaps["p_holm"] = p_holm
    gaps["significant"] = np.where(tested, p_holm < alpha, False)
    return ValueCurveResult(means=means, counts=counts, gaps=gaps)


__all__ = ["ValueCurveResult", "value_curve"]
