"""The PLS path modelling algorithm on plain NumPy arrays (Wold 1982; Lohmöller 1989).

This is the numerical core behind :func:`manyi.stats.pls.pls_path_model` and its
bootstrap. It follows R plspm's ``get_weights`` step for step (Sanchez 2013, ch. 4) so
that results agree with R to rounding error, not just to the convergence tolerance:

1. Indicators are centred (and, when ``scaled``, divided by their population standard
   deviation). Starting outer weights are 1 per indicator, rescaled so that each
   latent score has unit variance.
2. Outer (external) estimate: ``Y = X W``, each column standardised and multiplied by
   ``sqrt((n-1)/n)`` exactly as R plspm does.
3. Inner weights ``E`` by scheme: centroid ``sign(cor(Y))``, factorial ``cor(Y)``, or
   path (regression coefficients on predecessors, correlations with followers), kept
   only where two latents share a path. Inner estimate ``Z = Y E``.
4. New outer weights: Mode A ``w_j = X_j' z_j / n``; Mode B ``w_j = (X_j' X_j)^-1 X_j' z_j``.
5. Stop when ``sum((|w_old| - |w_new|)^2) < tol``; finally rescale ``W`` so that every
   score ``X w_j`` has unit (population) variance.

Everything is vectorised over indicators; no pandas inside the loop, so a fit takes
well under a millisecond on survey-sized data and the bootstrap stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from manyi.errors import InvalidInput
from manyi.stats.pls_structure import ModelStructure

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class CoreFit:
    """Arrays of one PLS estimation (see :mod:`manyi.stats.pls` for their public form).

    Attributes
    ----------
    x : ndarray (n, P)
        Indicators as the algorithm used them: centred, and standardised if ``scaled``.
    weights : ndarray (P, L)
        Outer weight matrix; column ``j`` has non-zeros only on block ``j`` and gives
        scores of unit population variance.
    scores : ndarray (n, L)
        Standardised latent scores ``x @ weights``.
    cross_loadings : ndarray (P, L)
        Correlation of every indicator with every latent score.
    paths : ndarray (L, L)
        ``paths[to, from]``: OLS path coefficients of the inner model.
    r_squared : ndarray (L,)
        R² of each latent's inner regression (0 for exogenous latents).
    iterations : int
        Iterations of the outer-weight loop.
    converged : bool
        Whether the change in weights fell below the tolerance within ``max_iter``.
    """

    x: FloatArray
    weights: FloatArray
    scores: FloatArray
    cross_loadings: FloatArray
    paths: FloatArray
    r_squared: FloatArray
    iterations: int
    converged: bool


def prepare_indicators(raw: FloatArray, scaled: bool) -> FloatArray:
    """Centre the indicators and, if ``scaled``, divide by the population SD (R plspm)."""
    x: FloatArray = raw - raw.mean(axis=0)
    if scaled:
        x = x / x.std(axis=0)
    return x


def _inner_weights(
    scheme: str, adjacency: FloatArray, inner: FloatArray, y: FloatArray
) -> FloatArray:
    corr: FloatArray = np.atleast_2d(np.corrcoef(y, rowvar=False))
    if scheme == "centroid":
        return np.asarray(np.sign(corr * adjacency))
    if scheme == "factorial":
        return np.asarray(corr * adjacency)
    # Path weighting (Lohmöller): predecessors enter with their multiple-regression
    # coefficients, followers with their correlation.
    e = np.zeros_like(inner)
    for k in range(inner.shape[0]):
        preds = np.flatnonzero(inner[k] > 0)
        if preds.size:
            coef, *_ = np.linalg.lstsq(y[:, preds], y[:, k], rcond=None)
            e[preds, k] = coef
        follows = np.flatnonzero(inner[:, k] > 0)
        if follows.size:
            e[follows, k] = corr[k, follows]
    return e


def _standardise_scores(y: FloatArray, names: tuple[str, ...]) -> FloatArray:
    sd = y.std(axis=0, ddof=1)
    flat = np.flatnonzero(~(sd > 0))
    if flat.size:
        raise InvalidInput(
            f"the score of latent(s) {', '.join(names[k] for k in flat)} became constant; "
            "check that their indicators vary and are not perfectly opposed"
        )
    n = y.shape[0]
    return np.asarray((y - y.mean(axis=0)) / sd * np.sqrt((n - 1) / n))


def estimate_outer(
    x: FloatArray,
    structure: ModelStructure,
    scheme: str,
    max_iter: int,
    tol: float,
) -> tuple[FloatArray, int, bool]:
    """Run the iterative outer-weight estimation; return ``(W, iterations, converged)``."""
    n = x.shape[0]
    odm = structure.outer_design
    inner = structure.inner
    adjacency = inner + inner.T
    mode_b = [k for k, m in enumerate(structure.modes) if m == "B"]
    mode_a_mask = odm.copy()
    mode_a_mask[:, mode_b] = 0.0
    # Mode B regresses z_j on a fixed block, so its pseudo-inverse is computed once.
    pinvs: dict[int, tuple[npt.NDArray[np.intp], FloatArray]] = {}
    for k in mode_b:
        rows = np.flatnonzero(structure.block_index == k)
        block = x[:, rows]
        if np.linalg.matrix_rank(block) < rows.size:
            raise InvalidInput(
                f"formative (Mode B) block {structure.latents[k]!r} has collinear indicators; "
                "drop one of them or use Mode A"
            )
        pinvs[k] = (rows, np.asarray(np.linalg.pinv(block), dtype=np.float64))

    sd = (x @ odm).std(axis=0)
    if np.any(~(sd > 0)):
        bad = [structure.latents[k] for k in np.flatnonzero(~(sd > 0))]
        raise InvalidInput(f"the indicators of block(s) {', '.join(bad)} sum to a constant")
    w = odm / sd
    w_old = w.sum(axis=1)
    iterations = 1
    converged = False
    while True:
        y = _standardise_scores(x @ w, structure.latents)
        z = y @ _inner_weights(scheme, adjacency, inner, y)
        w = (x.T @ z / n) * mode_a_mask
        for k, (rows, pinv) in pinvs.items():
            w[rows, k] = pinv @ z[:, k]
        w_new = w.sum(axis=1)
        change = float(np.sum((np.abs(w_old) - np.abs(w_new)) ** 2))
        if change < tol:
            converged = True
            break
        if iterations >= max_iter:
            break
        w_old = w_new
        iterations += 1
    sd = (x @ w).std(axis=0)
    if np.any(~(sd > 0)):
        bad = [structure.latents[k] for k in np.flatnonzero(~(sd > 0))]
        raise InvalidInput(f"all outer weights of latent(s) {', '.join(bad)} are zero")
    return np.asarray(w / sd), iterations, converged


def inner_regressions(
    scores: FloatArray, structure: ModelStructure
) -> tuple[FloatArray, FloatArray]:
    """OLS of each endogenous score on its predecessors: ``(paths[to, from], r_squared)``."""
    n_lat = len(structure.latents)
    paths = np.zeros((n_lat, n_lat))
    r2 = np.zeros(n_lat)
    ones = np.ones((scores.shape[0], 1))
    for k in range(n_lat):
        preds = structure.predecessors(k)
        if preds.size == 0:
            continue
        design = np.hstack([ones, scores[:, preds]])
        coef, *_ = np.linalg.lstsq(design, scores[:, k], rcond=None)
        paths[k, preds] = coef[1:]
        resid = scores[:, k] - design @ coef
        centred = scores[:, k] - scores[:, k].mean()
        r2[k] = 1.0 - float(resid @ resid) / float(centred @ centred)
    return paths, r2


def fit_core(
    raw: FloatArray,
    structure: ModelStructure,
    scheme: str,
    scaled: bool,
    max_iter: int,
    tol: float,
) -> CoreFit:
    """Estimate the model on raw indicator values (columns in ``structure.indicators`` order)."""
    x = prepare_indicators(raw, scaled)
    weights, iterations, converged = estimate_outer(x, structure, scheme, max_iter, tol)
    scores = x @ weights
    sd_x = x.std(axis=0)
    cross = (x.T @ scores / x.shape[0]) / sd_x[:, None]
    # Scores are identified up to sign; orient each so that most of its own indicators
    # load positively (R plspm leaves this to the data; with mostly positive items the
    # two agree).
    own = cross[np.arange(len(structure.block_index)), structure.block_index]
    for k in range(len(structure.latents)):
        if np.sum(np.sign(own[structure.block_index == k])) < 0:
            weights[:, k] *= -1.0
            scores[:, k] *= -1.0
            cross[:, k] *= -1.0
    paths, r2 = inner_regressions(scores, structure)
    return CoreFit(
        x=x,
        weights=weights,
        scores=scores,
        cross_loadings=cross,
        paths=paths,
        r_squared=r2,
        iterations=iterations,
        converged=converged,
    )


def total_effects(paths: FloatArray) -> FloatArray:
    """Total effects ``T = sum_k B^k = (I - B)^-1 - I`` for an acyclic ``B[to, from]``."""
    eye = np.eye(paths.shape[0])
    return np.asarray(np.linalg.solve(eye - paths, eye) - eye)


__all__ = [
    "CoreFit",
    "estimate_outer",
    "fit_core",
    "inner_regressions",
    "prepare_indicators",
    "total_effects",
]
