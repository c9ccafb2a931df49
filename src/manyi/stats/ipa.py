"""Importance–performance analysis (IPA, 重要性-绩效分析).

Each attribute is placed by its importance (stated by customers, or derived from how strongly it
drives overall satisfaction) and its performance (mean rating). Cross-hairs split the plane
into four quadrants (Martilla & James 1977):

======================  ====================  ============================
quadrant                importance            performance
======================  ====================  ============================
keep up the good work   high                  high        (继续保持)
concentrate here        high                  low         (重点改进)
low priority            low                   low         (低优先)
possible overkill       low                   high        (过度投入)
======================  ====================  ============================

References
----------
Martilla, J. A. & James, J. C. (1977). Importance-performance analysis. *Journal of
Marketing* 41(1), 77–79.
Bacon, D. R. (2003). A comparison of approaches to importance-performance analysis.
*International Journal of Market Research* 45(1), 55–71 (data-centred vs scale-centred
cross-hairs; derived importance).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from manyi.errors import InvalidInput
from manyi.stats.drivers import correlations, relative_weights, shapley_r2, standardized_betas
from manyi.stats.validation import numeric_frame, require_columns, require_in_scale

Centre = Literal["data", "scale"]
DerivedImportance = Literal["correlation", "beta", "relative_weights", "shapley"]

#: Quadrant names, English and Chinese, keyed by (high importance, high performance).
QUADRANTS: Mapping[tuple[bool, bool], tuple[str, str]] = {
    (True, True): ("keep up the good work", "继续保持"),
    (True, False): ("concentrate here", "重点改进"),
    (False, False): ("low priority", "低优先"),
    (False, True): ("possible overkill", "过度投入"),
}


@dataclass(frozen=True)
class IpaResult:
    """Attributes placed on the importance–performance grid.

    Attributes
    ----------
    table : pandas.DataFrame
        Per attribute: ``importance``, ``performance``, ``quadrant`` (English),
        ``quadrant_zh`` (Chinese).
    importance_cross, performance_cross : float
        Where the cross-hairs sit.
    centre : str
        ``"data"`` (cross-hairs at the means of the attributes) or ``"scale"`` (at the
        mid-points of the scales).
    """

    table: pd.DataFrame
    importance_cross: float
    performance_cross: float
    centre: str


def _series(values: pd.Series | Mapping[str, float], what: str) -> pd.Series:
    series = (
        pd.Series(values, dtype=float)
        if not isinstance(values, pd.Series)
        else values.astype(float)
    )
    series.index = series.index.map(str)
    if series.empty:
        raise InvalidInput(f"IPA: no {what} given")
    if not np.all(np.isfinite(series.to_numpy())):
        raise InvalidInput(
            f"IPA: {what} must be finite numbers (missing for {', '.join(series.index[~np.isfinite(series.to_numpy())])})"
        )
    return series


def _midpoint(scale: tuple[float, float] | None, what: str) -> float:
    if scale is None:
        raise InvalidInput(f"IPA: centre='scale' needs the {what} scale, e.g. (1, 5)")
    low, high = float(scale[0]), float(scale[1])
    if not high > low:
        raise InvalidInput(f"IPA: the {what} scale must be (lowest, highest), got {scale!r}")
    return (low + high) / 2


def ipa(
    importance: pd.Series | Mapping[str, float],
    performance: pd.Series | Mapping[str, float],
    centre: Centre = "data",
    scale: tuple[float, float] | None = None,
    *,
    importance_scale: tuple[float, float] | None = None,
) -> IpaResult:
    """Place attributes in the four IPA quadrants.

    Cross-hairs: with ``centre="data"`` at the mean importance and mean performance over the
    attributes (Bacon 2003's data-centred grid, which works for derived importance on any
    scale); with ``centre="scale"`` at the mid-points ``(L + H)/2`` of the performance
    ``scale`` and of ``importance_scale`` (default: the same scale, for stated importance asked
    on the rating scale). An attribute exactly on a cross-hair counts as high.

    Parameters
    ----------
    importance : pandas.Series or mapping
        Importance per attribute: stated (mean rating of "how important is…") or derived, e.g.
        ``relative_weights(...).table["raw"]`` (see :func:`ipa_from_data`).
    performance : pandas.Series or mapping
        Performance per attribute, usually the mean satisfaction rating.
    centre : {"data", "scale"}
    scale : (float, float), optional
        Performance rating scale; needed for ``centre="scale"``.
    importance_scale : (float, float), optional
        Importance scale for ``centre="scale"`` (default ``scale``).

    Returns
    -------
    IpaResult

    Raises
    ------
    InvalidInput
        Attributes that differ between importance and performance, non-finite values, an
        unknown centre, or a missing scale for ``centre="scale"``.

    References
    ----------
    Martilla, J. A. & James, J. C. (1977). Importance-performance analysis. *Journal of
    Marketing* 41(1), 77–79.
    Bacon, D. R. (2003). A comparison of approaches to importance-performance analysis.
    *International Journal of Market Research* 45(1), 55–71 (data-centred vs scale-centred
    cross-hairs).

    Examples
    --------
    >>> r = ipa({"speed": 0.4, "price": 0.1, "staff": 0.3}, {"speed": 3.1, "price": 4.2, "staff": 4.0})
    >>> r.table["quadrant_zh"].to_dict()
    {'speed': '重点改进', 'price': '过度投入', 'staff': '继续保持'}
    """
    if centre not in ("data", "scale"):
        raise InvalidInput(f"IPA: centre must be 'data' or 'scale', got {centre!r}")
    imp = _series(importance, "importance")
    perf = _series(performance, "performance")
    if set(imp.index) != set(perf.index) or len(imp) != len(perf):
        only_i = sorted(set(imp.index) - set(perf.index))
        only_p = sorted(set(perf.index) - set(imp.index))
        raise InvalidInput(
            "IPA: importance and performance must cover the same attributes "
            f"(importance only: {', '.join(only_i) or '-'}; performance only: {', '.join(only_p) or '-'})"
        )
    perf = perf.reindex(imp.index)
    if centre == "data":
        i_cross, p_cross = float(imp.mean()), float(perf.mean())
    else:
        p_cross = _midpoint(scale, "performance")
        i_cross = _midpoint(
            importance_scale if importance_scale is not None else scale, "importance"
        )
    names = [
        QUADRANTS[(bool(i >= i_cross), bool(p >= p_cross))] for i, p in zip(imp, perf, strict=True)
    ]
    table = pd.DataFrame(
        {
            "importance": imp,
            "performance": perf,
            "quadrant": [n[0] for n in names],
            "quadrant_zh": [n[1] for n in names],
        },
        index=imp.index,
    )
    return IpaResult(
        table=table, importance_cross=i_cross, performance_cross=p_cross, centre=centre
    )


def derived_importance(
    data: pd.DataFrame,
    target: str,
    attributes: Sequence[str],
    method: DerivedImportance = "relative_weights",
) -> pd.Series:
    """Importance of each attribute derived from its link with overall satisfaction.

    ``"correlation"``: Pearson r with the target; ``"beta"``: standardised OLS coefficient;
    ``"relative_weights"``: Johnson (2000) raw weight; ``"shapley"``: LMG share of R² (see
    :mod:`manyi.stats.drivers`). The last two are recommended when attributes correlate.

    Parameters
    ----------
    data : pandas.DataFrame
    target : str
        Overall satisfaction column.
    attributes : sequence of str
    method : {"correlation", "beta", "relative_weights", "shapley"}

    Returns
    -------
    pandas.Series
        Importance per attribute.

    Examples
    --------
    >>> d = pd.DataFrame({"y": [1, 3, 2, 5, 4, 6], "a": [1, 2, 2, 4, 5, 6], "b": [2, 1, 3, 3, 1, 2]})
    >>> derived_importance(d, "y", ["a", "b"], "correlation").round(3).tolist()
    [0.924, 0.0]
    """
    attrs = list(attributes)
    if method == "correlation":
        values = correlations(data, target, "pearson", predictors=attrs)["r"]
    elif method == "beta":
        values = standardized_betas(data, target, attrs).table["beta"]
    elif method == "relative_weights":
        values = relative_weights(data, target, attrs).table["raw"]
    elif method == "shapley":
        values = shapley_r2(data, target, attrs).table["raw"]
    else:
        raise InvalidInput(
            f"IPA: importance method must be correlation, beta, relative_weights or shapley, got {method!r}"
        )
    return values.rename("importance")


def ipa_from_data(
    data: pd.DataFrame,
    target: str,
    attributes: Sequence[str],
    importance: DerivedImportance = "relative_weights",
    centre: Centre = "data",
    scale: tuple[float, float] | None = None,
) -> IpaResult:
    """IPA straight from survey answers: derived importance × mean performance.

    Performance is each attribute's mean rating over non-missing answers; importance comes from
    :func:`derived_importance`. With ``centre="scale"`` the importance cross-hair is the mean
    importance (derived importance has no rating scale) and the performance one the scale
    mid-point.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents × ratings, including the overall-satisfaction ``target``.
    target : str
    attributes : sequence of str
    importance : {"correlation", "beta", "relative_weights", "shapley"}
    centre : {"data", "scale"}
    scale : (float, float), optional
        Rating scale; with it, ratings outside it are refused.

    Returns
    -------
    IpaResult

    Examples
    --------
    >>> d = pd.DataFrame({"y": [1, 3, 2, 5, 4, 6], "a": [1, 2, 2, 4, 5, 6], "b": [2, 1, 3, 3, 1, 2]})
    >>> ipa_from_data(d, "y", ["a", "b"]).table["quadrant"].tolist()
    ['keep up the good work', 'low priority']
    """
    attrs = list(attributes)
    require_columns(data, [target, *attrs])
    frame = numeric_frame(data, attrs, what="IPA")
    if scale is not None:
        require_in_scale(frame, float(scale[0]), float(scale[1]), what="IPA ratings")
    performance = frame.mean(axis=0, skipna=True)
    imp = derived_importance(data, target, attrs, importance)
    if centre == "scale":
        result = ipa(imp, performance, "data")
        p_cross = _midpoint(scale, "performance")
        names = [
            QUADRANTS[(bool(i >= result.importance_cross), bool(p >= p_cross))]
            for i, p in zip(result.table["importance"], result.table["performance"], strict=True)
        ]
        table = result.table.assign(
            quadrant=[n[0] for n in names], quadrant_zh=[n[1] for n in names]
        )
        return IpaResult(
            table=table,
            importance_cross=result.importance_cross,
            performance_cross=p_cross,
            centre="scale",
        )
    return ipa(imp, performance, centre, scale)


__all__ = ["QUADRANTS", "IpaResult", "derived_importance", "ipa", "ipa_from_data"]
