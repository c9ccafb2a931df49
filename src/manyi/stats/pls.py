"""PLS path modelling for ACSI/ECSI-style satisfaction indices.

One public function, :func:`pls_path_model`, estimates a structural equation model with
latent variables by partial least squares (Wold 1982; Lohmöller 1989) exactly as R
plspm does (Sanchez 2013), and returns every table R plspm prints plus the 0–100
latent indices computed the ACSI way (Fornell et al. 1996). The numerical work lives in
:mod:`manyi.stats.pls_estimation`, quality figures in :mod:`manyi.stats.pls_reliability`,
the labelled tables in :mod:`manyi.stats.pls_tables`, the bootstrap in
:mod:`manyi.stats.pls_bootstrap`, the published ACSI/ECSI structures in
:mod:`manyi.stats.index_models`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from manyi.errors import InvalidInput
from manyi.stats import pls_tables as tables
from manyi.stats.pls_bootstrap import PLSBootstrap, bootstrap_pls
from manyi.stats.pls_estimation import fit_core
from manyi.stats.pls_reliability import goodness_of_fit
from manyi.stats.pls_structure import SCHEMES, ModelStructure, build_structure
from manyi.stats.validation import (
    numeric_frame,
    require_columns,
    require_not_constant,
    require_rows,
)

MIN_RESPONDENTS = 10


@dataclass(frozen=True)
class PLSResult:
    """Everything estimated by :func:`pls_path_model`.

    Attributes
    ----------
    latents : tuple of str
        Latent variables in the order of ``blocks``.
    blocks : mapping
        ``latent -> tuple of indicator columns``.
    modes : mapping
        ``latent -> "A" | "B"``.
    scheme : str
        Inner weighting scheme used.
    scaled : bool
        Whether indicators were standardised (True) or only centred (False).
    n_obs : int
        Respondents used (rows complete on every indicator).
    n_dropped : int
        Rows dropped because an indicator was missing (listwise deletion).
    path_coefficients : DataFrame
        Latent-by-latent matrix, ``path_coefficients.loc[to, from]``; 0 where no path.
    inner_model : DataFrame
        One row per path (index ``"from -> to"``): ``from``, ``to``, ``estimate``,
        ``std_error``, ``t``, ``p_value`` of the OLS regression of each endogenous
        score on its predecessors (residual df ``n - q - 1``).
    r_squared, r_squared_adj : Series
        R² and adjusted R² of each endogenous latent.
    outer_model : DataFrame
        Per indicator: ``block``, ``weight`` (outer weight on the centred, and if
        ``scaled`` standardised, indicator), ``loading`` (correlation with its latent),
        ``communality`` (loading²), ``redundancy`` (communality × R² of its latent).
    cross_loadings : DataFrame
        Correlation of every indicator with every latent score.
    inner_summary : DataFrame
        Per latent: ``type`` (Exogenous/Endogenous), ``r_squared``,
        ``block_communality``, ``mean_redundancy``, ``ave`` (NaN for Mode B).
    unidimensionality : DataFrame
        Per latent: ``mode``, ``mvs``, ``cronbach_alpha`` (standardised),
        ``dillon_goldstein_rho`` (first-principal-component based, as R plspm),
        ``eig_1st``, ``eig_2nd``. Alpha and rho are NaN for Mode B blocks.
    composite_reliability : Series
        rho_c from the PLS loadings (Werts et al. 1974) per Mode A latent.
    gof : float
        Goodness of fit (Tenenhaus et al. 2004).
    effects : DataFrame
        ``from``, ``to``, ``direct``, ``indirect``, ``total`` for every pair joined by a
        chain of paths, index ``"from -> to"``.
    scores : DataFrame
        Standardised latent scores (mean 0, population variance 1), on the used rows.
    index_weights : Series
        Unstandardised outer weights rescaled to sum to 1 within each block.
    index_scores : DataFrame
        Each respondent's 0–100 latent index (ACSI method).
    indices : Series
        Mean 0–100 index of each latent (the published "index").
    index_scale : tuple of float
        ``(low, high)`` answer scale used for the 0–100 rescaling.
    iterations : int
        Iterations of the outer-weight loop.
    converged : bool
        Always True in a returned result (non-convergence raises).
    bootstrap : PLSBootstrap or None
        Bootstrap summaries when ``bootstrap > 0``.
    """

    latents: tuple[str, ...]
    blocks: Mapping[str, tuple[str, ...]]
    modes: Mapping[str, str]
    scheme: str
    scaled: bool
    n_obs: int
    n_dropped: int
    path_coefficients: pd.DataFrame
    inner_model: pd.DataFrame
    r_squared: pd.Series
    r_squared_adj: pd.Series
    outer_model: pd.DataFrame
    cross_loadings: pd.DataFrame
    inner_summary: pd.DataFrame
    unidimensionality: pd.DataFrame
    composite_reliability: pd.Series
    gof: float
    effects: pd.DataFrame
    scores: pd.DataFrame
    index_weights: pd.Series
    index_scores: pd.DataFrame
    indices: pd.Series
    index_scale: tuple[float, float]
    iterations: int
    converged: bool
    bootstrap: PLSBootstrap | None

    @property
    def outer_weights(self) -> pd.Series:
        """Outer weight of each indicator (column ``weight`` of :attr:`outer_model`)."""
        return self.outer_model["weight"]

    @property
    def loadings(self) -> pd.Series:
        """Outer loading of each indicator (column ``loading`` of :attr:`outer_model`)."""
        return self.outer_model["loading"]

    @property
    def ave(self) -> pd.Series:
        """Average variance extracted per latent (Fornell & Larcker 1981)."""
        return self.inner_summary["ave"]

    @property
    def cronbach_alpha(self) -> pd.Series:
        """Standardised Cronbach alpha per block."""
        return self.unidimensionality["cronbach_alpha"]

    @property
    def dillon_goldstein_rho(self) -> pd.Series:
        """Dillon-Goldstein rho per block (R plspm's definition)."""
        return self.unidimensionality["dillon_goldstein_rho"]


def _check_options(
    scheme: str, bootstrap: int, max_iter: int, tol: float, confidence: float
) -> None:
    if scheme not in SCHEMES:
        raise InvalidInput(f"unknown scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int) or bootstrap < 0:
        raise InvalidInput(f"bootstrap must be a whole number of resamples >= 0; got {bootstrap!r}")
    if 0 < bootstrap < 10:
        raise InvalidInput(
            f"bootstrap needs at least 10 resamples (200 or more is usual); got {bootstrap}"
        )
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
        raise InvalidInput(f"max_iter must be a positive whole number; got {max_iter!r}")
    if not tol > 0:
        raise InvalidInput(f"tol must be positive; got {tol!r}")
    if not 0 < confidence < 1:
        raise InvalidInput(f"confidence must lie strictly between 0 and 1; got {confidence!r}")


def _indicator_values(
    data: pd.DataFrame, structure: ModelStructure
) -> tuple[npt.NDArray[np.float64], pd.Index, int]:
    """Indicator values (rows complete on every indicator), their row labels, rows dropped.

    Checks run on NumPy arrays; the shared validation helpers are called to raise the
    standard message only when a check fails (they are too slow for the bootstrap-sized
    fast path on every call).
    """
    if not isinstance(data, pd.DataFrame):
        raise InvalidInput("data must be a pandas DataFrame with one column per indicator")
    columns = list(structure.indicators)
    require_columns(data, columns)
    subset = data[columns]
    if not all(pd.api.types.is_numeric_dtype(dtype) for dtype in subset.dtypes):
        numeric_frame(subset, what="PLS indicators")  # raises, naming the columns
    values = subset.to_numpy(dtype=np.float64)
    complete = ~np.isnan(values).any(axis=1)
    dropped = int((~complete).sum())
    values = values[complete]
    max_preds = int(structure.inner.sum(axis=1).max())
    max_formative = max(
        (len(b) for b, m in zip(structure.blocks, structure.modes, strict=True) if m == "B"),
        default=0,
    )
    require_rows(
        len(values),
        max(MIN_RESPONDENTS, max_preds + 2, max_formative + 1),
        what="PLS path model (rows complete on every indicator)",
    )
    if np.any(np.ptp(values, axis=0) == 0):
        require_not_constant(pd.DataFrame(values, columns=columns), what="PLS indicators")
    return values, subset.index[complete], dropped


def pls_path_model(
    data: pd.DataFrame,
    blocks: Mapping[str, Sequence[str]],
    paths: Sequence[tuple[str, str]],
    modes: Mapping[str, str] | Sequence[str] | None = None,
    scheme: str = "centroid",
    scaled: bool = True,
    bootstrap: int = 0,
    seed: int = 0,
    max_iter: int = 300,
    tol: float = 1e-6,
    *,
    scale: tuple[float, float] | None = None,
    confidence: float = 0.95,
) -> PLSResult:
    """Estimate a PLS path model (PLS-PM) and its ACSI-style 0–100 indices.

    Algorithm (Wold 1982; Lohmöller 1989; implementation of R plspm, Sanchez 2013):
    indicators ``X`` are centred (``scaled=True`` also divides by the population SD).
    Starting from unit weights, alternate the outer estimate ``Y = X W`` (standardised)
    and the inner estimate ``Z = Y E`` with inner weights ``E`` from ``scheme``
    (centroid ``sign(cor)``, factorial ``cor``, path: regression coefficients on
    predecessors and correlations with followers); update Mode A weights
    ``w_j = X_j' z_j / n`` and Mode B weights ``w_j = (X_j'X_j)^-1 X_j' z_j`` until
    ``sum((|w_old| - |w_new|)^2) < tol``. Latent scores ``X W`` are then standardised,
    path coefficients are OLS of each endogenous score on its predecessors, total
    effects ``(I - B)^-1 - I``, loadings are indicator–score correlations,
    ``AVE = mean(loading²)`` (Mode A), and
    ``GoF = sqrt(mean communality × mean R²)`` (Tenenhaus et al. 2004).

    The 0–100 index of a latent (Fornell et al. 1996): the unstandardised outer
    weights ``w`` (the weights of the raw answers) are rescaled to ``w̃ = w / sum(w)``,
    each respondent's ``sum w̃_i x_i`` is mapped by ``(x - low) / (high - low) * 100``,
    and :attr:`PLSResult.indices` is the mean over respondents.

    Parameters
    ----------
    data : DataFrame
        One row per respondent; indicator columns must be numeric. Rows with a missing
        indicator are dropped (counted in ``n_dropped``).
    blocks : mapping
        ``latent -> [indicator columns]``; see
        :func:`manyi.stats.index_models.blocks_from_prefixes`.
    paths : sequence of (str, str)
        Inner paths ``(from, to)``; must form an acyclic graph touching every latent.
        ``ACSI_MODEL.paths`` and ``ECSI_MODEL.paths`` are ready-made.
    modes : mapping or sequence, optional
        ``"A"`` (reflective, default) or ``"B"`` (formative) per latent.
    scheme : {"centroid", "factorial", "path"}
        Inner weighting scheme.
    scaled : bool
        Standardise indicators (True) or only centre them (False, R ``scaled = FALSE``;
        use it when all indicators share one answer scale, as in the ACSI).
    bootstrap : int
        Number of bootstrap resamples for percentile intervals (0: none; else >= 10).
    seed : int
        Seed of the bootstrap's random generator.
    max_iter : int
        Most outer-weight iterations before giving up.
    tol : float
        Convergence tolerance on the squared change of the weights.
    scale : (float, float), optional
        Answer scale ``(low, high)`` for the 0–100 index, e.g. ``(1, 10)``; by default
        the smallest and largest answer observed (pass the questionnaire's scale).
    confidence : float
        Coverage of the bootstrap intervals.

    Returns
    -------
    PLSResult

    Raises
    ------
    InvalidInput
        Unknown or non-numeric column, constant indicator, empty block, path to an
        unknown latent, cyclic inner model, too few respondents, non-convergence.

    References
    ----------
    Wold, H. (1982). Soft modeling: the basic design and some extensions.
    Lohmöller, J.-B. (1989). Latent Variable Path Modeling with Partial Least Squares.
    Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M., Lauro, C. (2005). PLS path
    modeling. CSDA 48, 159–205. Sanchez, G. (2013). PLS Path Modeling with R.
    Fornell, C. et al. (1996). The American Customer Satisfaction Index. J. Marketing 60(4).

    Examples
    --------
    >>> import pandas as pd
    >>> from manyi.stats.index_models import ECSI_MODEL, blocks_from_prefixes
    >>> data = pd.read_csv("satisfaction.csv")  # doctest: +SKIP
    >>> prefixes = {"IMAG": "imag", "EXPE": "expe", "QUAL": "qual", "VAL": "val",
    ...             "SAT": "sat", "LOY": "loy"}
    >>> blocks = blocks_from_prefixes(data.columns, prefixes)  # doctest: +SKIP
    >>> model = ECSI_MODEL.without("COMP")
    >>> result = pls_path_model(data, blocks, model.paths, scaled=False)  # doctest: +SKIP
    >>> round(result.gof, 4)  # doctest: +SKIP
    0.6097
    """
    _check_options(scheme, bootstrap, max_iter, tol, confidence)
    structure = build_structure(blocks, paths, modes)
    raw_values, rows, dropped = _indicator_values(data, structure)
    fit = fit_core(raw_values, structure, scheme, scaled, max_iter, tol)
    if not fit.converged:
        raise InvalidInput(
            f"the PLS algorithm did not converge in {max_iter} iterations (tol={tol:g}); "
            "raise max_iter, check the model for a badly measured block, or try scheme='path'"
        )
    names = list(structure.latents)
    path_coefficients = pd.DataFrame(fit.paths, index=pd.Index(names), columns=names)
    inner_model, r2_adj = tables.inner_model_table(fit, structure)
    endo = structure.endogenous
    r2 = pd.Series(
        fit.r_squared[endo],
        index=pd.Index([n for n, e in zip(names, endo, strict=True) if e]),
        name="r_squared",
    )
    outer, cross, inner_summary, unidim, rho_c = tables.outer_tables(fit, structure, raw_values)
    gof = goodness_of_fit(
        outer["communality"].to_numpy(), structure.block_index, fit.r_squared, endo
    )
    index_weights, index_table, indices, index_scale = tables.index_tables(
        fit, structure, raw_values, rows, scale, scaled
    )
    boot = None
    if bootstrap:
        boot = bootstrap_pls(
            raw_values,
            structure,
            fit,
            scheme=scheme,
            scaled=scaled,
            max_iter=max_iter,
            tol=tol,
            n_resamples=bootstrap,
            seed=seed,
            confidence=confidence,
        )
    return PLSResult(
        latents=structure.latents,
        blocks=dict(zip(structure.latents, structure.blocks, strict=True)),
        modes=dict(zip(structure.latents, structure.modes, strict=True)),
        scheme=scheme,
        scaled=scaled,
        n_obs=len(raw_values),
        n_dropped=dropped,
        path_coefficients=path_coefficients,
        inner_model=inner_model,
        r_squared=r2,
        r_squared_adj=r2_adj,
        outer_model=outer,
        cross_loadings=cross,
        inner_summary=inner_summary,
        unidimensionality=unidim,
        composite_reliability=rho_c,
        gof=gof,
        effects=tables.effects_table(fit, structure),
        scores=pd.DataFrame(fit.scores, index=rows, columns=names),
        index_weights=index_weights,
        index_scores=index_table,
        indices=indices,
        index_scale=index_scale,
        iterations=fit.iterations,
        converged=fit.converged,
        bootstrap=boot,
    )


__all__ = ["PLSBootstrap", "PLSResult", "pls_path_model"]
