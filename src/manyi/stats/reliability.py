"""Reliability of a multi-item scale: Cronbach's alpha, item analysis, CR and AVE.

These answer "do the items of one construct measure the same thing consistently?" — the
reliability half of indicator screening (the validity half is in
:mod:`manyi.stats.factor`). Input is a wide table: one row per respondent, one column per
item of the same construct, all scored in the same direction (reverse-keyed items must be
recoded first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from manyi.errors import InvalidInput
from manyi.stats.validation import numeric_frame, require_not_constant, require_rows

NanPolicy = Literal["listwise", "pairwise"]


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha with its Feldt confidence interval.

    Attributes
    ----------
    alpha : float
        Raw Cronbach's alpha (from the item covariance matrix).
    standardized_alpha : float
        Alpha of the standardized items, ``k r̄ / (1 + (k − 1) r̄)`` with ``r̄`` the mean
        inter-item correlation.
    ci_low, ci_high : float
        Feldt (1965) F-based confidence interval of ``alpha``.
    n : int
        Respondents used (after listwise deletion, or with any answer for "pairwise").
    k : int
        Number of items.
    nan_policy : str
        "listwise" (drop respondents with any missing item) or "pairwise" (covariances
        from all respondents who answered both items).
    confidence : float
        Confidence level of the interval.
    """

    alpha: float
    standardized_alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int
    nan_policy: str
    confidence: float


def _items_frame(data: pd.DataFrame, nan_policy: str, *, what: str) -> pd.DataFrame:
    if nan_policy not in ("listwise", "pairwise"):
        raise InvalidInput(
            f'{what}: nan_policy must be "listwise" or "pairwise", got {nan_policy!r}'
        )
    frame = numeric_frame(data, what=what)
    if frame.shape[1] < 2:
        raise InvalidInput(f"{what}: at least 2 items are needed, got {frame.shape[1]}")
    frame = frame.dropna(how="any") if nan_policy == "listwise" else frame.dropna(how="all")
    require_rows(len(frame), 2, what=what)
    require_not_constant(frame, what=what)
    return frame


def _alpha_from_cov(cov: np.ndarray) -> float:
    k = cov.shape[0]
    total = float(cov.sum())
    if total <= 0:
        raise InvalidInput(
            "the items' total score has no variance (items cancel each other out); "
            "recode reverse-keyed items before computing alpha"
        )
    return float(k / (k - 1) * (1.0 - float(np.trace(cov)) / total))


def _standardized_alpha(corr: np.ndarray) -> float:
    k = corr.shape[0]
    r_bar = float(corr[np.triu_indices(k, 1)].mean())
    return float(k * r_bar / (1 + (k - 1) * r_bar))


def cronbach_alpha(
    data: pd.DataFrame, confidence: float = 0.95, nan_policy: NanPolicy = "listwise"
) -> AlphaResult:
    """Cronbach's alpha of a set of items, with a Feldt confidence interval.

    .. math::
        \\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\sum_i s_i^2}{s_T^2}\\right),\\qquad
        [1 - (1-\\alpha)F_{1-\\gamma/2},\\; 1 - (1-\\alpha)F_{\\gamma/2}]

    where ``s_T^2`` is the variance of the total score (sum of the covariance matrix) and
    ``F`` quantiles have ``n − 1`` and ``(n − 1)(k − 1)`` degrees of freedom (Feldt 1965).

    Parameters
    ----------
    data : DataFrame
        Respondents × items, numeric, same direction.
    confidence : float
        Confidence level of the interval.
    nan_policy : {"listwise", "pairwise"}
        How missing answers are handled (see :class:`AlphaResult`).

    Returns
    -------
    AlphaResult
        ``alpha`` (raw) and ``standardized_alpha``, the Feldt interval
        ``ci_low``/``ci_high``, ``n`` respondents and ``k`` items used.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika 16, 297–334. Feldt, L. S. (1965). The approximate sampling distribution
    of Kuder-Richardson reliability coefficient twenty. Psychometrika 30, 357–370.
    Checked against pingouin.cronbach_alpha and R psych::alpha.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 3, 5, 5], "q3": [1, 3, 3, 4, 4]})
    >>> round(cronbach_alpha(df).alpha, 3)
    0.954
    """
    if not 0.0 < confidence < 1.0:
        raise InvalidInput(f"confidence must lie strictly between 0 and 1, got {confidence}")
    frame = _items_frame(data, nan_policy, what="Cronbach's alpha")
    # pandas computes covariances and correlations from pairwise-complete observations,
    # which is exactly the "pairwise" policy (and the ordinary one after listwise deletion).
    cov = frame.cov().to_numpy()
    corr = frame.corr().to_numpy()
    if np.isnan(cov).any():
        raise InvalidInput("Cronbach's alpha: some pairs of items have no respondent in common")
    n, k = frame.shape
    alpha = _alpha_from_cov(cov)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - confidence) / 2
    lower = 1 - (1 - alpha) * float(stats.f.isf(tail, df1, df2))
    upper = 1 - (1 - alpha) * float(stats.f.isf(1 - tail, df1, df2))
    return AlphaResult(
        alpha=alpha,
        standardized_alpha=_standardized_alpha(corr),
        ci_low=lower,
        ci_high=upper,
        n=n,
        k=k,
        nan_policy=nan_policy,
        confidence=confidence,
    )


