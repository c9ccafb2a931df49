"""Tests for differences in mean scores between groups (used by ``compare_groups``).

* two groups: Welch's t test (Welch 1947), which does not assume equal variances;
* three or more: classical one-way ANOVA and Welch's ANOVA (Welch 1951), with eta² and
  omega² (Hays 1963) as effect sizes;
* post hoc: Games-Howell (1976; unequal variances and sizes, default), Tukey HSD
  (Tukey 1949; Kramer 1956 for unequal sizes) or pairwise Welch t tests whose p values
  are then corrected for multiplicity.

Hedges' g (Hedges 1981) is the pairwise effect size: Cohen's d with the pooled SD,
times the small-sample correction ``1 - 3 / (4 (n1 + n2) - 9)``.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.oneway import anova_oneway

FloatArray = npt.NDArray[np.float64]
PAIR_COLUMNS = [
    "group_a",
    "group_b",
    "difference",
    "ci_low",
    "ci_high",
    "statistic",
    "df",
    "p_value",
    "effect_size",
]


def hedges_g(a: FloatArray, b: FloatArray) -> float:
    """Hedges' g of ``a - b``: pooled-SD Cohen's d times ``1 - 3 / (4 (n1 + n2) - 9)``."""
    n1, n2 = a.size, b.size
    pooled = np.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    if pooled == 0:
        return float("nan")
    d = (a.mean() - b.mean()) / pooled
    return float(d * (1 - 3 / (4 * (n1 + n2) - 9)))


def welch_pair(a: FloatArray, b: FloatArray, confidence: float) -> dict[str, float]:
    """Welch's t test of ``mean(a) - mean(b)`` with its Welch-Satterthwaite CI."""
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = float(np.sqrt(va + vb))
    diff = float(a.mean() - b.mean())
    df = float((va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1)))
    t = diff / se
    half = float(sps.t.ppf((1 + confidence) / 2, df)) * se
    return {
        "difference": diff,
        "ci_low": diff - half,
        "ci_high": diff + half,
        "statistic": t,
        "df": df,
        "p_value": float(2 * sps.t.sf(abs(t), df)),
        "effect_size": hedges_g(a, b),
    }


def games_howell(groups: dict[str, FloatArray], confidence: float) -> pd.DataFrame:
    """Games-Howell pairwise comparisons.

    ``t = (m_a - m_b) / se`` with ``se = sqrt(s_a²/n_a + s_b²/n_b)`` and Welch df;
    ``p = P(q > |t| sqrt 2)`` from the studentised range with ``k`` groups; CI
    ``diff ± q_crit / sqrt 2 × se``. The p values are already family-wise adjusted.
    """
    k = len(groups)
    rows = []
    for (name_a, a), (name_b, b) in combinations(groups.items(), 2):
        row = welch_pair(a, b, confidence)
        se = abs(row["difference"] / row["statistic"]) if row["statistic"] else 0.0
        q_crit = float(sps.studentized_range.ppf(confidence, k, row["df"]))
        row["ci_low"] = row["difference"] - q_crit / np.sqrt(2) * se
        row["ci_high"] = row["difference"] + q_crit / np.sqrt(2) * se
        row["p_value"] = float(
            sps.studentized_range.sf(abs(row["statistic"]) * np.sqrt(2), k, row["df"])
        )
        rows.append({"group_a": name_a, "group_b": name_b, **row})
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def tukey_hsd(groups: dict[str, FloatArray], confidence: float) -> pd.DataFrame:
    """Tukey-Kramer HSD (via :func:`scipy.stats.tukey_hsd`); ``statistic`` is the
    studentised range ``q = |m_a - m_b| / sqrt(MSE / 2 (1/n_a + 1/n_b))``."""
    names = list(groups)
    arrays = list(groups.values())
    result = sps.tukey_hsd(*arrays)
    ci = result.confidence_interval(confidence_level=confidence)
    n_total = sum(a.size for a in arrays)
    df_error = n_total - len(arrays)
    mse = sum(float(((a - a.mean()) ** 2).sum()) for a in arrays) / df_error
    rows = []
    for i, j in combinations(range(len(names)), 2):
        a, b = arrays[i], arrays[j]
        diff = float(a.mean() - b.mean())
        q = abs(diff) / np.sqrt(mse / 2 * (1 / a.size + 1 / b.size))
        rows.append(
            {
                "group_a": names[i],
                "group_b": names[j],
                "difference": diff,
                "ci_low": float(ci.low[i, j]),
                "ci_high": float(ci.high[i, j]),
                "statistic": float(q),
                "df": float(df_error),
                "p_value": float(result.pvalue[i, j]),
                "effect_size": hedges_g(a, b),
            }
        )
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def pairwise_welch(groups: dict[str, FloatArray], confidence: float) -> pd.DataFrame:
    """Welch's t test for every pair; raw (unadjusted) p values."""
    rows = [
        {"group_a": name_a, "group_b": name_b, **welch_pair(a, b, confidence)}
        for (name_a, a), (name_b, b) in combinations(groups.items(), 2)
    ]
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def oneway_tests(groups: dict[str, FloatArray]) -> tuple[pd.DataFrame, float, float]:
    """Classical and Welch one-way ANOVA; returns ``(table, eta², omega²)``.

    ``eta² = SS_between / SS_total``; ``omega² = (SS_between - (k-1) MSE) / (SS_total + MSE)``.
    """
    arrays = list(groups.values())
    k = len(arrays)
    values = np.concatenate(arrays)
    grand = values.mean()
    ss_between = sum(a.size * (a.mean() - grand) ** 2 for a in arrays)
    ss_total = float(((values - grand) ** 2).sum())
    df_between, df_within = k - 1, values.size - k
    mse = (ss_total - ss_between) / df_within
    classic = sps.f_oneway(*arrays)
    welch = anova_oneway(
        values, np.repeat(np.arange(k), [a.size for a in arrays]), use_var="unequal"
    )
    table = pd.DataFrame(
        [
            {
                "test": "one-way ANOVA",
                "statistic": float(classic.statistic),
                "df1": float(df_between),
                "df2": float(df_within),
                "p_value": float(classic.pvalue),
            },
            {
                "test": "Welch ANOVA",
                "statistic": float(welch.statistic),
                "df1": float(welch.df[0]),
                "df2": float(welch.df[1]),
                "p_value": float(welch.pvalue),
            },
        ]
    ).set_index("test")
    eta2 = ss_between / ss_total if ss_total > 0 else float("nan")
    omega2 = (ss_between - df_between * mse) / (ss_total + mse) if ss_total > 0 else float("nan")
    return table, float(eta2), float(omega2)


__all__ = [
    "PAIR_COLUMNS",
    "games_howell",
    "hedges_g",
    "oneway_tests",
    "pairwise_welch",
    "tukey_hsd",
    "welch_pair",
]
