"""Entropy weights (熵权法): objective criterion weights from how much the data vary.

A criterion on which all alternatives (stores, branches, periods) score alike tells a decision
maker nothing and gets a small weight; one on which they differ a lot gets a large weight.
Shannon entropy of each criterion's normalised column measures that spread.

References
----------
Shannon, C. E. (1948). A mathematical theory of communication. *Bell System Technical Journal*
27, 379–423.
Zeleny, M. (1982). *Multiple Criteria Decision Making*. McGraw-Hill (entropy as criterion weight).
Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer, pp. 52–54.
Xu, X. (2004). A note on the subjective and objective integrated approach to determine attribute
weights. *European Journal of Operational Research* 156(2), 530–532.
Zavadskas, E. K. & Podvezko, V. (2016). Integrated determination of objective criteria weights
in MCDM. *International Journal of Information Technology & Decision Making* 15(2), 267–283.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from manyi.errors import InvalidInput
from manyi.stats.validation import numeric_frame, require_rows

Normalisation = Literal["proportion", "minmax"]
CriterionType = Literal["benefit", "cost"]

_TYPE_ALIASES: Mapping[object, CriterionType] = {
    "benefit": "benefit",
    "+": "benefit",
    "max": "benefit",
    "正向": "benefit",
    1: "benefit",
    "cost": "cost",
    "-": "cost",
    "min": "cost",
    "负向": "cost",
    -1: "cost",
}


@dataclass(frozen=True)
class EntropyResult:
    """Entropy weights of the criteria.

    Attributes
    ----------
    weights : pandas.Series
        ``w_j = d_j / Σ_k d_k``; sums to 1, indexed by criterion.
    entropy : pandas.Series
        ``e_j = −(1/ln m) Σ_i p_ij ln p_ij`` in [0, 1] (1 = all alternatives alike).
    divergence : pandas.Series
        Degree of divergence ``d_j = 1 − e_j``.
    proportions : pandas.DataFrame
        The ``p_ij`` (each column sums to 1) the entropy was computed from.
    normalisation : str
        ``"proportion"`` or ``"minmax"``.
    criteria_types : pandas.Series
        ``"benefit"`` or ``"cost"`` per criterion.
    """

    weights: pd.Series
    entropy: pd.Series
    divergence: pd.Series
    proportions: pd.DataFrame
    normalisation: str
    criteria_types: pd.Series


def _criteria_types(
    columns: list[str],
    criteria_types: Mapping[str, object] | Sequence[object] | None,
) -> pd.Series:
    if criteria_types is None:
        raw: dict[str, object] = dict.fromkeys(columns, "benefit")
    elif isinstance(criteria_types, Mapping):
        unknown = [str(k) for k in criteria_types if str(k) not in columns]
        if unknown:
            raise InvalidInput(
                f"entropy weights: criteria_types names unknown column(s): {', '.join(unknown)}"
            )
        raw = {c: criteria_types.get(c, "benefit") for c in columns}
    else:
        kinds = list(criteria_types)
        if len(kinds) != len(columns):
            raise InvalidInput(
                f"entropy weights: {len(kinds)} criteria types given for {len(columns)} criteria"
            )
        raw = dict(zip(columns, kinds, strict=True))
    out: dict[str, CriterionType] = {}
    for column, kind in raw.items():
        key = kind.strip().lower() if isinstance(kind, str) else kind
        if key not in _TYPE_ALIASES:
            raise InvalidInput(
                f"entropy weights: criterion {column!r} has type {kind!r}; use 'benefit' or 'cost'"
            )
        out[column] = _TYPE_ALIASES[key]
    return pd.Series(out, name="type")


def entropy_weights(
    data: pd.DataFrame | np.ndarray | Sequence[Sequence[float]],
    criteria_types: Mapping[str, object] | Sequence[object] | None = None,
    *,
    normalisation: Normalisation = "proportion",
) -> EntropyResult:
    """Objective criterion weights by the entropy method.

    With m alternatives (rows) and criteria j (columns):

    1. normalise each column to proportions ``p_ij = y_ij / Σ_i y_ij``, where
       ``"proportion"``: ``y_ij = x_ij`` (raw, non-negative values; Hwang & Yoon 1981), or
       ``"minmax"``: ``y_ij = (x_ij − min_j)/(max_j − min_j)`` for benefit criteria and
       ``(max_j − x_ij)/(max_j − min_j)`` for cost criteria (the usual 熵权法 form);
    2. ``e_j = −(1/ln m) Σ_i p_ij ln p_ij``, with ``0 · ln 0 = 0`` (the limit), so a zero —
       which min–max always produces for the worst alternative — adds nothing rather than
       breaking the logarithm; no ad-hoc shift (such as +0.0001) is added;
    3. ``d_j = 1 − e_j`` and ``w_j = d_j / Σ_k d_k``.

    Direction matters only for ``"minmax"``: entropy measures spread, and the proportions of
    the raw values spread the same whichever way is "good", so with ``"proportion"`` a cost
    criterion gets the same weight as it would as a benefit one (as in Zavadskas & Podvezko
    2016). The two normalisations generally give different weights: say which you used.

    Parameters
    ----------
    data : pandas.DataFrame or array-like, shape (m, n)
        Alternatives in rows, criteria in columns; numeric, complete (no missing values).
    criteria_types : mapping or sequence, optional
        ``"benefit"`` (larger is better, default) or ``"cost"`` per criterion (also accepted:
        ``1``/``-1``, ``"+"``/``"-"``, ``"max"``/``"min"``, ``"正向"``/``"负向"``).
    normalisation : {"proportion", "minmax"}
        How to make the columns comparable (see above).

    Returns
    -------
    EntropyResult

    Raises
    ------
    InvalidInput
        Fewer than 2 alternatives, missing or non-numeric values, negative values with
        ``"proportion"``, an all-zero column, a constant column with ``"minmax"``, or every
        criterion without spread (no weight can be derived).

    References
    ----------
    Xu (2004), example matrix → weights 0.4630, 0.3992, 0.1378, 0.0000 (proportion);
    Zavadskas & Podvezko (2016) → 0.1146, 0.1981, 0.4185, 0.2689.

    Examples
    --------
    >>> x = pd.DataFrame({"speed": [30, 19, 19, 68], "price": [30, 54, 15, 70]})
    >>> entropy_weights(x).weights.round(3).to_dict()
    {'speed': 0.537, 'price': 0.463}
    """
    if normalisation not in ("proportion", "minmax"):
        raise InvalidInput(
            f"entropy weights: normalisation must be 'proportion' or 'minmax', got {normalisation!r}"
        )
    frame = numeric_frame(data, what="entropy weights")
    frame.columns = [str(c) for c in frame.columns]
    columns = list(frame.columns)
    if not columns:
        raise InvalidInput("entropy weights: no criteria (columns) given")
    if len(set(columns)) != len(columns):
        raise InvalidInput("entropy weights: criterion names must be distinct")
    require_rows(len(frame), 2, what="entropy weights (alternatives)")
    if frame.isna().to_numpy().any():
        bad = [c for c in columns if frame[c].isna().any()]
        raise InvalidInput(
            f"entropy weights: missing values in {', '.join(bad)}; entropy needs every alternative "
            "scored on every criterion (drop or impute them first)"
        )
    types = _criteria_types(columns, criteria_types)
    x = frame.to_numpy(dtype=float)
    if not np.all(np.isfinite(x)):
        raise InvalidInput("entropy weights: the data contain infinite values")
    if normalisation == "proportion":
        if np.any(x < 0):
            bad = [c for c, col in zip(columns, x.T, strict=True) if np.any(col < 0)]
            raise InvalidInput(
                f"entropy weights: negative values in {', '.join(bad)}; proportions need values ≥ 0 "
                "(use normalisation='minmax' for data that can be negative)"
            )
        y = x
    else:
        low, high = x.min(axis=0), x.max(axis=0)
        span = high - low
        constant = [c for c, s in zip(columns, span, strict=True) if s == 0]
        if constant:
            raise InvalidInput(
                f"entropy weights: column(s) {', '.join(constant)} are constant; min–max "
                "normalisation is undefined for them and they carry no information"
            )
        cost = (types == "cost").to_numpy()
        y = np.where(cost, high - x, x - low) / span
    totals = y.sum(axis=0)
    zero = [c for c, t in zip(columns, totals, strict=True) if t == 0]
    if zero:
        raise InvalidInput(f"entropy weights: column(s) {', '.join(zero)} are all zero")
    p = y / totals
    m = x.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = np.clip(-plogp.sum(axis=0) / np.log(m), 0.0, 1.0)
    d = 1.0 - e
    if d.sum() <= 1e-15:
        raise InvalidInput(
            "entropy weights: no criterion varies across the alternatives, so no weight can be derived"
        )
    w = d / d.sum()
    return EntropyResult(
        weights=pd.Series(w, index=columns, name="weight"),
        entropy=pd.Series(e, index=columns, name="entropy"),
        divergence=pd.Series(d, index=columns, name="divergence"),
        proportions=pd.DataFrame(p, index=frame.index, columns=columns),
        normalisation=normalisation,
        criteria_types=types,
    )


__all__ = ["EntropyResult", "entropy_weights"]