def item_analysis(data: pd.DataFrame, nan_policy: NanPolicy = "listwise") -> pd.DataFrame:
    """Per-item statistics for scale construction: mean, sd, corrected item-total r, alpha if deleted.

    The corrected item-total correlation is the correlation of an item with the sum of the
    *other* items (R psych's ``r.drop``), so an item is not correlated with itself.

    .. math:: r_{i,T-i} = \\mathrm{corr}(x_i, \\textstyle\\sum_{j \\ne i} x_j)

    Parameters
    ----------
    data : DataFrame
        Respondents × items, numeric, same direction (reverse-keyed items recoded).
    nan_policy : {"listwise", "pairwise"}
        How missing answers are handled (see :class:`AlphaResult`).

    Returns
    -------
    DataFrame
        Indexed by item, columns ``n`` (respondents answering the item), ``mean``, ``sd``,
        ``item_total_r`` (corrected), ``alpha_if_deleted`` (raw alpha of the remaining
        items; NaN when only one item would remain).

    References
    ----------
    Revelle, W. psych::alpha (``r.drop``, ``alpha.drop``). Nunnally, J. & Bernstein, I.
    (1994). Psychometric Theory, 3rd ed.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 3, 5, 5], "q3": [1, 3, 3, 4, 4]})
    >>> item_analysis(df)["item_total_r"].round(3).tolist()
    [0.97, 0.903, 0.87]
    """
    frame = _items_frame(data, nan_policy, what="item analysis")
    cov = frame.cov().to_numpy()
    items = list(frame.columns)
    rows: list[dict[str, float]] = []
    for i, item in enumerate(items):
        rest = [j for j in range(len(items)) if j != i]
        # var(rest) and cov(item, rest) from the covariance matrix: identical to summing
        # columns under listwise deletion, and the consistent choice under "pairwise".
        var_rest = float(cov[np.ix_(rest, rest)].sum())
        cov_item_rest = float(cov[i, rest].sum())
        var_item = float(cov[i, i])
        r_drop = cov_item_rest / np.sqrt(var_item * var_rest) if var_rest > 0 else float("nan")
        alpha_drop = _alpha_from_cov(cov[np.ix_(rest, rest)]) if len(rest) >= 2 else float("nan")
        rows.append(
            {
                "n": float(frame[item].notna().sum()),
                "mean": float(frame[item].mean()),
                "sd": float(np.sqrt(var_item)),
                "item_total_r": float(r_drop),
                "alpha_if_deleted": alpha_drop,
            }
        )
    result = pd.DataFrame(rows, index=pd.Index(items, name="item"))
    result["n"] = result["n"].astype(int)
    return result


def _loadings_array(loadings: Sequence[float] | np.ndarray | pd.Series, *, what: str) -> np.ndarray:
    lam = np.asarray(loadings, dtype=float).ravel()
    if lam.size == 0 or np.isnan(lam).any():
        raise InvalidInput(f"{what}: give at least one loading and no missing values")
    if np.any(np.abs(lam) > 1):
        raise InvalidInput(
            f"{what}: standardized loadings must lie in [−1, 1]; got "
            + ", ".join(f"{v:g}" for v in lam[np.abs(lam) > 1])
        )
    return lam


def composite_reliability(loadings: Sequence[float] | np.ndarray | pd.Series) -> float:
    """Composite reliability (Jöreskog's rho / Dillon–Goldstein rho) from standardized loadings.

    .. math:: \\rho_c = \\frac{(\\sum_i \\lambda_i)^2}{(\\sum_i \\lambda_i)^2 + \\sum_i (1 - \\lambda_i^2)}

    Loadings of one construct, sign-aligned; ≥ 0.7 is the usual threshold.

    Parameters
    ----------
    loadings : sequence of float, numpy array or pandas Series
        Standardized loadings λ_i of one construct's indicators, each in [−1, 1].

    Returns
    -------
    float
        ρ_c between 0 and 1 (for positive loadings).

    References
    ----------
    Fornell, C. & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. J. Marketing Research 18, 39–50.
    Checked against R plspm's ``DG.rho``.

    Examples
    --------
    >>> round(composite_reliability([0.8, 0.7, 0.9]), 4)
    0.8446
    """
    lam = _loadings_array(loadings, what="composite reliability")
    num = float(lam.sum()) ** 2
    return num / (num + float(np.sum(1 - lam**2)))


def average_variance_extracted(loadings: Sequence[float] | np.ndarray | pd.Series) -> float:
    """Average variance extracted (AVE) from standardized loadings.

    .. math:: \\mathrm{AVE} = \\frac{1}{k}\\sum_i \\lambda_i^2

    AVE ≥ 0.5 means the construct explains more variance of its items than error does;
    for discriminant validity, √AVE should exceed the construct's correlations with other
    constructs (Fornell–Larcker criterion).

    Parameters
    ----------
    loadings : sequence of float, numpy array or pandas Series
        Standardized loadings λ_i of one construct's indicators, each in [−1, 1].

    Returns
    -------
    float
        AVE between 0 and 1: the mean share of an indicator's variance that the
        construct explains.

    References
    ----------
    Fornell, C. & Larcker, D. F. (1981). J. Marketing Research 18, 39–50. Checked against
    R plspm's AVE (block communality).

    Examples
    --------
    >>> round(average_variance_extracted([0.8, 0.7, 0.9]), 4)
    0.6467
    """
    lam = _loadings_array(loadings, what="average variance extracted")
    return float(np.mean(lam**2))


__all__ = [
    "AlphaResult",
    "NanPolicy",
    "average_variance_extracted",
    "composite_reliability",
    "cronbach_alpha",
    "item_analysis",
]
