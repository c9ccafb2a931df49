"""Key-driver analysis: which service attributes move overall satisfaction, and how much.

Four views, from simplest to most robust to correlated attributes:

- :func:`correlations` — bivariate Pearson/Spearman r with Fisher-z confidence intervals;
- :func:`standardized_betas` — OLS on z-scores (unique effect of each attribute);
- :func:`relative_weights` — Johnson's (2000) relative weights, a share of R² per attribute;
- :func:`shapley_r2` — the LMG / Shapley decomposition of R² (exact, all 2^p subsets).

Survey attributes are usually strongly correlated, so betas can flip sign; relative weights
and Shapley shares do not and add up to R², which is why they are the recommended importance
measures for driver and importance-performance analysis.

References
----------
Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor
variables in multiple regression. *Multivariate Behavioral Research* 35(1), 1–19.
Lindeman, R. H., Merenda, P. F. & Gold, R. Z. (1980). *Introduction to Bivariate and
Multivariate Analysis*. Scott, Foresman (the LMG measure).
Grömping, U. (2006). Relative importance for linear regression in R: the package relaimpo.
*Journal of Statistical Software* 17(1).
Bonett, D. G. & Wright, T. A. (2000). Sample size requirements for estimating Pearson,
Kendall and Spearman correlations. *Psychometrika* 65(1), 23–28.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from math import factorial
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from manyi.errors import InvalidInput
from manyi.stats.validation import (
    numeric_frame,
    require_columns,
    require_not_constant,
    require_rows,
)

CorrelationMethod = Literal["pearson", "spearman"]

#: Exact Shapley/LMG needs all 2^p subsets; beyond this it is too slow to be worth it.
MAX_SHAPLEY_PREDICTORS = 15


@dataclass(frozen=True)
class BetaResult:
    """Standardised regression coefficients.

    Attributes
    ----------
    table : pandas.DataFrame
        Per predictor: ``beta`` (change in SDs of the target per SD of the predictor, others
        held fixed), ``se``, ``t``, ``p`` (two-sided), ``ci_low``, ``ci_high``.
    r2, adj_r2 : float
        Model R² and adjusted R².
    n : int
        Respondents used (complete cases).
    """

    table: pd.DataFrame
    r2: float
    adj_r2: float
    n: int


@dataclass(frozen=True)
class ImportanceResult:
    """A decomposition of R² into predictor shares.

    Attributes
    ----------
    table : pandas.DataFrame
        Per predictor: ``raw`` (share of R²; the column sums to ``r2``), ``rescaled`` (% of R²,
        sums to 100), ``rank`` (1 = most important), ``ci_low`` and ``ci_high`` (bootstrap
        percentile interval of ``raw``; NaN without bootstrap).
    r2 : float
        R² of the full model.
    n : int
        Respondents used (complete cases).
    method : str
        ``"relative_weights"`` or ``"shapley_r2"``.
    n_boot : int
        Bootstrap replicates used (resamples whose predictors became constant or collinear are
        skipped; 0 without bootstrap).
    """

    table: pd.DataFrame
    r2: float
    n: int
    method: str
    n_boot: int


def _frame(
    data: pd.DataFrame, target: str, predictors: Sequence[str] | None, *, minimum_extra: int
) -> tuple[pd.DataFrame, list[str]]:
    if not isinstance(data, pd.DataFrame):
        raise InvalidInput("drivers: data must be a pandas DataFrame")
    require_columns(data, [target])
    preds = (
        [str(c) for c in data.columns if c != target] if predictors is None else list(predictors)
    )
    if not preds:
        raise InvalidInput("drivers: no predictors given")
    if target in preds:
        raise InvalidInput(f"drivers: the target {target!r} cannot also be a predictor")
    if len(set(preds)) != len(preds):
        raise InvalidInput("drivers: predictors are listed twice")
    frame = numeric_frame(data, [*preds, target], what="drivers").dropna()
    require_rows(len(frame), len(preds) + minimum_extra, what="drivers (complete cases)")
    require_not_constant(frame, what="drivers")
    return frame, preds


def _check_not_singular(corr: np.ndarray, names: list[str]) -> None:
    values, vectors = np.linalg.eigh(corr)
    if values[0] > 1e-10 * max(values[-1], 1.0):
        return
    # The eigenvector of the ~zero eigenvalue holds the linear combination that vanishes.
    null = np.abs(vectors[:, 0])
    involved = [n for n, v in zip(names, null, strict=True) if v > 1e-3]
    raise InvalidInput(
        "drivers: the predictors are perfectly collinear (singular): "
        f"{', '.join(involved)} — one is a linear combination of the others; drop one of them"
    )


def correlations(
    data: pd.DataFrame,
    target: str,
    method: CorrelationMethod = "pearson",
    *,
    predictors: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Correlation of each predictor with the target, with p-values and Fisher-z intervals.

    Interval: ``tanh(atanh(r) ± z_{1−α/2} · se)`` with ``se = 1/√(n − 3)`` for Pearson (Fisher
    1921) and ``se = √((1 + r²/2)/(n − 3))`` for Spearman (Bonett & Wright 2000). p-values are
    scipy's (t-distribution for both). Missing values are dropped pair by pair.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents × variables.
    target : str
        Outcome column (e.g. overall satisfaction).
    method : {"pearson", "spearman"}
    predictors : sequence of str, optional
        Columns to correlate (default: every other column).
    confidence : float
        Confidence level of the interval (default 0.95).

    Returns
    -------
    pandas.DataFrame
        Indexed by predictor: ``n``, ``r``, ``ci_low``, ``ci_high``, ``p``.

    Raises
    ------
    InvalidInput
        Unknown or non-numeric column, constant column, fewer than 4 complete pairs, bad method.

    References
    ----------
    Fisher, R. A. (1921). On the "probable error" of a coefficient of correlation deduced
    from a small sample. *Metron* 1, 3–32 (the z transformation).
    Bonett, D. G. & Wright, T. A. (2000). Sample size requirements for estimating Pearson,
    Kendall and Spearman correlations. *Psychometrika* 65(1), 23–28 (Spearman interval).
    Checked against scipy.stats.pearsonr and pingouin's Fisher-z interval.

    Examples
    --------
    >>> d = pd.DataFrame({"overall": [1, 2, 3, 4, 5, 6], "speed": [2, 1, 4, 3, 6, 5]})
    >>> correlations(d, "overall").round(3).loc["speed", ["r", "p"]].tolist()
    [0.829, 0.042]
    """
    if method not in ("pearson", "spearman"):
        raise InvalidInput(f"correlations: method must be 'pearson' or 'spearman', got {method!r}")
    if not 0 < confidence < 1:
        raise InvalidInput("correlations: confidence must be between 0 and 1")
    require_columns(data, [target])
    preds = (
        [str(c) for c in data.columns if c != target] if predictors is None else list(predictors)
    )
    frame = numeric_frame(data, [*preds, target], what="correlations")
    z_crit = float(stats.norm.ppf(0.5 + confidence / 2))
    rows = {}
    for column in preds:
        pair = frame[[column, target]].dropna()
        require_rows(len(pair), 4, what=f"correlations ({column})")
        require_not_constant(pair, what="correlations")
        x, y = pair[column].to_numpy(), pair[target].to_numpy()
        result = stats.pearsonr(x, y) if method == "pearson" else stats.spearmanr(x, y)
        r, p = float(result[0]), float(result[1])
        n = len(pair)
        if abs(r) >= 1.0:
            low = high = r
        else:
            se = 1 / np.sqrt(n - 3) if method == "pearson" else np.sqrt((1 + r * r / 2) / (n - 3))
            z = np.arctanh(r)
            low, high = float(np.tanh(z - z_crit * se)), float(np.tanh(z + z_crit * se))
        rows[column] = {"n": n, "r": r, "ci_low": low, "ci_high": high, "p": p}
    return pd.DataFrame.from_dict(rows, orient="index")


