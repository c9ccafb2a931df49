"""Bootstrap confidence intervals for a PLS path model (Efron & Tibshirani 1993).

Respondents are resampled with replacement and the whole model (centring/scaling,
outer weights, inner regressions) is re-estimated on each resample, as R plspm's
``boot.val = TRUE`` does. Intervals are percentile intervals: the ``(1 - c) / 2`` and
``(1 + c) / 2`` quantiles of the resampled estimates (NumPy's default, R's type 7).
Resamples where the algorithm does not converge or a score collapses are skipped and
counted in :attr:`PLSBootstrap.n_failed`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from manyi.errors import InvalidInput
from manyi.stats.pls_estimation import CoreFit, fit_core, total_effects
from manyi.stats.pls_structure import ModelStructure

FloatArray = npt.NDArray[np.float64]
SUMMARY_COLUMNS = ["original", "mean", "std_error", "lower", "upper"]


@dataclass(frozen=True)
class PLSBootstrap:
    """Bootstrap summaries; every table has the columns ``original`` (the estimate on the
    full data), ``mean`` and ``std_error`` (SD, ddof 1) of the resampled estimates, and
    the percentile interval ``lower``, ``upper``.

    Attributes
    ----------
    n_resamples : int
        Resamples that were estimated successfully (the summaries use these).
    n_failed : int
        Resamples skipped because the algorithm did not converge or a score collapsed.
    confidence : float
        Coverage of the percentile intervals, e.g. 0.95.
    paths : DataFrame
        Path coefficients, indexed ``"from -> to"``.
    total_effects : DataFrame
        Total effects for every pair joined by a chain of paths, indexed ``"from -> to"``.
    loadings : DataFrame
        Outer loadings, indexed by indicator.
    weights : DataFrame
        Outer weights, indexed by indicator.
    r_squared : DataFrame
        R² of the endogenous latents.
    """

    n_resamples: int
    n_failed: int
    confidence: float
    paths: pd.DataFrame
    total_effects: pd.DataFrame
    loadings: pd.DataFrame
    weights: pd.DataFrame
    r_squared: pd.DataFrame


def _estimates(
    fit: CoreFit,
    structure: ModelStructure,
    path_pos: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]],
    effect_pos: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]],
    endo: npt.NDArray[np.bool_],
) -> FloatArray:
    p = len(structure.block_index)
    rows = np.arange(p)
    return np.concatenate(
        [
            fit.paths[path_pos],
            total_effects(fit.paths)[effect_pos],
            fit.cross_loadings[rows, structure.block_index],
            fit.weights[rows, structure.block_index],
            fit.r_squared[endo],
        ]
    )


def _summary(
    original: FloatArray, draws: FloatArray, index: list[str], confidence: float
) -> pd.DataFrame:
    lower, upper = np.quantile(draws, [(1 - confidence) / 2, (1 + confidence) / 2], axis=0)
    values = np.column_stack(
        [original, draws.mean(axis=0), draws.std(axis=0, ddof=1), lower, upper]
    )
    return pd.DataFrame(values, index=pd.Index(index), columns=SUMMARY_COLUMNS)


def bootstrap_pls(
    raw: FloatArray,
    structure: ModelStructure,
    full_fit: CoreFit,
    *,
    scheme: str,
    scaled: bool,
    max_iter: int,
    tol: float,
    n_resamples: int,
    seed: int,
    confidence: float,
) -> PLSBootstrap:
    """Re-estimate the model on ``n_resamples`` bootstrap samples of the rows of ``raw``."""
    latents = structure.latents
    path_pos = (
        np.array([latents.index(t) for _, t in structure.paths], dtype=np.intp),
        np.array([latents.index(f) for f, _ in structure.paths], dtype=np.intp),
    )
    reach = structure.reachable()
    pairs = [(f, t) for f in range(len(latents)) for t in range(len(latents)) if reach[t, f]]
    effect_pos = (
        np.array([t for _, t in pairs], dtype=np.intp),
        np.array([f for f, _ in pairs], dtype=np.intp),
    )
    endo = structure.endogenous
    original = _estimates(full_fit, structure, path_pos, effect_pos, endo)

    rng = np.random.default_rng(seed)
    n = raw.shape[0]
    draws = np.empty((n_resamples, original.size))
    kept = 0
    for _ in range(n_resamples):
        sample = raw[rng.integers(0, n, size=n)]
        if np.any(np.ptp(sample, axis=0) == 0):
            continue  # an indicator without variance in this resample cannot be scaled
        try:
            fit = fit_core(sample, structure, scheme, scaled, max_iter, tol)
        except InvalidInput:
            continue
        if not fit.converged:
            continue
        draws[kept] = _estimates(fit, structure, path_pos, effect_pos, endo)
        kept += 1
    if kept < 2:
        raise InvalidInput(
            f"only {kept} of {n_resamples} bootstrap resamples could be estimated; "
            "the data are too few or too degenerate for a bootstrap"
        )
    draws = draws[:kept]

    labels_paths = [f"{f} -> {t}" for f, t in structure.paths]
    labels_effects = [f"{latents[f]} -> {latents[t]}" for f, t in pairs]
    indicators = list(structure.indicators)
    labels_r2 = [latents[k] for k in np.flatnonzero(endo)]
    cuts = np.cumsum([len(labels_paths), len(labels_effects), len(indicators), len(indicators)])
    parts_orig = np.split(original, cuts)
    parts_draw = np.split(draws, cuts, axis=1)
    names = [labels_paths, labels_effects, indicators, indicators, labels_r2]
    tables = [
        _summary(o, d, idx, confidence)
        for o, d, idx in zip(parts_orig, parts_draw, names, strict=True)
    ]
    return PLSBootstrap(
        n_resamples=kept,
        n_failed=n_resamples - kept,
        confidence=confidence,
        paths=tables[0],
        total_effects=tables[1],
        loadings=tables[2],
        weights=tables[3],
        r_squared=tables[4],
    )


__all__ = ["PLSBootstrap", "bootstrap_pls"]
