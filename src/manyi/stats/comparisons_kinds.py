"""Assemble the result of ``compare_groups`` for each kind of measure.

Each ``compare_*`` function runs the tests of :mod:`manyi.stats.comparisons_means` or
:mod:`manyi.stats.comparisons_counts` for one kind and returns a
:class:`ComparisonParts`, which :func:`manyi.stats.comparisons.compare_groups` wraps into
its public :class:`~manyi.stats.comparisons.GroupComparison`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from manyi.errors import InvalidInput
from manyi.stats import comparisons_counts as counts
from manyi.stats import comparisons_means as means
from manyi.stats.validation import require_in_scale

FloatArray = npt.NDArray[Any]


@dataclass(frozen=True)
class ComparisonParts:
    """The kind-specific part of a :class:`GroupComparison`."""

    summary: pd.DataFrame
    test: str
    statistic: float
    df1: float
    df2: float
    p_value: float
    effect_size: float
    effect_size_name: str
    omnibus: pd.DataFrame
    pairwise: pd.DataFrame
    posthoc: str | None = None
    correction: str | None = None
    notes: tuple[str, ...] = ()


def sorted_labels(labels: list[Any]) -> list[Any]:
    try:
        return sorted(labels)
    except TypeError:
        return labels


def _adjust(
    pairs: pd.DataFrame, correction: str | None, already: bool, alpha: float
) -> pd.DataFrame:
    p = pairs["p_value"].to_numpy(dtype=float)
    adjusted = p.copy()
    ok = ~np.isnan(p)
    if correction is not None and not already and ok.sum() > 1:
        adjusted[ok] = multipletests(p[ok], alpha=alpha, method=correction)[1]
    return pairs.assign(p_adjusted=adjusted, reject=adjusted < alpha)


def _omnibus(rows: list[tuple[str, float, float, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["test", "statistic", "df1", "df2", "p_value"])
    return frame.set_index("test")


def _headline_pair(
    summary: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    test: str,
    effect: str,
    effect_name: str,
    omnibus: pd.DataFrame,
    correction: str | None,
    notes: tuple[str, ...] = (),
) -> ComparisonParts:
    """Two groups: their one pairwise test is the comparison's headline result."""
    row = pairs.iloc[0]
    return ComparisonParts(
        summary=summary,
        test=test,
        statistic=float(row["statistic"]),
        df1=float(row["df"]),
        df2=np.nan,
        p_value=float(row["p_value"]),
        effect_size=float(row[effect]),
        effect_size_name=effect_name,
        omnibus=omnibus,
        pairwise=pairs,
        correction=correction,
        notes=notes,
    )


def _chi_square(
    summary: pd.DataFrame,
    test: tuple[float, float, float, float, float],
    pairs: pd.DataFrame,
    correction: str | None,
) -> ComparisonParts:
    """A χ² test of a groups × outcomes table (``counts.chi_square``) as the result."""
    chi2, df, p, v, small = test
    return ComparisonParts(
        summary=summary,
        test="chi-square",
        statistic=chi2,
        df1=df,
        df2=np.nan,
        p_value=p,
        effect_size=v,
        effect_size_name="cramers_v",
        omnibus=_omnibus([("chi-square", chi2, df, np.nan, p)]),
        pairwise=pairs,
        correction=correction,
        notes=_note_small(small),
    )


def _note_small(share: float) -> tuple[str, ...]:
    if share > 0.2:
        return (
            f"{share:.0%} of expected counts are below 5 (Cochran's rule allows 20%); "
            "the chi-square p value may be inaccurate",
        )
    return ()


def as_hits(
    groups: dict[str, FloatArray], threshold: float | None, value: str
) -> dict[str, FloatArray]:
    if threshold is not None:
        return {g: (v >= threshold).astype(float) for g, v in groups.items()}
    for v in groups.values():
        if not np.isin(v, [0, 1]).all():
            raise InvalidInput(
                f"column {value!r} is not 0/1; pass threshold= to count answers at or "
                "above it as top box"
            )
    return {g: v.astype(float) for g, v in groups.items()}


