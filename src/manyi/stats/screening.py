"""Indicator screening: which candidate items to keep in a satisfaction questionnaire.

Step 2 of building the indicator system (建立满意度评价指标体系): a pilot Likert survey of
the candidate indicators is checked for reliability (corrected item-total correlation,
alpha if item deleted) and validity (sampling adequacy, factor loadings, cross-loadings),
and every item gets a keep/drop suggestion with the reasons in plain English and Chinese.
The suggestion is advice for the analyst, not an automatic deletion: an item that matters
to the business may be kept and reworded instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from manyi.errors import InvalidInput
from manyi.stats.factor import ExtractionMethod, RotationMethod, efa, kmo
from manyi.stats.reliability import cronbach_alpha, item_analysis
from manyi.stats.validation import numeric_frame, require_columns

#: Output columns of :func:`screen_indicators`, in order.
SCREENING_COLUMNS = (
    "construct",
    "keep",
    "reasons",
    "reasons_zh",
    "item_total_r",
    "alpha_if_deleted",
    "alpha",
    "msa",
    "factor",
    "primary_loading",
    "cross_loading",
)


def _groups(
    frame: pd.DataFrame, groups: Mapping[str, Sequence[str]] | None
) -> dict[str, list[str]]:
    if groups is None:
        return {"all": [str(c) for c in frame.columns]}
    result: dict[str, list[str]] = {}
    seen: set[str] = set()
    for name, cols in groups.items():
        cols = [str(c) for c in cols]
        require_columns(frame, cols)
        if len(cols) < 2:
            raise InvalidInput(
                f"screening: construct {name!r} has {len(cols)} item(s); at least 2 are needed"
            )
        twice = seen.intersection(cols)
        if twice:
            raise InvalidInput(
                f"screening: item(s) {', '.join(sorted(twice))} belong to more than one construct"
            )
        seen.update(cols)
        result[str(name)] = cols
    return result


def screen_indicators(
    data: pd.DataFrame,
    groups: Mapping[str, Sequence[str]] | None = None,
    *,
    min_item_total_r: float = 0.3,
    min_loading: float = 0.4,
    max_cross_loading: float = 0.3,
    cross_loading_gap: float = 0.2,
    min_msa: float = 0.5,
    n_factors: int | None = None,
    method: ExtractionMethod = "minres",
    rotation: RotationMethod | None = "promax",
    seed: int = 0,
) -> pd.DataFrame:
    """Screen candidate indicators for reliability and validity, with reasons.

    An item is flagged (``keep = False``) when any rule fires:

    1. corrected item-total correlation ``< min_item_total_r`` (0.3; Nunnally & Bernstein
       1994);
    2. alpha if item deleted ``>`` the construct's alpha (removing it would raise
       reliability);
    3. measure of sampling adequacy (KMO per item) ``< min_msa`` (0.5; Kaiser 1974);
    4. largest absolute loading ``< min_loading`` (0.4);
    5. cross-loading, for an item that passes rule 4: second-largest absolute loading
       ``≥ max_cross_loading`` (0.3), or largest minus second-largest ``< cross_loading_gap``
       (0.2) — the ".40-.30-.20 rule" (Howard 2016);
    6. with ``groups``: the item loads mainly on a different factor than most items of its
       construct.

    Reliability is computed within each construct (``groups``), validity on all items
    together. Missing answers: respondents with any missing item are left out.

    Parameters
    ----------
    data : DataFrame
        Respondents × candidate items (Likert answers, same direction).
    groups : mapping, optional
        Construct name → its item columns. Without it all columns form one construct.
    n_factors : int, optional
        Factors to extract; default the number of constructs when ``groups`` has more than
        one, else parallel analysis.
    method, rotation, seed
        Passed to :func:`manyi.stats.factor.efa` (default minres with promax, since
        satisfaction dimensions correlate).

    Returns
    -------
    DataFrame
        One row per item with the columns :data:`SCREENING_COLUMNS`: ``construct``,
        ``keep``, ``reasons`` (list of English sentences), ``reasons_zh`` (Chinese),
        ``item_total_r``, ``alpha_if_deleted``, ``alpha`` (the construct's), ``msa``,
        ``factor`` (the item's main factor), ``primary_loading`` and ``cross_loading``
        (largest and second-largest absolute loadings; NaN for one factor).

    References
    ----------
    Churchill, G. A. (1979). A paradigm for developing better measures of marketing
    constructs. J. Marketing Research 16, 64–73. Howard, M. C. (2016). A review of
    exploratory factor analysis decisions and overview of current practices. Int. J.
    Human-Computer Interaction 32, 51–62. Hair, J. F. et al. (2019). Multivariate
    Data Analysis, 8th ed. (loading and cross-loading rules of thumb).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> f = rng.normal(size=300)
    >>> df = pd.DataFrame({f"q{i}": f + rng.normal(size=300) for i in range(4)})
    >>> df["noise"] = rng.normal(size=300)
    >>> screen_indicators(df).loc["noise", "keep"]
    np.False_
    """
    frame = numeric_frame(data, what="screening").dropna(how="any")
    constructs = _groups(frame, groups)
    items = [c for cols in constructs.values() for c in cols]
    frame = frame[items]
    if n_factors is None and len(constructs) > 1:
        n_factors = len(constructs)
    solution = efa(frame, n_factors=n_factors, method=method, rotation=rotation, seed=seed)
    msa = kmo(frame).per_item
    abs_load = solution.loadings.abs()
    primary_factor = abs_load.idxmax(axis=1)
    sorted_load = np.sort(abs_load.to_numpy(), axis=1)[:, ::-1]
    primary = pd.Series(sorted_load[:, 0], index=abs_load.index)
    cross = pd.Series(
        sorted_load[:, 1] if sorted_load.shape[1] > 1 else np.nan, index=abs_load.index
    )

    rows = []
    for construct, cols in constructs.items():
        table = item_analysis(frame[cols])
        item_r = table["item_total_r"].astype(float)
        alpha_drop = table["alpha_if_deleted"].astype(float)
        alpha = cronbach_alpha(frame[cols]).alpha
        majority = primary_factor[cols].mode().iloc[0]
        for item in cols:
            en, zh = _reasons(
                r=float(item_r[item]),
                alpha_drop=float(alpha_drop[item]),
                alpha=alpha,
                msa=float(msa[item]),
                primary=float(primary[item]),
                cross=float(cross[item]),
                off_factor=groups is not None and primary_factor[item] != majority,
                factor=str(primary_factor[item]),
                majority=str(majority),
                construct=construct,
                limits=(
                    min_item_total_r,
                    min_msa,
                    min_loading,
                    max_cross_loading,
                    cross_loading_gap,
                ),
            )
            rows.append(
                {
                    "construct": construct,
                    "keep": not en,
                    "reasons": en,
                    "reasons_zh": zh,
                    "item_total_r": float(item_r[item]),
                    "alpha_if_deleted": float(alpha_drop[item]),
                    "alpha": alpha,
                    "msa": float(msa[item]),
                    "factor": str(primary_factor[item]),
                    "primary_loading": float(primary[item]),
                    "cross_loading": float(cross[item]),
                }
            )
    return pd.DataFrame(rows, index=pd.Index(items, name="item"), columns=list(SCREENING_COLUMNS))


def _reasons(
    *,
    r: float,
    alpha_drop: float,
    alpha: float,
    msa: float,
    primary: float,
    cross: float,
    off_factor: bool,
    factor: str,
    majority: str,
    construct: str,
    limits: tuple[float, float, float, float, float],
) -> tuple[list[str], list[str]]:
    """Plain-language reasons (English, Chinese) why an item should be reviewed."""
    min_r, min_msa, min_loading, max_cross, gap = limits
    en: list[str] = []
    zh: list[str] = []
    if r < min_r:
        en.append(f"weak corrected item-total correlation (r = {r:.2f} < {min_r:.2f})")
        zh.append(f"校正的项目-总分相关偏低（r = {r:.2f} < {min_r:.2f}）")
    if alpha_drop > alpha:
        en.append(f"removing it raises the construct's alpha from {alpha:.3f} to {alpha_drop:.3f}")
        zh.append(f"删除该项后维度的 α 系数由 {alpha:.3f} 升至 {alpha_drop:.3f}")
    if msa < min_msa:
        en.append(f"poor sampling adequacy (MSA = {msa:.2f} < {min_msa:.2f})")
        zh.append(f"取样适切性偏低（MSA = {msa:.2f} < {min_msa:.2f}）")
    if primary < min_loading:
        en.append(f"low factor loading ({primary:.2f} < {min_loading:.2f})")
        zh.append(f"因子载荷偏低（{primary:.2f} < {min_loading:.2f}）")
    if (
        primary >= min_loading
        and not np.isnan(cross)
        and (cross >= max_cross or primary - cross < gap)
    ):
        en.append(
            f"cross-loads on two factors (loadings {primary:.2f} and {cross:.2f}; the second "
            f"should be below {max_cross:.2f} and at least {gap:.2f} lower)"
        )
        zh.append(
            f"存在交叉载荷（{primary:.2f} 与 {cross:.2f}；次高载荷应低于 {max_cross:.2f} "
            f"且比最高载荷至少低 {gap:.2f}）"
        )
    if off_factor:
        en.append(f"loads mainly on {factor}, while most items of {construct!r} load on {majority}")
        zh.append(f"主要载荷在 {factor} 上，而“{construct}”的多数题项载荷在 {majority} 上")
    return en, zh


__all__ = ["SCREENING_COLUMNS", "screen_indicators"]
