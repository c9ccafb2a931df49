"""Tests for differences in NPS, top-box proportions and answer distributions.

* NPS: each answer is coded +1 (promoter, 9–10), 0 (passive, 7–8), −1 (detractor, 0–6);
  NPS = 100 × mean. Its per-respondent variance is the trinomial
  ``p_P + p_D − (p_P − p_D)²`` so ``SE = 100 sqrt(var / n)``; two NPS differ by
  ``z = (NPS_a − NPS_b) / sqrt(SE_a² + SE_b²)``; k NPS are compared by the Wald
  homogeneity statistic ``Q = Σ w_i (NPS_i − NPS_w)²``, ``w_i = 1 / SE_i²``, χ² with
  k−1 df (Cochran 1954).
* Proportions: two-sample z test with pooled variance
  (:func:`manyi.stats.metrics.two_proportion_z`, as statsmodels ``proportions_ztest``), Wald CI of the difference, Cohen's h effect size
  ``2 asin√p_a − 2 asin√p_b``; k groups: Pearson χ² on the 2 × k table; group CIs are
  Wilson score intervals.
* Distributions: Pearson χ² test of independence on the group × answer table (no Yates
  correction), Cramér's V.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from manyi.stats.comparisons_means import PAIR_COLUMNS
from manyi.stats.metrics import two_proportion_z

FloatArray = npt.NDArray[np.float64]


def nps_parts(scores: FloatArray) -> tuple[float, float, float, float]:
    """``(NPS in points, promoter share, detractor share, per-respondent variance)``."""
    promoters = float(np.mean(scores >= 9))
    detractors = float(np.mean(scores <= 6))
    diff = promoters - detractors
    return 100 * diff, promoters, detractors, promoters + detractors - diff**2


def nps_summary(groups: dict[str, FloatArray], confidence: float) -> pd.DataFrame:
    """Per group: n, promoter and detractor shares, NPS, its SE and normal CI."""
    z = float(sps.norm.ppf((1 + confidence) / 2))
    rows = []
    for name, scores in groups.items():
        nps, prom, detr, var = nps_parts(scores)
        se = 100 * np.sqrt(var / scores.size)
        rows.append(
            {
                "group": name,
                "n": scores.size,
                "promoters": prom,
                "detractors": detr,
                "estimate": nps,
                "std_error": se,
                "ci_low": nps - z * se,
                "ci_high": nps + z * se,
            }
        )
    return pd.DataFrame(rows).set_index("group")


def _pair_row(
    a: str, b: str, diff: float, se: float, z_crit: float, z: float, p: float, effect: float
) -> dict[str, Any]:
    """One row of a pairwise table of two z-tested estimates, with the Wald CI of their
    difference (``diff ± z_crit·se``); z statistics have no degrees of freedom."""
    return {
        "group_a": a,
        "group_b": b,
        "difference": diff,
        "ci_low": diff - z_crit * se,
        "ci_high": diff + z_crit * se,
        "statistic": z,
        "df": float("nan"),
        "p_value": p,
        "effect_size": effect,
    }


def nps_pairwise(summary: pd.DataFrame, confidence: float) -> pd.DataFrame:
    """z test of the difference of two NPS for every pair of groups (raw p values)."""
    z_crit = float(sps.norm.ppf((1 + confidence) / 2))
    names = list(summary.index)
    est = summary["estimate"].to_numpy(dtype=float)
    ses = summary["std_error"].to_numpy(dtype=float)
    rows = []
    for i, j in combinations(range(len(names)), 2):
        diff = float(est[i] - est[j])
        se = float(np.hypot(ses[i], ses[j]))
        z = diff / se if se > 0 else float("nan")
        p = float(2 * sps.norm.sf(abs(z))) if se > 0 else float("nan")
        rows.append(_pair_row(names[i], names[j], diff, se, z_crit, z, p, diff))
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def nps_homogeneity(summary: pd.DataFrame) -> tuple[float, float, float]:
    """Wald χ² that all NPS are equal: ``(Q, df, p)``; NaN when a group's SE is 0."""
    se = summary["std_error"].to_numpy()
    if np.any(se <= 0):
        return float("nan"), float(len(se) - 1), float("nan")
    w = 1 / se**2
    est = summary["estimate"].to_numpy()
    pooled = float((w * est).sum() / w.sum())
    q = float((w * (est - pooled) ** 2).sum())
    df = len(se) - 1
    return q, float(df), float(sps.chi2.sf(q, df))