def compare_means(
    groups: dict[str, FloatArray], posthoc: str, correction: str | None, alpha: float
) -> ComparisonParts:
    confidence = 1 - alpha
    small = [g for g, v in groups.items() if v.size < 2]
    if small:
        raise InvalidInput(
            f"group(s) {', '.join(small)} have fewer than 2 answers; a mean test needs 2"
        )
    arrays = {g: v.astype(float) for g, v in groups.items()}
    if all(np.ptp(v) == 0 for v in arrays.values()):
        raise InvalidInput("every group's answers are constant; there is no variance to test")
    rows = []
    for g, v in arrays.items():
        se = v.std(ddof=1) / np.sqrt(v.size)
        half = float(sps.t.ppf((1 + confidence) / 2, v.size - 1)) * se
        rows.append(
            {
                "group": g,
                "n": v.size,
                "estimate": v.mean(),
                "sd": v.std(ddof=1),
                "std_error": se,
                "ci_low": v.mean() - half,
                "ci_high": v.mean() + half,
            }
        )
    summary = pd.DataFrame(rows).set_index("group")
    if len(arrays) == 2:
        pairs = _adjust(means.pairwise_welch(arrays, confidence), correction, False, alpha)
        t, df, p = (float(pairs[c].iloc[0]) for c in ["statistic", "df", "p_value"])
        return _headline_pair(
            summary,
            pairs,
            test="Welch t",
            effect="effect_size",
            effect_name="hedges_g",
            omnibus=_omnibus([("Welch t", t, df, np.nan, p)]),
            correction=correction,
        )
    table, eta2, omega2 = means.oneway_tests(arrays)
    if posthoc == "games-howell":
        pairs = _adjust(means.games_howell(arrays, confidence), correction, True, alpha)
    elif posthoc == "tukey":
        pairs = _adjust(means.tukey_hsd(arrays, confidence), correction, True, alpha)
    else:
        pairs = _adjust(means.pairwise_welch(arrays, confidence), correction, False, alpha)
    welch = table.loc["Welch ANOVA"].to_numpy(dtype=float)
    return ComparisonParts(
        summary=summary,
        test="Welch ANOVA",
        statistic=float(welch[0]),
        df1=float(welch[1]),
        df2=float(welch[2]),
        p_value=float(welch[3]),
        effect_size=eta2,
        effect_size_name="eta_squared",
        omnibus=table.assign(eta_squared=eta2, omega_squared=omega2),
        pairwise=pairs,
        posthoc=posthoc,
        correction=correction if posthoc == "welch" else None,
    )


def compare_nps(
    groups: dict[str, FloatArray], value: str, correction: str | None, alpha: float
) -> ComparisonParts:
    for name, scores in groups.items():
        require_in_scale(pd.Series(scores, name=f"{value} ({name})"), 0, 10, what="NPS answers")
    summary = counts.nps_summary(groups, 1 - alpha)
    pairs = _adjust(counts.nps_pairwise(summary, 1 - alpha), correction, False, alpha)
    q, df, p = counts.nps_homogeneity(summary)
    omnibus = _omnibus([("Wald chi-square (NPS)", q, df, np.nan, p)])
    estimates = summary["estimate"].to_numpy(dtype=float)
    if len(groups) == 2:
        return _headline_pair(
            summary,
            pairs,
            test="z (NPS)",
            effect="difference",
            effect_name="nps_difference",
            omnibus=omnibus,
            correction=correction,
        )
    notes: tuple[str, ...] = ()
    if np.isnan(q):
        notes = ("a group has zero NPS variance; the homogeneity test is undefined",)
    return ComparisonParts(
        summary=summary,
        test="Wald chi-square (NPS)",
        statistic=q,
        df1=df,
        df2=np.nan,
        p_value=p,
        effect_size=float(estimates.max() - estimates.min()),
        effect_size_name="nps_difference",
        omnibus=omnibus,
        pairwise=pairs,
        correction=correction,
        notes=notes,
    )


def compare_proportions(
    hits: dict[str, FloatArray], correction: str | None, alpha: float
) -> ComparisonParts:
    summary = counts.proportion_summary(hits, 1 - alpha)
    pairs = _adjust(counts.proportion_pairwise(summary, 1 - alpha), correction, False, alpha)
    table = pd.DataFrame(
        {"success": summary["successes"], "failure": summary["n"] - summary["successes"]}
    )
    chi2, df, p, v, small = counts.chi_square(table)
    omnibus = _omnibus([("chi-square", chi2, df, np.nan, p)])
    if len(hits) == 2:
        return _headline_pair(
            summary,
            pairs,
            test="z (proportions)",
            effect="effect_size",
            effect_name="cohen_h",
            omnibus=omnibus,
            correction=correction,
            notes=_note_small(small),
        )
    return _chi_square(summary, (chi2, df, p, v, small), pairs, correction)


def compare_distributions(
    groups: dict[str, FloatArray], correction: str | None, alpha: float
) -> ComparisonParts:
    table = pd.DataFrame({g: pd.Series(v).value_counts() for g, v in groups.items()}).T
    table = table.fillna(0).reindex(columns=sorted_labels(list(table.columns)))
    chi2, df, p, v, small = counts.chi_square(table)
    summary = table.div(table.sum(axis=1), axis=0)
    summary.insert(0, "n", table.sum(axis=1).astype(int))
    pairs = _adjust(counts.distribution_pairwise(table), correction, False, alpha)
    return _chi_square(summary, (chi2, df, p, v, small), pairs, correction)


__all__ = [
    "ComparisonParts",
    "as_hits",
    "compare_distributions",
    "compare_means",
    "compare_nps",
    "compare_proportions",
    "sorted_labels",
]