def standardized_betas(
    data: pd.DataFrame,
    target: str,
    predictors: Sequence[str] | None = None,
    *,
    confidence: float = 0.95,
) -> BetaResult:
    """OLS coefficients on z-scores, with standard errors, t, p and confidence intervals.

    Every column is standardised (``z = (x − x̄)/s``, s with n − 1) and ``z_y = b_0 +
    Σ_j β_j z_j + ε`` is fitted by least squares on complete cases; ``se(β) = √(σ̂² (Z'Z)⁻¹)``
    with ``σ̂² = RSS/(n − p − 1)``, ``t = β/se``, p from t with n − p − 1 df. These equal the
    raw-scale coefficients times ``s_x/s_y``.

    Parameters
    ----------
    data : pandas.DataFrame
    target : str
    predictors : sequence of str, optional
        Default: every other column.
    confidence : float
        Level of the intervals (default 0.95).

    Returns
    -------
    BetaResult

    Raises
    ------
    InvalidInput
        Unknown column, constant column, collinear (singular) predictors, or fewer than
        p + 2 complete cases.

    References
    ----------
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor
    variables in multiple regression. *Multivariate Behavioral Research* 35(1), 1–19 (why
    betas mislead as importance when attributes correlate).
    Grömping, U. (2006). Relative importance for linear regression in R: the package relaimpo.
    *Journal of Statistical Software* 17(1). Checked against statsmodels OLS on z-scores.

    Examples
    --------
    >>> d = pd.DataFrame({"y": [1, 3, 2, 5, 4, 6], "a": [1, 2, 2, 4, 5, 6], "b": [2, 1, 3, 3, 1, 2]})
    >>> standardized_betas(d, "y", ["a", "b"]).table["beta"].round(3).tolist()
    [0.936, 0.106]
    """
    if not 0 < confidence < 1:
        raise InvalidInput("standardized betas: confidence must be between 0 and 1")
    frame, preds = _frame(data, target, predictors, minimum_extra=2)
    z = (frame - frame.mean()) / frame.std(ddof=1)
    _check_not_singular(
        np.corrcoef(z[preds].to_numpy(), rowvar=False).reshape(len(preds), -1), preds
    )
    x = np.column_stack([np.ones(len(z)), z[preds].to_numpy()])
    y = z[target].to_numpy()
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    n, k = x.shape
    df = n - k
    sigma2 = float(resid @ resid) / df
    cov = sigma2 * np.linalg.inv(x.T @ x)
    se = np.sqrt(np.diag(cov))[1:]
    beta = coef[1:]
    t = beta / se
    p = 2 * stats.t.sf(np.abs(t), df)
    crit = float(stats.t.ppf(0.5 + confidence / 2, df))
    r2 = 1 - float(resid @ resid) / float(((y - y.mean()) ** 2).sum())
    table = pd.DataFrame(
        {
            "beta": beta,
            "se": se,
            "t": t,
            "p": p,
            "ci_low": beta - crit * se,
            "ci_high": beta + crit * se,
        },
        index=preds,
    )
    return BetaResult(table=table, r2=r2, adj_r2=1 - (1 - r2) * (n - 1) / df, n=n)