def proportion_summary(groups: dict[str, FloatArray], confidence: float) -> pd.DataFrame:
    """Per group: n, successes, proportion and Wilson score CI."""
    rows = []
    for name, hits in groups.items():
        count = int(hits.sum())
        low, high = proportion_confint(count, hits.size, alpha=1 - confidence, method="wilson")
        rows.append(
            {
                "group": name,
                "n": hits.size,
                "successes": count,
                "estimate": count / hits.size,
                "ci_low": float(low),
                "ci_high": float(high),
            }
        )
    return pd.DataFrame(rows).set_index("group")


def proportion_pairwise(summary: pd.DataFrame, confidence: float) -> pd.DataFrame:
    """Pooled two-proportion z test, Wald CI of the difference and Cohen's h per pair."""
    z_crit = float(sps.norm.ppf((1 + confidence) / 2))
    names = list(summary.index)
    hits = summary["successes"].to_numpy(dtype=float)
    sizes = summary["n"].to_numpy(dtype=float)
    rows = []
    for i, j in combinations(range(len(names)), 2):
        counts = np.array([hits[i], hits[j]])
        nobs = np.array([sizes[i], sizes[j]])
        pa, pb = counts / nobs
        z, p = two_proportion_z(hits[i], sizes[i], hits[j], sizes[j])
        se = float(np.sqrt(pa * (1 - pa) / nobs[0] + pb * (1 - pb) / nobs[1]))
        diff = float(pa - pb)
        h = float(2 * np.arcsin(np.sqrt(pa)) - 2 * np.arcsin(np.sqrt(pb)))
        rows.append(_pair_row(names[i], names[j], diff, se, z_crit, float(z), float(p), h))
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def chi_square(table: pd.DataFrame) -> tuple[float, float, float, float, float]:
    """Pearson χ² on a contingency table (no Yates correction).

    Returns ``(chi2, df, p, Cramér's V, share of expected counts below 5)``.
    """
    observed = table.loc[:, table.sum(axis=0) > 0].to_numpy(dtype=float)
    observed = observed[observed.sum(axis=1) > 0]
    if min(observed.shape) < 2:
        return float("nan"), 0.0, float("nan"), float("nan"), 0.0
    result = sps.chi2_contingency(observed, correction=False)
    r, c = observed.shape
    v = np.sqrt(result.statistic / (observed.sum() * (min(r, c) - 1)))
    small = float(np.mean(result.expected_freq < 5))
    return float(result.statistic), float(result.dof), float(result.pvalue), float(v), small


def distribution_pairwise(table: pd.DataFrame) -> pd.DataFrame:
    """χ² test on the two rows of every pair of groups (raw p values); effect = Cramér's V."""
    rows = []
    for a, b in combinations(table.index, 2):
        chi2, df, p, v, _ = chi_square(table.loc[[a, b]])
        rows.append(
            {
                "group_a": a,
                "group_b": b,
                "difference": float("nan"),
                "ci_low": float("nan"),
                "ci_high": float("nan"),
                "statistic": chi2,
                "df": df,
                "p_value": p,
                "effect_size": v,
            }
        )
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


__all__ = [
    "chi_square",
    "distribution_pairwise",
    "nps_homogeneity",
    "nps_pairwise",
    "nps_parts",
    "nps_summary",
    "proportion_pairwise",
    "proportion_summary",
]
