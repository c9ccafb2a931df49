"""Measurement-quality figures of a PLS path model (R plspm's ``unidim`` and summaries).

Each function works on plain arrays for one block or the whole model and is used by
:func:`manyi.stats.pls.pls_path_model`; the formulas are documented in docs/metrics/pls.md.
Composite reliability and AVE from loadings come from :mod:`manyi.stats.reliability`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def block_unidimensionality(block: FloatArray) -> tuple[float, float, float, float]:
    """Standardised Cronbach alpha, Dillon-Goldstein rho and the first two eigenvalues.

    Computed on the block's correlation matrix ``R`` (``p`` indicators), as R plspm's
    ``unidim`` table:

    * alpha (standardised) ``= p / (p - 1) * (sum(R) - p) / sum(R)``, floored at 0;
    * Dillon-Goldstein rho ``= (sum c)^2 / ((sum c)^2 + sum(1 - c^2))`` with ``c`` the
      correlations of the indicators with the block's first principal component;
    * ``eig_1st``, ``eig_2nd``: the two largest eigenvalues of ``R`` (Kaiser: a
      unidimensional block has one eigenvalue above 1).

    Single-indicator blocks give ``nan`` for alpha and the second eigenvalue.
    """
    p = block.shape[1]
    if p == 1:
        return float("nan"), 1.0, 1.0, float("nan")
    corr = np.corrcoef(block, rowvar=False)
    total = float(corr.sum())
    alpha = max(0.0, p / (p - 1) * (total - p) / total)
    eigvals, eigvecs = np.linalg.eigh(corr)
    order = np.argsort(eigvals)[::-1]
    eigvals = eigvals[order]
    c = eigvecs[:, order[0]] * np.sqrt(eigvals[0])
    rho = float(c.sum() ** 2 / (c.sum() ** 2 + np.sum(1.0 - c**2)))
    return alpha, rho, float(eigvals[0]), float(eigvals[1])


def goodness_of_fit(
    communalities: FloatArray,
    block_index: npt.NDArray[np.intp],
    r_squared: FloatArray,
    endogenous: npt.NDArray[np.bool_],
) -> float:
    """Tenenhaus et al. (2004) GoF ``= sqrt(mean communality * mean R²)``.

    The mean communality runs over the indicators of blocks with more than one
    indicator (a single indicator has communality 1 by construction); the mean R² over
    the endogenous latents, as R plspm's ``get_gof``.
    """
    sizes = np.bincount(block_index)
    multi = sizes[block_index] > 1
    if not np.any(multi):
        return float("nan")
    return float(np.sqrt(communalities[multi].mean() * r_squared[endogenous].mean()))


__all__ = ["block_unidimensionality", "goodness_of_fit"]