def _relative_weights_from_corr(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    # Johnson (2000): Λ = R_xx^{1/2} links the predictors to their closest orthogonal
    # counterparts Z; β = Λ⁻¹ r_xy regresses y on Z; ε_j = Σ_k λ_jk² β_k².
    values, vectors = np.linalg.eigh(rxx)
    lam = vectors @ np.diag(np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    beta = np.linalg.solve(lam, rxy)
    return np.asarray((lam**2) @ (beta**2))


def _subset_r2(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """R² of every subset of predictors, indexed by bit mask, from the correlation matrix."""
    p = len(rxy)
    values = np.zeros(1 << p)
    for size in range(1, p + 1):
        combos = np.array(list(combinations(range(p), size)))
        # R²(S) = r_S' R_SS⁻¹ r_S, solved for all subsets of one size in one batched call.
        sub = rxx[combos[:, :, None], combos[:, None, :]]
        rhs = rxy[combos]
        sol = np.linalg.solve(sub, rhs[..., None])[..., 0]
        values[(1 << combos).sum(axis=1)] = (rhs * sol).sum(axis=1)
    return values


def _shapley_from_corr(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    p = len(rxy)
    v = _subset_r2(rxx, rxy)
    masks = np.arange(1 << p)
    sizes = np.array([bin(m).count("1") for m in masks])
    # Shapley weight of a coalition of size s not containing j: s!(p − s − 1)!/p!.
    weight = np.array([factorial(s) * factorial(p - s - 1) / factorial(p) for s in range(p)])
    phi = np.empty(p)
    for j in range(p):
        bit = 1 << j
        without = masks[(masks & bit) == 0]
        phi[j] = float((weight[sizes[without]] * (v[without | bit] - v[without])).sum())
    return phi


def _importance(
    data: pd.DataFrame,
    target: str,
    predictors: Sequence[str] | None,
    bootstrap: int,
    seed: int,
    confidence: float,
    method: str,
    compute: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> ImportanceResult:
    if bootstrap < 0:
        raise InvalidInput(f"{method}: bootstrap must be 0 (none) or a number of resamples")
    if not 0 < confidence < 1:
        raise InvalidInput(f"{method}: confidence must be between 0 and 1")
    frame, preds = _frame(data, target, predictors, minimum_extra=2)
    p = len(preds)
    if method == "shapley_r2" and p > MAX_SHAPLEY_PREDICTORS:
        raise InvalidInput(
            f"shapley_r2: {p} predictors; the exact computation needs 2^p subsets and is limited to "
            f"{MAX_SHAPLEY_PREDICTORS} (use relative_weights, which scales to many predictors)"
        )
    values = frame[[*preds, target]].to_numpy(dtype=float)
    corr = np.corrcoef(values, rowvar=False)
    _check_not_singular(corr[:p, :p], preds)
    raw = compute(corr[:p, :p], corr[:p, p])
    r2 = float(raw.sum())
    low = np.full(p, np.nan)
    high = np.full(p, np.nan)
    used = 0
    if bootstrap:
        rng = np.random.default_rng(seed)
        draws = []
        n = len(values)
        for _ in range(bootstrap):
            sample = values[rng.integers(0, n, n)]
            if np.any(sample.std(axis=0) == 0):
                continue
            c = np.corrcoef(sample, rowvar=False)
            if np.linalg.eigvalsh(c[:p, :p])[0] <= 1e-10:
                continue
            draws.append(compute(c[:p, :p], c[:p, p]))
        used = len(draws)
        if used:
            alpha = (1 - confidence) / 2
            low, high = np.quantile(np.array(draws), [alpha, 1 - alpha], axis=0)
    rescaled = 100 * raw / r2 if r2 > 0 else np.full(p, np.nan)
    table = pd.DataFrame(
        {"raw": raw, "rescaled": rescaled, "ci_low": low, "ci_high": high}, index=preds
    )
    table.insert(2, "rank", table["raw"].rank(ascending=False, method="min").astype(int))
    return ImportanceResult(table=table, r2=r2, n=len(values), method=method, n_boot=used)


def relative_weights(
    data: pd.DataFrame,
    target: str,
    predictors: Sequence[str] | None = None,
    bootstrap: int = 0,
    seed: int = 0,
    *,
    confidence: float = 0.95,
) -> ImportanceResult:
    """Johnson's (2000) relative weights: each predictor's share of R².

    With the predictor correlation matrix ``R_xx = Q diag(λ) Q'`` and ``Λ = Q diag(√λ) Q'``
    (its symmetric square root), ``β = Λ⁻¹ r_xy`` and ``ε_j = Σ_k Λ_jk² β_k²``. The raw weights
    ``ε_j`` are non-negative and sum to R²; ``rescaled = 100 ε_j / R²``. Bootstrap: rows are
    resampled ``bootstrap`` times (NumPy generator seeded with ``seed``) and the percentile
    interval of each raw weight is reported.

    Parameters
    ----------
    data : pandas.DataFrame
    target : str
    predictors : sequence of str, optional
        Default: every other column.
    bootstrap : int
        Number of bootstrap resamples (0 = no intervals; 1000 or more for reporting).
    seed : int
        Seed of the resampling, so intervals are reproducible.
    confidence : float
        Level of the bootstrap intervals (default 0.95).

    Returns
    -------
    ImportanceResult

    Raises
    ------
    InvalidInput
        Unknown column, constant column, singular predictors, too few complete cases.

    References
    ----------
    Johnson (2000); R package ``rwa`` (mtcars, mpg ~ cyl + disp + hp + gear: R² 0.7791896,
    raw weights 0.2284797, 0.2221469, 0.2321744, 0.0963886).

    Examples
    --------
    >>> d = pd.DataFrame({"y": [1, 3, 2, 5, 4, 6], "a": [1, 2, 2, 4, 5, 6], "b": [2, 1, 3, 3, 1, 2]})
    >>> relative_weights(d, "y").table["raw"].round(3).tolist()
    [0.86, 0.006]
    """
    return _importance(
        data,
        target,
        predictors,
        bootstrap,
        seed,
        confidence,
        "relative_weights",
        _relative_weights_from_corr,
    )


def shapley_r2(
    data: pd.DataFrame,
    target: str,
    predictors: Sequence[str] | None = None,
    bootstrap: int = 0,
    seed: int = 0,
    *,
    confidence: float = 0.95,
) -> ImportanceResult:
    """LMG / Shapley decomposition of R² (general dominance), computed exactly.

    ``φ_j = Σ_{S ⊆ P∖{j}} |S|!(p − |S| − 1)!/p! · (R²(S ∪ {j}) − R²(S))``: the increase in R²
    from adding predictor j, averaged over all orders of entry (Lindeman, Merenda & Gold 1980;
    relaimpo's ``type = "lmg"``). The shares sum to the full-model R². All 2^p subset R² come
    from the correlation matrix, ``R²(S) = r_S' R_SS⁻¹ r_S``, batched by subset size, instead of
    refitting a regression per subset; p ≤ 15. Bootstrap as in :func:`relative_weights`.

    Parameters
    ----------
    data : pandas.DataFrame
    target : str
    predictors : sequence of str, optional
        Default: every other column; at most 15.
    bootstrap : int
        Number of bootstrap resamples (0 = no intervals).
    seed : int
        Seed of the resampling.
    confidence : float
        Level of the bootstrap intervals (default 0.95).

    Returns
    -------
    ImportanceResult

    Raises
    ------
    InvalidInput
        More than 15 predictors, unknown or constant column, singular predictors, too few cases.

    References
    ----------
    Grömping (2006); relaimpo ``calc.relimp(mpg ~ am + vs + cyl, data = mtcars, type = "lmg")``:
    am 0.1774892, vs 0.2027032, cyl 0.3817849.

    Examples
    --------
    >>> d = pd.DataFrame({"y": [1, 3, 2, 5, 4, 6], "a": [1, 2, 2, 4, 5, 6], "b": [2, 1, 3, 3, 1, 2]})
    >>> shapley_r2(d, "y").table["raw"].round(3).tolist()
    [0.86, 0.006]
    """
    return _importance(
        data, target, predictors, bootstrap, seed, confidence, "shapley_r2", _shapley_from_corr
    )


__all__ = [
    "MAX_SHAPLEY_PREDICTORS",
    "BetaResult",
    "ImportanceResult",
    "correlations",
    "relative_weights",
    "shapley_r2",
    "standardized_betas",
]
