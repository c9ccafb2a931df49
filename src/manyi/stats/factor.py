"""Construct validity of a questionnaire: KMO, Bartlett's test, parallel analysis and EFA.

Input is a wide table, one row per respondent and one column per item. Respondents with a
missing answer are dropped (listwise deletion) so that every statistic here uses one and the
same correlation matrix; impute beforehand if that drops too many.

Extraction and rotation are implemented here (rather than calling factor_analyzer at run
time) because factor_analyzer 0.5.1 no longer runs with scikit-learn ≥ 1.8; the tests pin
the results against factor_analyzer (KMO, Bartlett, loadings) and against published R
psych output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from manyi.errors import InvalidInput
from manyi.stats.factor_rotation import Rotation, oblimin, promax, varimax
from manyi.stats.validation import numeric_frame, require_not_constant, require_rows

ExtractionMethod = Literal["minres", "ml", "principal"]
RotationMethod = Literal["varimax", "promax", "oblimin"]

#: Kaiser's (1974) verbal labels for KMO values, highest first.
KMO_LABELS = (
    (0.9, "marvelous"),
    (0.8, "meritorious"),
    (0.7, "middling"),
    (0.6, "mediocre"),
    (0.5, "miserable"),
    (0.0, "unacceptable"),
)


@dataclass(frozen=True)
class KmoResult:
    """Kaiser–Meyer–Olkin measure of sampling adequacy.

    Attributes
    ----------
    overall : float
        Overall KMO (0–1); ≥ 0.6 is usually required before factor analysis.
    per_item : Series
        Measure of sampling adequacy (MSA) of each item; items below 0.5 are candidates
        for removal.
    label : str
        Kaiser's (1974) label for ``overall`` ("marvelous" … "unacceptable").
    """

    overall: float
    per_item: pd.Series
    label: str


@dataclass(frozen=True)
class BartlettResult:
    """Bartlett's test that the correlation matrix is an identity matrix.

    Attributes
    ----------
    chi2 : float
        Test statistic ``−(n − 1 − (2k + 5)/6) ln|R|``.
    df : int
        Degrees of freedom ``k(k − 1)/2``.
    p_value : float
        Upper-tail chi-square probability; small values mean the items correlate enough
        to factor.
    n : int
        Respondents used.
    k : int
        Number of items.
    """

    chi2: float
    df: int
    p_value: float
    n: int
    k: int


@dataclass(frozen=True)
class ParallelResult:
    """Horn's parallel analysis for the number of factors.

    Attributes
    ----------
    eigenvalues : Series
        Eigenvalues of the observed correlation matrix, largest first.
    random_mean : Series
        Mean eigenvalues of correlation matrices of random normal data of the same size.
    random_quantile : Series
        The ``quantile`` of those random eigenvalues (the retention threshold).
    quantile : float
        Quantile used, 0.95 by default (Glorfeld 1995).
    n_factors : int
        Number of leading observed eigenvalues above their random threshold.
    n_iter : int
        Number of random data sets.
    seed : int
        Seed of the random generator (results are reproducible).
    """

    eigenvalues: pd.Series
    random_mean: pd.Series
    random_quantile: pd.Series
    quantile: float
    n_factors: int
    n_iter: int
    seed: int


@dataclass(frozen=True)
class EfaResult:
    """Exploratory factor analysis solution.

    Attributes
    ----------
    loadings : DataFrame
        Items × factors ("F1", "F2", …), rotated (pattern loadings for oblique rotations);
        factors ordered by variance explained, each signed so that its loadings sum ≥ 0.
    communalities : Series
        Variance of each item explained by the common factors (rotation-invariant).
    uniquenesses : Series
        ``1 − communality``.
    eigenvalues : Series
        Eigenvalues of the item correlation matrix, largest first.
    variance : DataFrame
        Rows "ss_loadings", "proportion", "cumulative" per factor (sums of squared
        loadings of the rotated solution; for oblique rotations they overlap and do not add
        up to the total common variance).
    factor_correlations : DataFrame or None
        Factor correlation matrix for oblique rotations (promax, oblimin), else None.
    n_factors : int
        Number of factors extracted.
    n_factors_rule : str
        How ``n_factors`` was chosen ("given", "parallel analysis", …).
    n_factors_parallel : int
        Number suggested by parallel analysis.
    n_factors_kaiser : int
        Number of eigenvalues > 1 (Kaiser–Guttman rule), reported for comparison.
    method, rotation : str
        Extraction method and rotation ("none" when unrotated).
    n : int
        Respondents used.
    converged : bool
        Whether extraction and rotation converged.
    """

    loadings: pd.DataFrame
    communalities: pd.Series
    uniquenesses: pd.Series
    eigenvalues: pd.Series
    variance: pd.DataFrame
    factor_correlations: pd.DataFrame | None
    n_factors: int
    n_factors_rule: str
    n_factors_parallel: int
    n_factors_kaiser: int
    method: str
    rotation: str
    n: int
    converged: bool


def _complete_items(data: pd.DataFrame, *, what: str, min_items: int = 2) -> pd.DataFrame:
    frame = numeric_frame(data, what=what).dropna(how="any")
    if frame.shape[1] < min_items:
        raise InvalidInput(f"{what}: at least {min_items} items are needed, got {frame.shape[1]}")
    require_rows(len(frame), frame.shape[1] + 1, what=f"{what} (needs more respondents than items)")
    require_not_constant(frame, what=what)
    return frame


def _check_not_singular(corr: np.ndarray, names: list[str], *, what: str) -> None:
    """Refuse a (near-)singular correlation matrix, naming duplicated items if any."""
    smallest = float(np.linalg.eigvalsh(corr)[0])
    if smallest > 1e-8:
        return
    i, j = np.nonzero(np.triu(np.abs(corr) > 0.9999, 1))
    pairs = ", ".join(f"{names[a]}~{names[b]}" for a, b in zip(i, j, strict=True))
    hint = f" (near-duplicate items: {pairs})" if pairs else ""
    raise InvalidInput(
        f"{what}: the correlation matrix is singular — some items are exact linear "
        f"combinations of others{hint}; remove the redundant items"
    )


def _correlation(
    data: pd.DataFrame, *, what: str, is_correlation: bool
) -> tuple[np.ndarray, list[str], int | None]:
    if is_correlation:
        frame = numeric_frame(data, what=what)
        corr = frame.to_numpy()
        if (
            corr.shape[0] != corr.shape[1]
            or not np.allclose(corr, corr.T)
            or not np.allclose(np.diag(corr), 1)
        ):
            raise InvalidInput(
                f"{what}: a correlation matrix must be square, symmetric, with ones on the diagonal"
            )
        names = [str(c) for c in frame.columns]
        _check_not_singular(corr, names, what=what)
        return corr, names, None
    frame = _complete_items(data, what=what)
    names = [str(c) for c in frame.columns]
    corr = np.corrcoef(frame.to_numpy(), rowvar=False)
    _check_not_singular(corr, names, what=what)
    return corr, names, len(frame)


def kmo(data: pd.DataFrame, *, is_correlation: bool = False) -> KmoResult:
    """Kaiser–Meyer–Olkin measure of sampling adequacy, overall and per item.

    With ``R`` the correlation matrix and ``Q`` the partial (anti-image) correlations,
    ``q_ij = −r^{ij}/\\sqrt{r^{ii} r^{jj}}`` from ``R^{-1}``:

    .. math:: \\mathrm{KMO} = \\frac{\\sum_{i \\ne j} r_{ij}^2}{\\sum_{i \\ne j} r_{ij}^2 + \\sum_{i \\ne j} q_{ij}^2}

    and the same sums restricted to row ``i`` give item ``i``'s MSA.

    Parameters
    ----------
    data : DataFrame
        Respondents × items, or a correlation matrix with ``is_correlation=True``.
    is_correlation : bool
        True when ``data`` is already a correlation matrix.

    Returns
    -------
    KmoResult
        ``overall`` KMO (0–1), ``per_item`` MSA of each item and Kaiser's ``label``
        ("marvelous" … "unacceptable").

    References
    ----------
    Kaiser, H. F. (1970). A second generation little jiffy. Psychometrika 35, 401–415.
    Kaiser, H. F. & Rice, J. (1974). Little jiffy, mark IV. Educ. Psychol. Meas. 34,
    111–117. Checked against R psych::KMO and factor_analyzer.calculate_kmo.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=200)
    >>> df = pd.DataFrame({f"q{i}": f + rng.normal(size=200) for i in range(4)})
    >>> res = kmo(df)
    >>> round(res.overall, 2), res.label
    (0.8, 'meritorious')

    On R's ``mtcars`` (not bundled) this gives psych::KMO's overall MSA:

    >>> cars = pd.read_csv("mtcars.csv", index_col=0)  # doctest: +SKIP
    >>> round(kmo(cars).overall, 2)  # doctest: +SKIP
    0.83
    """
    corr, names, _ = _correlation(data, what="KMO", is_correlation=is_correlation)
    inv = np.linalg.inv(corr)
    partial = -inv / np.sqrt(np.outer(np.diag(inv), np.diag(inv)))
    r2, q2 = corr**2, partial**2
    np.fill_diagonal(r2, 0.0)
    np.fill_diagonal(q2, 0.0)
    per_item = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    overall = float(r2.sum() / (r2.sum() + q2.sum()))
    label = next(name for bound, name in KMO_LABELS if overall >= bound)
    return KmoResult(
        overall=overall, per_item=pd.Series(per_item, index=names, name="msa"), label=label
    )


def bartlett_sphericity(
    data: pd.DataFrame, *, n: int | None = None, is_correlation: bool = False
) -> BartlettResult:
    """Bartlett's test of sphericity: do the items correlate at all?

    .. math:: \\chi^2 = -\\Big(n - 1 - \\frac{2k + 5}{6}\\Big)\\ln|R|,\\qquad df = \\frac{k(k-1)}{2}

    Parameters
    ----------
    data : DataFrame
        Respondents × items, or a correlation matrix with ``is_correlation=True``.
    n : int, optional
        Number of respondents; required with a correlation matrix, ignored otherwise.
    is_correlation : bool
        True when ``data`` is already a correlation matrix.

    Returns
    -------
    BartlettResult
        ``chi2`` statistic, its ``df`` and ``p_value`` (small: the items correlate enough
        to factor), ``n`` respondents and ``k`` items.

    References
    ----------
    Bartlett, M. S. (1951). The effect of standardization on a chi square approximation in
    factor analysis. Biometrika 38, 337–344. Checked against R psych::cortest.bartlett.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=200)
    >>> df = pd.DataFrame({f"q{i}": f + rng.normal(size=200) for i in range(4)})
    >>> bartlett_sphericity(df).p_value < 0.001
    True
    """
    corr, _, n_data = _correlation(data, what="Bartlett's test", is_correlation=is_correlation)
    n_used = n if is_correlation else n_data
    if n_used is None:
        raise InvalidInput(
            "Bartlett's test: give n (the number of respondents) with a correlation matrix"
        )
    k = corr.shape[0]
    require_rows(n_used, k + 1, what="Bartlett's test (needs more respondents than items)")
    _, logdet = np.linalg.slogdet(corr)
    chi2 = -(n_used - 1 - (2 * k + 5) / 6) * float(logdet)
    df = k * (k - 1) // 2
    return BartlettResult(chi2=chi2, df=df, p_value=float(stats.chi2.sf(chi2, df)), n=n_used, k=k)


def parallel_analysis(
    data: pd.DataFrame, n_iter: int = 100, seed: int = 0, quantile: float = 0.95
) -> ParallelResult:
    """Horn's parallel analysis: keep factors whose eigenvalue beats random data's.

    Eigenvalues of the observed correlation matrix are compared, in order, with the
    ``quantile`` of eigenvalues from ``n_iter`` random normal data sets of the same size;
    the suggested number is the count of leading observed eigenvalues above the threshold
    (principal-component eigenvalues, the most common variant).

    Parameters
    ----------
    data : DataFrame
        Respondents × items (listwise deletion of missing answers).
    n_iter : int
        Number of random data sets (at least 1).
    seed : int
        Seed of the random generator, so the result is reproducible.
    quantile : float
        Quantile of the random eigenvalues used as threshold, in (0, 1); 0.95 follows
        Glorfeld (1995); 0.5 (the median) is close to Horn's original mean criterion.

    Returns
    -------
    ParallelResult
        ``n_factors`` (the suggested number), the observed ``eigenvalues``, the random
        ``random_mean`` and threshold ``random_quantile`` per component.

    References
    ----------
    Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis.
    Psychometrika 30, 179–185. Glorfeld, L. W. (1995). An improvement on Horn's parallel
    analysis methodology. Educ. Psychol. Meas. 55, 377–393.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 2))
    >>> df = pd.DataFrame(np.repeat(f, 3, axis=1) + rng.normal(size=(300, 6)))
    >>> parallel_analysis(df, n_iter=50).n_factors
    2
    """
    if n_iter < 1:
        raise InvalidInput(f"parallel analysis: n_iter must be at least 1, got {n_iter}")
    if not 0.0 < quantile < 1.0:
        raise InvalidInput(f"parallel analysis: quantile must lie between 0 and 1, got {quantile}")
    frame = _complete_items(data, what="parallel analysis")
    corr = np.corrcoef(frame.to_numpy(), rowvar=False)
    _check_not_singular(corr, [str(c) for c in frame.columns], what="parallel analysis")
    n_used, k = frame.shape
    observed = np.linalg.eigvalsh(corr)[::-1]
    rng = np.random.default_rng(seed)
    random = np.empty((n_iter, k))
    for it in range(n_iter):
        sample = rng.standard_normal((n_used, k))
        random[it] = np.linalg.eigvalsh(np.corrcoef(sample, rowvar=False))[::-1]
    threshold = np.quantile(random, quantile, axis=0)
    above = observed > threshold
    n_factors = int(np.argmin(above)) if not above.all() else k
    index = pd.Index(range(1, k + 1), name="component")
    return ParallelResult(
        eigenvalues=pd.Series(observed, index=index, name="observed"),
        random_mean=pd.Series(random.mean(axis=0), index=index, name="random_mean"),
        random_quantile=pd.Series(threshold, index=index, name="random_quantile"),
        quantile=quantile,
        n_factors=n_factors,
        n_iter=n_iter,
        seed=seed,
    )


def _reduced_loadings(corr: np.ndarray, psi: np.ndarray, m: int) -> np.ndarray:
    reduced = corr.copy()
    np.fill_diagonal(reduced, 1.0 - psi)
    values, vectors = np.linalg.eigh(reduced)
    values, vectors = values[::-1][:m], vectors[:, ::-1][:, :m]
    return np.asarray(vectors * np.sqrt(np.maximum(values, 0.0)))


def _minres_objective(psi: np.ndarray, corr: np.ndarray, m: int) -> float:
    # Harman's minimum residual: off-diagonal residuals only (as in psych::fa since 1.8).
    loadings = _reduced_loadings(corr, psi, m)
    residual = corr - loadings @ loadings.T
    return float(np.sum(np.tril(residual, -1) ** 2))


def _ml_objective(psi: np.ndarray, corr: np.ndarray, m: int) -> float:
    # Concentrated ML discrepancy of R's factanal (Lawley & Maxwell 1971).
    scale = 1.0 / np.sqrt(psi)
    values = np.linalg.eigvalsh(corr * np.outer(scale, scale))[::-1][m:]
    return float(-np.sum(np.log(values) - values) - m + corr.shape[0])


def _ml_loadings(corr: np.ndarray, psi: np.ndarray, m: int) -> np.ndarray:
    scale = 1.0 / np.sqrt(psi)
    values, vectors = np.linalg.eigh(corr * np.outer(scale, scale))
    values, vectors = values[::-1][:m], vectors[:, ::-1][:, :m]
    return np.asarray(np.sqrt(psi)[:, None] * vectors * np.sqrt(np.maximum(values - 1.0, 0.0)))


def _extract(corr: np.ndarray, m: int, method: str) -> tuple[np.ndarray, bool]:
    """Unrotated loadings for ``m`` factors and whether the optimiser converged."""
    if method == "principal":
        values, vectors = np.linalg.eigh(corr)
        return np.asarray(vectors[:, ::-1][:, :m] * np.sqrt(values[::-1][:m])), True
    # Start from 1 − squared multiple correlations, the usual communality estimate;
    # bounds keep uniquenesses away from 0 (Heywood cases), as psych and factanal do.
    start = np.clip(1.0 / np.diag(np.linalg.inv(corr)), 0.005, 1.0)
    objective = _ml_objective if method == "ml" else _minres_objective
    res = optimize.minimize(
        objective,
        start,
        args=(corr, m),
        method="L-BFGS-B",
        bounds=[(0.005, 1.0)] * corr.shape[0],
        options={"maxiter": 1000},
    )
    psi = np.asarray(res.x)
    loadings = _ml_loadings(corr, psi, m) if method == "ml" else _reduced_loadings(corr, psi, m)
    return loadings, bool(res.success)


def _rotate(loadings: np.ndarray, rotation: str | None) -> Rotation:
    if rotation is None or loadings.shape[1] < 2:
        return Rotation(loadings=loadings, phi=np.eye(loadings.shape[1]), converged=True)
    if rotation == "varimax":
        return varimax(loadings)
    if rotation == "promax":
        return promax(loadings)
    return oblimin(loadings)


def efa(
    data: pd.DataFrame,
    n_factors: int | None = None,
    method: ExtractionMethod = "minres",
    rotation: RotationMethod | None = "varimax",
    seed: int = 0,
) -> EfaResult:
    """Exploratory factor analysis with extraction, rotation and a factor-number rule.

    The model is ``R ≈ ΛΦΛ' + Ψ``. Extraction: ``"minres"`` (minimum residual, Harman
    1976: minimise the squared off-diagonal residuals of ``R − ΛΛ'``), ``"ml"`` (maximum
    likelihood, the concentrated discrepancy of R ``factanal``) or
    ``"principal"`` (principal components, ``Λ = V_m √D_m``). Rotation: varimax
    (orthogonal), promax or oblimin (oblique, correlated factors), or ``None``.

    When ``n_factors`` is None it is chosen by parallel analysis (Horn 1965, seeded by
    ``seed``); the Kaiser eigenvalue > 1 count is reported beside it because it tends to
    over-extract with many items.

    Parameters
    ----------
    data : DataFrame
        Respondents × items (listwise deletion of missing answers); needs more
        respondents than items.
    n_factors : int, optional
        Number of factors (1 ≤ n_factors < number of items).
    method : {"minres", "ml", "principal"}
    rotation : {"varimax", "promax", "oblimin"} or None
    seed : int
        Seed of the parallel analysis when ``n_factors`` is None.

    Returns
    -------
    EfaResult
        ``loadings`` (items × factors, rotated), ``communalities`` and ``uniquenesses``,
        ``eigenvalues``, explained ``variance`` per factor, ``factor_correlations``
        (oblique rotations only), ``n_factors`` with the rule that chose it
        (``n_factors_rule``, ``n_factors_parallel``, ``n_factors_kaiser``) and
        ``converged``.

    References
    ----------
    Harman, H. H. (1976). Modern Factor Analysis, 3rd ed. Revelle, W. psych::fa.
    Fabrigar, L. R. et al. (1999). Evaluating the use of exploratory factor analysis in
    psychological research. Psychological Methods 4, 272–299. Checked against
    factor_analyzer 0.5.1 (which follows psych).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 2))
    >>> df = pd.DataFrame(np.repeat(f, 3, axis=1) + rng.normal(size=(300, 6)),
    ...                   columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> res = efa(df)
    >>> res.n_factors, res.n_factors_rule
    (2, 'parallel analysis')
    """
    if method not in ("minres", "ml", "principal"):
        raise InvalidInput(f'EFA: method must be "minres", "ml" or "principal", got {method!r}')
    if rotation not in (None, "varimax", "promax", "oblimin"):
        raise InvalidInput(
            f'EFA: rotation must be "varimax", "promax", "oblimin" or None, got {rotation!r}'
        )
    frame = _complete_items(data, what="EFA", min_items=3)
    names = [str(c) for c in frame.columns]
    corr = np.corrcoef(frame.to_numpy(), rowvar=False)
    _check_not_singular(corr, names, what="EFA")
    k = corr.shape[0]
    eigenvalues = np.linalg.eigvalsh(corr)[::-1]
    n_kaiser = int(np.sum(eigenvalues > 1.0))
    n_parallel = parallel_analysis(frame, seed=seed).n_factors
    if n_factors is None:
        m, rule = max(n_parallel, 1), "parallel analysis"
        if n_parallel == 0:
            rule = "parallel analysis found no factor above random data; 1 factor extracted"
    else:
        if not 1 <= n_factors < k:
            raise InvalidInput(
                f"EFA: n_factors must be between 1 and {k - 1} for {k} items, got {n_factors}"
            )
        m, rule = n_factors, "given"
    unrotated, extracted_ok = _extract(corr, m, method)
    rotated = _rotate(unrotated, rotation)
    loadings, phi = rotated.loadings, rotated.phi
    # Sign: each factor points the way most of its loadings do; order: by variance.
    signs = np.where(loadings.sum(axis=0) < 0, -1.0, 1.0)
    loadings, phi = loadings * signs, phi * np.outer(signs, signs)
    ss = np.sum(loadings**2, axis=0)
    order = np.argsort(-ss, kind="stable")
    loadings, phi, ss = loadings[:, order], phi[np.ix_(order, order)], ss[order]
    factors = [f"F{j + 1}" for j in range(m)]
    communal = np.sum(unrotated**2, axis=1)
    oblique = rotation in ("promax", "oblimin") and m > 1
    return EfaResult(
        loadings=pd.DataFrame(loadings, index=names, columns=factors),
        communalities=pd.Series(communal, index=names, name="communality"),
        uniquenesses=pd.Series(1.0 - communal, index=names, name="uniqueness"),
        eigenvalues=pd.Series(
            eigenvalues, index=pd.Index(range(1, k + 1), name="component"), name="eigenvalue"
        ),
        variance=pd.DataFrame(
            [ss, ss / k, np.cumsum(ss / k)],
            index=["ss_loadings", "proportion", "cumulative"],
            columns=factors,
        ),
        factor_correlations=pd.DataFrame(phi, index=factors, columns=factors) if oblique else None,
        n_factors=m,
        n_factors_rule=rule,
        n_factors_parallel=n_parallel,
        n_factors_kaiser=n_kaiser,
        method=method,
        rotation=rotation if rotation is not None and m > 1 else "none",
        n=len(frame),
        converged=extracted_ok and rotated.converged,
    )


__all__ = [
    "BartlettResult",
    "EfaResult",
    "ExtractionMethod",
    "KmoResult",
    "ParallelResult",
    "RotationMethod",
    "bartlett_sphericity",
    "efa",
    "kmo",
    "parallel_analysis",
]
