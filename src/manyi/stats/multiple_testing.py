"""Adjusted p-values for many tests at once: Holm, Bonferroni, Benjamini–Hochberg.

The computation is statsmodels' ``multipletests``; these wrappers add what our callers
need around it: a clear error for a p-value outside [0, 1], an empty input giving an
empty result, and missing p-values (NaN: a test that could not be run) kept as NaN and
left out of the family, as R's ``p.adjust`` does, instead of turning every adjusted
value into NaN.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from statsmodels.stats.multitest import multipletests

from manyi.errors import InvalidInput

__all__ = ["CORRECTIONS", "adjust_p_values", "benjamini_hochberg", "holm"]

Correction = Literal["holm", "bonferroni", "fdr_bh"]

#: The corrections :func:`adjust_p_values` accepts (statsmodels' names).
CORRECTIONS: tuple[str, ...] = ("holm", "bonferroni", "fdr_bh")


def adjust_p_values(
    p_values: Sequence[float] | np.ndarray, method: Correction = "holm"
) -> np.ndarray:
    """P-values adjusted for multiple testing by Holm, Bonferroni or Benjamini–Hochberg.

    With the ``m`` non-missing p-values sorted ascending, ``p_(1) ≤ … ≤ p_(m)``:
    Bonferroni ``min(1, m p_(i))``; Holm ``max_{j ≤ i} min(1, (m − j + 1) p_(j))``
    (family-wise error rate); Benjamini–Hochberg ``min_{j ≥ i} min(1, m p_(j) / j)``
    (false discovery rate). Computed by statsmodels ``multipletests``.

    Parameters
    ----------
    p_values : sequence of float
        One p-value per test, each in [0, 1]; NaN marks a test that was not run (it stays
        NaN and does not count in ``m``).
    method : {"holm", "bonferroni", "fdr_bh"}, default "holm"
        The correction.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the order of the input.

    Raises
    ------
    InvalidInput
        For an unknown method, a table instead of a list, or a p-value outside [0, 1].

    References
    ----------
    Holm S. (1979), A simple sequentially rejective multiple test procedure, Scandinavian
    Journal of Statistics 6(2), 65–70. Benjamini Y., Hochberg Y. (1995), Controlling the
    false discovery rate, JRSS B 57(1), 289–300. statsmodels ``multipletests``.

    Examples
    --------
    >>> adjust_p_values([0.01, 0.04, 0.03], "holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    >>> adjust_p_values([0.01, float("nan"), 0.03], "bonferroni").round(3).tolist()
    [0.02, nan, 0.06]
    """
    if method not in CORRECTIONS:
        raise InvalidInput(
            f"unknown p-value correction {method!r}; use one of {', '.join(CORRECTIONS)}"
        )
    try:
        p = np.asarray(p_values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("p-values must be numbers") from exc
    if p.ndim != 1:
        raise InvalidInput(f"p-values must be a flat list, got an array of shape {p.shape}")
    tested = ~np.isnan(p)
    outside = p[tested][(p[tested] < 0) | (p[tested] > 1)]
    if outside.size:
        shown = ", ".join(f"{v:g}" for v in outside[:5])
        raise InvalidInput(f"p-values must lie between 0 and 1; got {shown}")
    adjusted = np.full(p.shape, np.nan)
    if tested.any():
        adjusted[tested] = multipletests(p[tested], method=method)[1]
    return adjusted


def holm(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm (1979) adjusted p-values, controlling the family-wise error rate.

    ``q_(i) = max_{j ≤ i} min(1, (m − j + 1) p_(j))`` over the p-values sorted ascending;
    :func:`adjust_p_values` with ``method="holm"`` (statsmodels ``multipletests``).

    Parameters
    ----------
    p_values : sequence of float
        P-values in [0, 1]; NaN stays NaN and is left out of the family.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order.

    References
    ----------
    Holm S. (1979), A simple sequentially rejective multiple test procedure, Scandinavian
    Journal of Statistics 6(2), 65–70.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    return adjust_p_values(p_values, "holm")


def benjamini_hochberg(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values) controlling the false discovery rate.

    ``q_(i) = min_{j ≥ i} min(1, m p_(j) / j)`` over the p-values sorted ascending;
    :func:`adjust_p_values` with ``method="fdr_bh"`` (statsmodels ``multipletests``).

    Parameters
    ----------
    p_values : sequence of float
        P-values in [0, 1]; NaN stays NaN and is left out of the family.

    Returns
    -------
    numpy.ndarray
        q-values in the input order.

    References
    ----------
    Benjamini Y., Hochberg Y. (1995), Controlling the false discovery rate: a practical
    and powerful approach to multiple testing, JRSS B 57(1), 289–300.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.04, 0.04]
    """
    return adjust_p_values(p_values, "fdr_bh")
