"""Turn a fitted PLS model (:class:`~manyi.stats.pls_estimation.CoreFit`) into the
labelled tables of :class:`manyi.stats.pls.PLSResult`: inner model with OLS standard
errors, effects, outer model, reliability summaries and the ACSI-style 0–100 indices.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats as sps

from manyi.errors import InvalidInput
from manyi.stats.index_models import index_scores
from manyi.stats.pls_estimation import CoreFit, total_effects
from manyi.stats.pls_reliability import block_unidimensionality
from manyi.stats.pls_structure import ModelStructure
from manyi.stats.reliability import average_variance_extracted, composite_reliability
from manyi.stats.validation import require_in_scale

FloatArray = npt.NDArray[np.float64]


def inner_model_table(fit: CoreFit, structure: ModelStructure) -> tuple[pd.DataFrame, pd.Series]:
    """Per path: OLS estimate, SE, t and p (df ``n − q − 1``); adjusted R² per latent."""
    n = fit.scores.shape[0]
    labels: list[str] = []
    sources: list[str] = []
    targets: list[str] = []
    est: list[float] = []
    se: list[float] = []
    dfs: list[int] = []
    r2_adj: dict[str, float] = {}
    ones = np.ones((n, 1))
    for k, target in enumerate(structure.latents):
        preds = structure.predecessors(k)
        if preds.size == 0:
            continue
        design = np.hstack([ones, fit.scores[:, preds]])
        coef = np.concatenate([[0.0], fit.paths[k, preds]])
        coef[0] = float(np.mean(fit.scores[:, k] - design[:, 1:] @ coef[1:]))
        resid = fit.scores[:, k] - design @ coef
        df_resid = n - preds.size - 1
        sigma2 = float(resid @ resid) / df_resid
        se.extend(np.sqrt(np.diag(np.linalg.inv(design.T @ design)) * sigma2)[1:])
        est.extend(coef[1:])
        dfs.extend([df_resid] * preds.size)
        for source_index in preds:
            source = structure.latents[source_index]
            labels.append(f"{source} -> {target}")
            sources.append(source)
            targets.append(target)
        r2_adj[target] = 1.0 - (1.0 - fit.r_squared[k]) * (n - 1) / df_resid
    t = np.array(est) / np.array(se)
    table = pd.DataFrame(
        {
            "from": sources,
            "to": targets,
            "estimate": est,
            "std_error": se,
            "t": t,
            "p_value": 2.0 * sps.t.sf(np.abs(t), np.array(dfs)),
        },
        index=pd.Index(labels),
    )
    return table, pd.Series(r2_adj, name="r_squared_adj")


def effects_table(fit: CoreFit, structure: ModelStructure) -> pd.DataFrame:
    """Direct, indirect and total effect for every pair joined by a chain of paths."""
    total = total_effects(fit.paths)
    reach = structure.reachable()
    names = structure.latents
    rows = [
        {
            "from": names[f],
            "to": names[t],
            "direct": fit.paths[t, f],
            "indirect": total[t, f] - fit.paths[t, f],
            "total": total[t, f],
        }
        for f in range(len(names))
        for t in range(len(names))
        if reach[t, f]
    ]
    index = [f"{r['from']} -> {r['to']}" for r in rows]
    return pd.DataFrame(rows, index=pd.Index(index))


def outer_tables(
    fit: CoreFit, structure: ModelStructure, raw: FloatArray
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Series]:
    """Outer model, cross-loadings, inner summary, unidimensionality and rho_c."""
    names = list(structure.latents)
    indicators = pd.Index(list(structure.indicators))
    rows = np.arange(len(indicators))
    bi = structure.block_index
    # Correlations; a one-indicator block can give 1 + 1e-16, which the helpers refuse.
    loadings = np.clip(fit.cross_loadings[rows, bi], -1.0, 1.0)
    communality = loadings**2
    redundancy = communality * fit.r_squared[bi]
    outer = pd.DataFrame(
        {
            "block": [names[k] for k in bi],
            "weight": fit.weights[rows, bi],
            "loading": loadings,
            "communality": communality,
            "redundancy": redundancy,
        },
        index=indicators,
    )
    cross = pd.DataFrame(fit.cross_loadings, index=indicators, columns=names)
    n_lat = len(names)
    mode_a = np.array([m == "A" for m in structure.modes])
    sizes = np.bincount(bi, minlength=n_lat)
    ave = np.full(n_lat, np.nan)
    unidim = np.full((n_lat, 4), np.nan)
    rho_c: dict[str, float] = {}
    for k in range(n_lat):
        in_block = bi == k
        unidim[k] = block_unidimensionality(raw[:, in_block])
        if mode_a[k]:
            ave[k] = average_variance_extracted(loadings[in_block])
            rho_c[names[k]] = composite_reliability(loadings[in_block])
    index = pd.Index(names)
    inner_summary = pd.DataFrame(
        {
            "type": np.where(structure.endogenous, "Endogenous", "Exogenous"),
            "r_squared": fit.r_squared,
            "block_communality": np.bincount(bi, communality) / sizes,
            "mean_redundancy": np.bincount(bi, redundancy) / sizes,
            "ave": ave,
        },
        index=index,
    )
    unidim_table = pd.DataFrame(
        {
            "mode": list(structure.modes),
            "mvs": sizes,
            "cronbach_alpha": np.where(mode_a, unidim[:, 0], np.nan),
            "dillon_goldstein_rho": np.where(mode_a, unidim[:, 1], np.nan),
            "eig_1st": unidim[:, 2],
            "eig_2nd": unidim[:, 3],
        },
        index=index,
    )
    return outer, cross, inner_summary, unidim_table, pd.Series(rho_c, name="composite_reliability")


def index_tables(
    fit: CoreFit,
    structure: ModelStructure,
    raw: FloatArray,
    rows: pd.Index,
    scale: tuple[float, float] | None,
    scaled: bool,
) -> tuple[pd.Series, pd.DataFrame, pd.Series, tuple[float, float]]:
    """ACSI 0–100 indices: rescaled weights, per-respondent scores, means, scale used."""
    indicators = list(structure.indicators)
    if scale is None:
        low, high = float(raw.min()), float(raw.max())
    else:
        if len(scale) != 2 or not float(scale[0]) < float(scale[1]):
            raise InvalidInput(f"scale must be (low, high) with low < high; got {scale!r}")
        low, high = float(scale[0]), float(scale[1])
        if raw.min() < low or raw.max() > high:
            require_in_scale(
                pd.DataFrame(raw, columns=indicators, index=rows), low, high, what="PLS indicators"
            )
    positions = np.arange(len(indicators))
    weights = fit.weights[positions, structure.block_index]
    # The algorithm's weights act on centred (and, if scaled, standardised) indicators;
    # dividing by the divisor used gives the weights of the raw answers.
    unstandardized = weights / raw.std(axis=0) if scaled else weights
    index_w = np.empty_like(unstandardized)
    per_respondent: dict[str, FloatArray] = {}
    for k, latent in enumerate(structure.latents):
        in_block = structure.block_index == k
        block_w = unstandardized[in_block]
        index_w[in_block] = block_w / block_w.sum()
        per_respondent[latent] = index_scores(raw[:, in_block], block_w, low, high)
    scores = pd.DataFrame(per_respondent, index=rows)
    return (
        pd.Series(index_w, index=pd.Index(indicators), name="index_weight"),
        scores,
        scores.mean().rename("index"),
        (low, high),
    )


__all__ = ["effects_table", "index_tables", "inner_model_table", "outer_tables"]
