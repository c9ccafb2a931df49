"""Is the difference between segments real? Significance tests across groups.

:func:`compare_groups` answers "do channels / stores / SERVQUAL segments differ in mean
score, NPS, top-box share or answer distribution?" with the test that suits the
measure, an effect size, confidence intervals, post hoc pairwise comparisons and a
multiple-comparison correction. The tests themselves live in
:mod:`manyi.stats.comparisons_means` and :mod:`manyi.stats.comparisons_counts`; each
kind is assembled in :mod:`manyi.stats.comparisons_kinds`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy.typing as npt
import pandas as pd

from manyi.errors import InvalidInput
from manyi.stats import comparisons_kinds as kinds
from manyi.stats.validation import require_columns

KINDS = ("mean", "nps", "proportion", "distribution")
CORRECTIONS = ("holm", "bonferroni", "fdr_bh")
POSTHOCS = ("games-howell", "tukey", "welch")
FloatArray = npt.NDArray[Any]


@dataclass(frozen=True)
class GroupComparison:
    """Result of :func:`compare_groups`.

    Attributes
    ----------
    kind : str
        ``"mean"``, ``"nps"``, ``"proportion"`` or ``"distribution"``.
    value, group : str
        The compared column and the grouping column.
    groups : tuple of str
        Group labels (as strings) in the order used.
    summary : DataFrame
        One row per group. mean: ``n, estimate (mean), sd, std_error, ci_low, ci_high``;
        nps: ``n, promoters, detractors, estimate (NPS points), std_error, ci_low,
        ci_high``; proportion: ``n, successes, estimate, ci_low, ci_high`` (Wilson);
        distribution: ``n`` and the share of each answer.
    test : str
        The headline test: ``"Welch t"``, ``"Welch ANOVA"``, ``"z (NPS)"``,
        ``"Wald chi-square (NPS)"``, ``"z (proportions)"``, ``"chi-square"``.
    statistic, df1, df2, p_value : float
        Its statistic, degrees of freedom (NaN where not applicable) and p value.
    effect_size : float
        Its effect size, named by ``effect_size_name``: ``hedges_g`` (2 groups),
        ``eta_squared`` (k groups), ``nps_difference`` (points), ``cohen_h``,
        ``cramers_v``.
    effect_size_name : str
    omnibus : DataFrame
        Every overall test computed (``statistic, df1, df2, p_value``), e.g. both the
        classical and Welch ANOVA; for means with k groups also ``omega_squared``.
    pairwise : DataFrame
        One row per pair: ``group_a, group_b, difference (a − b), ci_low, ci_high,
        statistic, df, p_value, effect_size, p_adjusted, reject``.
    posthoc : str or None
        Pairwise method for means with 3+ groups.
    correction : str or None
        Multiplicity correction applied to ``p_adjusted`` (Tukey and Games-Howell
        p values are already family-wise and are not corrected again).
    confidence : float
        Confidence level of every interval; ``reject`` uses ``alpha = 1 − confidence``.
    n_dropped : int
        Rows dropped for a missing value or group.
    notes : tuple of str
        Caveats, e.g. small expected counts for χ².
    """

    kind: str
    value: str
    group: str
    groups: tuple[str, ...]
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
    posthoc: str | None
    correction: str | None
    confidence: float
    n_dropped: int
    notes: tuple[str, ...]


def _split(
    data: pd.DataFrame, value: str, group: str, kind: str
) -> tuple[dict[str, FloatArray], int]:
    if not isinstance(data, pd.DataFrame):
        raise InvalidInput("data must be a pandas DataFrame")
    require_columns(data, [value, group])
    frame = data[[value, group]].dropna()
    dropped = len(data) - len(frame)
    if kind != "distribution" and not pd.api.types.is_numeric_dtype(frame[value]):
        raise InvalidInput(f"column {value!r} must be numeric for kind={kind!r}")
    keys = frame[group]
    if isinstance(keys.dtype, pd.CategoricalDtype):
        order = [c for c in keys.cat.categories if (keys == c).any()]
    else:
        order = kinds.sorted_labels(list(pd.unique(keys)))
    groups = {str(g): frame.loc[keys == g, value].to_numpy() for g in order}
    if len(groups) < 2:
        raise InvalidInput(
            f"column {group!r} has {len(groups)} group(s) with data; at least two are needed"
        )
    return groups, dropped


def compare_groups(
    data: pd.DataFrame,
    value: str,
    group: str,
    kind: str = "mean",
    correction: str | None = "holm",
    *,
    posthoc: str = "games-howell",
    threshold: float | None = None,
    confidence: float = 0.95,
) -> GroupComparison:
    """Test whether groups differ in mean, NPS, top-box proportion or distribution.

    * ``kind="mean"``: two groups → Welch's t test, Hedges' g; k groups → one-way ANOVA
      and Welch ANOVA (headline: Welch, robust to unequal variances), eta² and omega²,
      pairwise by ``posthoc``.
    * ``kind="nps"`` (0–10 answers): NPS per group with SE from the trinomial variance
      ``p_P + p_D − (p_P − p_D)²``; z test for two groups, Wald χ² homogeneity test for k,
      pairwise z tests.
    * ``kind="proportion"``: share of answers ``>= threshold`` (or of 1s in a 0/1
      column); pooled z test (2 groups) or χ² (k), Cohen's h, Wilson CIs.
    * ``kind="distribution"``: χ² test of independence, Cramér's V.

    Pairwise p values are corrected by ``correction`` (Holm 1979, Bonferroni,
    Benjamini-Hochberg 1995 ``fdr_bh``) unless the method already controls the
    family-wise error (Tukey, Games-Howell).

    Parameters
    ----------
    data : DataFrame
        One row per answer.
    value : str
        Column with the score (or category for ``"distribution"``).
    group : str
        Column with the segment.
    kind : {"mean", "nps", "proportion", "distribution"}
    correction : {"holm", "bonferroni", "fdr_bh", None}
    posthoc : {"games-howell", "tukey", "welch"}
        Pairwise method for means with 3+ groups (``"welch"``: Welch t tests + correction).
    threshold : float, optional
        For ``"proportion"``: answers ``>= threshold`` count as top box (e.g. 4 on a
        1–5 scale). Without it the column must hold 0/1 or booleans.
    confidence : float
        Confidence level of all intervals.

    Returns
    -------
    GroupComparison

    References
    ----------
    Welch (1947, 1951); Games & Howell (1976); Tukey (1949); Hedges (1981);
    Holm (1979); Benjamini & Hochberg (1995); Cochran (1954); Reichheld (2003) for NPS.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [9, 10, 7, 3, 9, 6, 5, 8, 10, 2],
    ...                    "channel": ["app"] * 5 + ["phone"] * 5})
    >>> res = compare_groups(df, "score", "channel", kind="nps")
    >>> res.summary["estimate"].round(1).tolist()
    [40.0, -40.0]
    """
    if kind not in KINDS:
        raise InvalidInput(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if correction is not None and correction not in CORRECTIONS:
        raise InvalidInput(
            f"unknown correction {correction!r}; use one of {', '.join(CORRECTIONS)} or None"
        )
    if posthoc not in POSTHOCS:
        raise InvalidInput(f"unknown posthoc {posthoc!r}; use one of {', '.join(POSTHOCS)}")
    if not 0 < confidence < 1:
        raise InvalidInput(f"confidence must lie strictly between 0 and 1; got {confidence!r}")
    groups, dropped = _split(data, value, group, kind)
    alpha = 1 - confidence
    if kind == "mean":
        parts = kinds.compare_means(groups, posthoc, correction, alpha)
    elif kind == "nps":
        parts = kinds.compare_nps(groups, value, correction, alpha)
    elif kind == "proportion":
        parts = kinds.compare_proportions(
            kinds.as_hits(groups, threshold, value), correction, alpha
        )
    else:
        parts = kinds.compare_distributions(groups, correction, alpha)
    return GroupComparison(
        kind=kind,
        value=value,
        group=group,
        groups=tuple(groups),
        summary=parts.summary,
        test=parts.test,
        statistic=parts.statistic,
        df1=parts.df1,
        df2=parts.df2,
        p_value=parts.p_value,
        effect_size=parts.effect_size,
        effect_size_name=parts.effect_size_name,
        omnibus=parts.omnibus,
        pairwise=parts.pairwise,
        posthoc=parts.posthoc,
        correction=parts.correction,
        confidence=confidence,
        n_dropped=dropped,
        notes=parts.notes,
    )


__all__ = ["CORRECTIONS", "KINDS", "POSTHOCS", "GroupComparison", "compare_groups"]
