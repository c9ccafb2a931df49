"""SERVQUAL gap analysis: perception minus expectation per item and dimension.

Parasuraman, Zeithaml & Berry's instrument asks each item twice, as an expectation (E) and
a perception (P); the gap ``P − E`` is negative where the service falls short. Items
belong to five dimensions — tangibles 有形性, reliability 可靠性, responsiveness 响应性,
assurance 保证性, empathy 移情性 — whose gaps can be weighted by importance. With the
three-column format (adequate and desired expectations) the zone of tolerance tells
whether perceived service is below the adequate level, within the zone, or above the
desired level (Parasuraman, Zeithaml & Berry 1994).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from manyi.errors import InvalidInput
from manyi.stats.validation import numeric_frame, require_columns, require_in_scale

#: Default prior importance of the five dimensions (share of satisfaction each explains,
#: as reported in the product's sources: reliability 28 %, responsiveness 22 %, tangibles
#: 17 %, assurance 15 %, empathy 14 %), normalised to sum to 1 (the raw shares sum to 96 %).
DEFAULT_DIMENSION_WEIGHTS: Mapping[str, float] = {
    name: points / 96.0
    for name, points in {
        "reliability": 28.0,
        "responsiveness": 22.0,
        "tangibles": 17.0,
        "assurance": 15.0,
        "empathy": 14.0,
    }.items()
}

#: Chinese names of the five SERVQUAL dimensions, for reports.
DIMENSION_NAMES_ZH: Mapping[str, str] = {
    "tangibles": "有形性",
    "reliability": "可靠性",
    "responsiveness": "响应性",
    "assurance": "保证性",
    "empathy": "移情性",
}

_DIMENSION_COLUMNS = (
    "n_items",
    "expectation",
    "perception",
    "gap",
    "weight",
    "weighted_gap",
    "gap_sd",
    "n",
    "t",
    "df",
    "p_value",
    "dz",
)

ItemSpec = tuple[str, str, str]
"""(expectation column, perception column, dimension) of one SERVQUAL item."""


@dataclass(frozen=True)
class ServqualResult:
    """SERVQUAL gap scores.

    Attributes
    ----------
    items : DataFrame
        One row per item code: ``dimension``, ``expectation`` and ``perception`` means,
        ``gap`` (mean of P − E), ``gap_sd``, ``n`` (respondents who answered both),
        paired ``t``, ``df``, two-sided ``p_value`` and Cohen's ``dz`` (mean gap / sd).
    dimensions : DataFrame
        One row per dimension: ``n_items``, ``expectation``, ``perception``, ``gap``
        (unweighted: mean over respondents of their average item gap in the dimension),
        ``weight``, ``weighted_gap`` (weight × gap), ``n``, paired ``t``, ``df``,
        ``p_value`` and ``dz`` on the respondents' dimension means.
    unweighted_score : float
        Mean of the dimension gaps (Parasuraman et al. 1988).
    weighted_score : float
        Importance-weighted SERVQUAL score (see ``weighting``).
    weights : Series
        Normalised dimension weights (sum 1); for per-respondent importance, their mean.
    weights_source : str
        "default prior", "equal", "given points" or "respondent importance columns".
    weighting : str
        "aggregate" (weights × dimension gaps) or "respondent" (each respondent's weighted
        score, then averaged).
    n_weighted : int
        Respondents behind ``weighted_score`` (all with any gap for "aggregate";
        those with every dimension and importance answered for "respondent").
    zone : DataFrame or None
        Zone of tolerance per item (when adequate expectations are given): ``dimension``,
        ``adequate``, ``desired``, ``perception`` means, ``msa`` (P − adequate), ``mss``
        (P − desired), ``tolerance`` (desired − adequate), ``n`` and ``position``
        ("below", "within" or "above" the zone).
    zone_dimensions : DataFrame or None
        The same per dimension (means of the respondents' item averages).
    """

    items: pd.DataFrame
    dimensions: pd.DataFrame
    unweighted_score: float
    weighted_score: float
    weights: pd.Series
    weights_source: str
    weighting: str
    n_weighted: int
    zone: pd.DataFrame | None
    zone_dimensions: pd.DataFrame | None


def _paired(diff: np.ndarray) -> dict[str, float]:
    """Paired t test of mean(diff) = 0, with Cohen's dz; NaN where undefined."""
    n = diff.size
    mean = float(diff.mean())
    sd = float(diff.std(ddof=1)) if n >= 2 else float("nan")
    if n < 2 or sd == 0 or np.isnan(sd):
        return {
            "gap": mean,
            "gap_sd": sd,
            "n": n,
            "t": np.nan,
            "df": n - 1,
            "p_value": np.nan,
            "dz": np.nan,
        }
    t = mean / (sd / np.sqrt(n))
    p = 2 * float(stats.t.sf(abs(t), n - 1))
    return {"gap": mean, "gap_sd": sd, "n": n, "t": t, "df": n - 1, "p_value": p, "dz": mean / sd}


def _zone_position(perception: float, adequate: float, desired: float) -> str:
    if perception < adequate:
        return "below"
    if perception > desired:
        return "above"
    return "within"


def _weights(
    data: pd.DataFrame, dims: list[str], importance: Mapping[str, float] | Mapping[str, str] | None
) -> tuple[pd.DataFrame, str]:
    """Per-respondent normalised weights (rows = respondents, columns = dimensions)."""
    if importance is None:
        if {d.lower() for d in dims} <= set(DEFAULT_DIMENSION_WEIGHTS):
            raw = np.array([DEFAULT_DIMENSION_WEIGHTS[d.lower()] for d in dims])
            source = "default prior"
        else:
            raw, source = np.ones(len(dims)), "equal"
        raw = raw / raw.sum()
        return pd.DataFrame(np.tile(raw, (len(data), 1)), index=data.index, columns=dims), source
    missing = [d for d in dims if d not in importance]
    if missing:
        raise InvalidInput(f"SERVQUAL: importance is missing dimension(s): {', '.join(missing)}")
    values = [importance[d] for d in dims]
    if all(isinstance(v, str) for v in values):
        cols = [str(v) for v in values]
        require_columns(data, cols)
        frame = numeric_frame(data, cols, what="SERVQUAL importance")
        frame.columns = pd.Index(dims)
        if (frame < 0).any().any():
            raise InvalidInput("SERVQUAL: importance points must not be negative")
        totals = frame.sum(axis=1, skipna=False)
        # A respondent who gave no importance (or all zeros) gets no personal weights.
        per_resp = frame.div(totals.where(totals > 0), axis=0)
        return per_resp, "respondent importance columns"
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        raise InvalidInput(
            "SERVQUAL: importance must map each dimension to points or to a column name"
        )
    raw = np.array(values, dtype=float)
    if np.any(raw < 0) or raw.sum() <= 0:
        raise InvalidInput("SERVQUAL: importance points must be non-negative and not all zero")
    raw = raw / raw.sum()
    return pd.DataFrame(
        np.tile(raw, (len(data), 1)), index=data.index, columns=dims
    ), "given points"


def servqual(
    data: pd.DataFrame,
    items: Mapping[str, ItemSpec],
    importance: Mapping[str, float] | Mapping[str, str] | None = None,
    weighting: Literal["aggregate", "respondent"] = "aggregate",
    adequate: Mapping[str, str] | None = None,
    desired: Mapping[str, str] | None = None,
    scale: tuple[float, float] = (1, 7),
) -> ServqualResult:
    """SERVQUAL gap analysis with importance weights and the zone of tolerance.

    .. math::
        G_{ij} = P_{ij} - E_{ij},\\qquad
        G_{d} = \\overline{\\textstyle\\frac{1}{|d|}\\sum_{j \\in d} G_{ij}},\\qquad
        \\text{SQ}_w = \\sum_d w_d\\, G_d

    Each item's gap is tested with a paired t test of P against E (Cohen's dz as effect
    size); each dimension's with a paired test of the respondents' average P against
    their average E over the dimension's items. Missing answers are dropped pair by pair.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    items : mapping
        Item code → (expectation column, perception column, dimension).
    importance : mapping, optional
        Dimension → points (normalised to sum 1; e.g. the 100 points respondents allocate)
        or dimension → column of per-respondent importance points. Default: the prior
        :data:`DEFAULT_DIMENSION_WEIGHTS` when the dimensions are the five standard ones
        (any letter case), else equal weights.
    weighting : {"aggregate", "respondent"}
        "aggregate" weights the dimension gaps; "respondent" weights each respondent's
        dimension gaps by their own importance and averages (respondents missing a
        dimension or importance are left out of the weighted score).
    adequate, desired : mapping, optional
        Item code → column of adequate (minimum) and desired expectations. With
        ``adequate`` alone, the items' expectation columns are taken as the desired level.
    scale : (lowest, highest)
        Answer scale of E, P and zone columns (default the 7-point SERVQUAL scale).

    Returns
    -------
    ServqualResult
        ``items`` (per item: E and P means, ``gap`` = P − E, paired ``t``, ``p_value``,
        ``dz``), ``dimensions`` (the same per dimension, with ``weight`` and
        ``weighted_gap``), ``unweighted_score`` and ``weighted_score`` (overall SERVQUAL
        gaps), the normalised ``weights`` and their ``weights_source``, and ``zone`` /
        ``zone_dimensions`` (zone of tolerance, None without adequate expectations).

    References
    ----------
    Parasuraman, A., Zeithaml, V. A. & Berry, L. L. (1988). SERVQUAL: a multiple-item
    scale for measuring consumer perceptions of service quality. J. Retailing 64, 12–40.
    Parasuraman, A., Zeithaml, V. A. & Berry, L. L. (1994). Alternative scales for
    measuring service quality: a comparative assessment based on psychometric and
    diagnostic criteria. J. Retailing 70, 201–230.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"e1": [7, 6, 7], "p1": [5, 6, 4], "e2": [6, 6, 5], "p2": [6, 7, 5]})
    >>> res = servqual(df, {"R1": ("e1", "p1", "reliability"), "T1": ("e2", "p2", "tangibles")})
    >>> res.items["gap"].round(3).tolist()
    [-1.667, 0.333]
    """
    if weighting not in ("aggregate", "respondent"):
        raise InvalidInput(
            f'SERVQUAL: weighting must be "aggregate" or "respondent", got {weighting!r}'
        )
    if not items:
        raise InvalidInput("SERVQUAL: give at least one item")
    low, high = scale
    for code, spec in items.items():
        if len(spec) != 3:
            raise InvalidInput(
                f"SERVQUAL: item {code} must be (expectation column, perception column, dimension)"
            )
    zone_cols: dict[str, tuple[str, str]] = {}
    if desired is not None and adequate is None:
        raise InvalidInput("SERVQUAL: the zone of tolerance needs adequate expectation columns too")
    if adequate is not None:
        unknown = [c for c in list(adequate) + list(desired or {}) if c not in items]
        if unknown:
            raise InvalidInput(
                f"SERVQUAL: zone columns given for unknown item code(s): {', '.join(unknown)}"
            )
        for code in adequate:
            zone_cols[code] = (adequate[code], (desired or {}).get(code, items[code][0]))
    used = sorted(
        {c for e, p, _ in items.values() for c in (e, p)}
        | {c for pair in zone_cols.values() for c in pair}
    )
    require_columns(data, used)
    frame = numeric_frame(data, used, what="SERVQUAL")
    require_in_scale(frame, low, high, what="SERVQUAL answers")

    dims = list(dict.fromkeys(spec[2] for spec in items.values()))
    gaps = pd.DataFrame({code: frame[p] - frame[e] for code, (e, p, _) in items.items()})
    item_rows = []
    for code, (e, p, dim) in items.items():
        pair = frame[[e, p]].dropna()
        if len(pair) < 2:
            raise InvalidInput(
                f"SERVQUAL: item {code}: too few respondents ({len(pair)}) answered both E and P"
            )
        test = _paired((pair[p] - pair[e]).to_numpy())
        item_rows.append(
            {"dimension": dim, "expectation": pair[e].mean(), "perception": pair[p].mean(), **test}
        )
    items_table = pd.DataFrame(item_rows, index=pd.Index(list(items), name="item"))

    weights, source = _weights(data.loc[frame.index], dims, importance)
    dim_gap = pd.DataFrame(index=frame.index, columns=dims, dtype=float)
    dim_rows = []
    for dim in dims:
        codes = [c for c, spec in items.items() if spec[2] == dim]
        e_cols = [items[c][0] for c in codes]
        p_cols = [items[c][1] for c in codes]
        # A respondent's dimension gap averages the items they answered both E and P for.
        answered = gaps[codes].notna().to_numpy()
        e_mean = frame[e_cols].where(answered).mean(axis=1)
        p_mean = frame[p_cols].where(answered).mean(axis=1)
        dim_gap[dim] = p_mean - e_mean
        ok = dim_gap[dim].notna()
        test = _paired(dim_gap.loc[ok, dim].to_numpy())
        dim_rows.append(
            {
                "n_items": len(codes),
                "expectation": e_mean[ok].mean(),
                "perception": p_mean[ok].mean(),
                **test,
            }
        )
    dims_table = pd.DataFrame(dim_rows, index=pd.Index(dims, name="dimension"))
    mean_weights = weights.mean(axis=0, skipna=True)
    dims_table["weight"] = mean_weights.to_numpy()
    dims_table["weighted_gap"] = dims_table["gap"] * dims_table["weight"]
    dims_table = dims_table[list(_DIMENSION_COLUMNS)]
    unweighted = float(dims_table["gap"].mean())
    if weighting == "aggregate":
        weighted = float((dims_table["gap"] * mean_weights).sum())
        n_weighted = int(dim_gap.notna().any(axis=1).sum())
    else:
        per_resp = (dim_gap * weights).sum(axis=1, min_count=len(dims))
        complete = dim_gap.notna().all(axis=1) & weights.notna().all(axis=1)
        per_resp = per_resp[complete]
        if per_resp.empty:
            raise InvalidInput(
                "SERVQUAL: no respondent has every dimension and importance answered"
            )
        weighted, n_weighted = float(per_resp.mean()), int(complete.sum())

    zone, zone_dims = _zone(frame, items, zone_cols) if zone_cols else (None, None)
    return ServqualResult(
        items=items_table,
        dimensions=dims_table,
        unweighted_score=unweighted,
        weighted_score=weighted,
        weights=mean_weights.rename("weight"),
        weights_source=source,
        weighting=weighting,
        n_weighted=n_weighted,
        zone=zone,
        zone_dimensions=zone_dims,
    )


def _zone(
    frame: pd.DataFrame, items: Mapping[str, ItemSpec], zone_cols: Mapping[str, tuple[str, str]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Zone of tolerance per item and per dimension (respondents with all three answers)."""
    rows = []
    per_resp: dict[str, list[pd.DataFrame]] = {}
    for code, (adq, des) in zone_cols.items():
        perc, dim = items[code][1], items[code][2]
        trio = frame[[adq, des, perc]].dropna()
        trio.columns = pd.Index(["adequate", "desired", "perception"])
        per_resp.setdefault(dim, []).append(trio)
        means = trio.mean()
        rows.append({"dimension": dim, **_zone_row(means, len(trio))})
    zone = pd.DataFrame(rows, index=pd.Index(list(zone_cols), name="item"))
    dim_rows = []
    for parts in per_resp.values():
        stacked = pd.concat(parts).groupby(level=0).mean()
        dim_rows.append(_zone_row(stacked.mean(), len(stacked)))
    return zone, pd.DataFrame(dim_rows, index=pd.Index(list(per_resp), name="dimension"))


def _zone_row(means: pd.Series, n: int) -> dict[str, float | int | str]:
    adequate, desired, perception = (float(means[c]) for c in ("adequate", "desired", "perception"))
    return {
        "adequate": adequate,
        "desired": desired,
        "perception": perception,
        "msa": perception - adequate,
        "mss": perception - desired,
        "tolerance": desired - adequate,
        "n": n,
        "position": _zone_position(perception, adequate, desired),
    }


__all__ = [
    "DEFAULT_DIMENSION_WEIGHTS",
    "DIMENSION_NAMES_ZH",
    "ItemSpec",
    "ServqualResult",
    "servqual",
]
