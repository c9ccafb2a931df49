"""Tests for manyi.stats.factor and factor_rotation, pinned to R psych and factor_analyzer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from manyi.errors import InvalidInput
from manyi.stats.factor import bartlett_sphericity, efa, kmo, parallel_analysis
from manyi.stats.factor_rotation import oblimin, promax, varimax
from shared_data import ROOT as SHARED_ROOT
from shared_data import shared_file

DATA = SHARED_ROOT / "stats"


@pytest.fixture(autouse=True)
def _reference_data() -> None:
    shared_file("stats")


@pytest.fixture(scope="module")
def satisfaction() -> pd.DataFrame:
    return pd.read_csv(DATA / "satisfaction.csv").drop(columns="gender")


@pytest.fixture(scope="module")
def mtcars() -> pd.DataFrame:
    return pd.read_csv(DATA / "mtcars.csv", index_col=0)


@pytest.fixture
def factor_analyzer(monkeypatch: pytest.MonkeyPatch) -> type:
    """factor_analyzer 0.5.1's FactorAnalyzer, made to run with scikit-learn >= 1.8.

    It calls ``check_array(force_all_finite=...)``, renamed ``ensure_all_finite`` in
    scikit-learn 1.6 and removed in 1.8; the shim only renames that argument.
    """
    import factor_analyzer.factor_analyzer as fa_module

    original = fa_module.check_array

    def check_array(x: object, force_all_finite: object = True, **kwargs: object) -> object:
        return original(x, ensure_all_finite=force_all_finite, **kwargs)

    monkeypatch.setattr(fa_module, "check_array", check_array)
    return fa_module.FactorAnalyzer


# --- KMO and Bartlett ------------------------------------------------------------------


def test_kmo_matches_published_psych_output_on_mtcars(mtcars: pd.DataFrame) -> None:
    # R psych::KMO(mtcars): Overall MSA = 0.83; MSA for each item
    # mpg 0.93 cyl 0.90 disp 0.76 hp 0.84 drat 0.95 wt 0.74 qsec 0.74 vs 0.91 am 0.88
    # gear 0.85 carb 0.62 (printed output in Daróczi, G. (2015) Mastering Data Analysis
    # with R, Packt, ch. 9 "From Big to Small Data").
    res = kmo(mtcars)
    assert round(res.overall, 2) == 0.83
    published = [0.93, 0.90, 0.76, 0.84, 0.95, 0.74, 0.74, 0.91, 0.88, 0.85, 0.62]
    assert res.per_item.round(2).tolist() == published
    assert res.label == "meritorious"


def test_kmo_matches_factor_analyzer(satisfaction: pd.DataFrame) -> None:
    from factor_analyzer.factor_analyzer import calculate_kmo

    per_item, overall = calculate_kmo(satisfaction)
    res = kmo(satisfaction)
    assert res.overall == pytest.approx(overall, abs=1e-12)
    np.testing.assert_allclose(res.per_item.to_numpy(), per_item, atol=1e-12)
    from_corr = kmo(satisfaction.corr(), is_correlation=True)
    assert from_corr.overall == pytest.approx(overall, abs=1e-12)


def test_bartlett_matches_published_psych_output(mtcars: pd.DataFrame) -> None:
    # R psych::cortest.bartlett(cor(mtcars)) (n defaults to 100): chisq 1454.985, df 55,
    # p.value 3.884209e-268 (printed output in Daróczi 2015, ch. 9, as above).
    res = bartlett_sphericity(mtcars.corr(), n=100, is_correlation=True)
    assert round(res.chi2, 3) == 1454.985
    assert res.df == 55
    assert res.p_value == pytest.approx(3.884209e-268, rel=1e-6)


def test_bartlett_matches_factor_analyzer(mtcars: pd.DataFrame) -> None:
    from factor_analyzer.factor_analyzer import calculate_bartlett_sphericity

    chi2, p = calculate_bartlett_sphericity(mtcars)
    res = bartlett_sphericity(mtcars)
    assert (res.chi2, res.p_value, res.n, res.k) == (pytest.approx(chi2), pytest.approx(p), 32, 11)


# --- parallel analysis ------------------------------------------------------------------


def _two_factor_data(n: int = 400, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(n, 2))
    x = np.repeat(f, 3, axis=1) * 0.8 + rng.normal(size=(n, 6)) * 0.6
    return pd.DataFrame(x, columns=["a1", "a2", "a3", "b1", "b2", "b3"])


def test_parallel_analysis_recovers_known_structure() -> None:
    assert parallel_analysis(_two_factor_data(), n_iter=50).n_factors == 2
    noise = pd.DataFrame(np.random.default_rng(9).normal(size=(300, 8)))
    assert parallel_analysis(noise, n_iter=50).n_factors == 0


def test_parallel_analysis_random_eigenvalues_follow_marchenko_pastur() -> None:
    # Eigenvalues of correlation matrices of pure noise fill the Marchenko-Pastur (1967)
    # support [(1 - sqrt(k/n))^2, (1 + sqrt(k/n))^2]; with n = 2000, k = 20 the extreme
    # means lie within 0.04 of the edges 1.21 and 0.81.
    noise = pd.DataFrame(np.random.default_rng(5).normal(size=(2000, 20)))
    res = parallel_analysis(noise, n_iter=40, seed=3)
    ratio = np.sqrt(20 / 2000)
    assert res.random_mean.iloc[0] == pytest.approx((1 + ratio) ** 2, abs=0.04)
    assert res.random_mean.iloc[-1] == pytest.approx((1 - ratio) ** 2, abs=0.04)
    assert res.random_mean.sum() == pytest.approx(20)  # trace of a correlation matrix
    again = parallel_analysis(noise, n_iter=40, seed=3)
    pd.testing.assert_series_equal(res.random_quantile, again.random_quantile)


# --- EFA ---------------------------------------------------------------------------------


def _aligned(mine: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Reference columns reordered and re-signed to match ours (factor order is arbitrary)."""
    corr = np.corrcoef(mine.T, ref.T)[: mine.shape[1], mine.shape[1] :]
    order = np.abs(corr).argmax(axis=1)
    assert sorted(order) == list(range(mine.shape[1]))
    return ref[:, order] * np.sign(corr[np.arange(mine.shape[1]), order])


@pytest.mark.parametrize(
    ("method", "rotation", "atol"),
    [
        ("minres", None, 1e-4),
        ("minres", "varimax", 1e-4),
        ("minres", "promax", 1e-4),
        ("minres", "oblimin", 1e-4),
        ("ml", None, 5e-4),
        ("principal", None, 1e-8),
    ],
)
def test_efa_loadings_match_factor_analyzer(
    satisfaction: pd.DataFrame,
    factor_analyzer: type,
    method: str,
    rotation: str | None,
    atol: float,
) -> None:
    # Exact SVD for "principal" (the default randomized one is approximate); with it
    # factor_analyzer 0.5.1 returns every component, so only the first three are compared.
    ref = factor_analyzer(n_factors=3, method=method, rotation=rotation, svd_method="lapack")
    ref.fit(satisfaction)
    res = efa(satisfaction, n_factors=3, method=method, rotation=rotation)  # type: ignore[arg-type]
    mine = res.loadings.to_numpy()
    expected = ref.loadings_[:, :3]
    np.testing.assert_allclose(mine, _aligned(mine, expected), atol=atol)
    if rotation is None:
        np.testing.assert_allclose(
            res.communalities.to_numpy(), np.sum(expected**2, axis=1), atol=atol
        )
        np.testing.assert_allclose(res.eigenvalues.to_numpy(), ref.get_eigenvalues()[0], atol=1e-10)


@pytest.mark.parametrize(
    ("name", "rotate"), [("varimax", varimax), ("promax", promax), ("oblimin", oblimin)]
)
def test_rotations_match_factor_analyzer_rotator(
    satisfaction: pd.DataFrame, name: str, rotate: object
) -> None:
    from factor_analyzer.rotator import Rotator

    unrotated = efa(satisfaction, n_factors=3, rotation=None).loadings.to_numpy()
    ref = Rotator(method=name)
    expected = ref.fit_transform(unrotated)
    got = rotate(unrotated)  # type: ignore[operator]
    np.testing.assert_allclose(got.loadings, expected, atol=1e-8)
    if ref.phi_ is not None:
        np.testing.assert_allclose(got.phi, ref.phi_, atol=1e-8)


@pytest.mark.parametrize("rotation", ["promax", "oblimin"])
def test_oblique_solution_reproduces_communalities(
    satisfaction: pd.DataFrame, rotation: str
) -> None:
    # Rotation leaves the common variance unchanged: diag(Λ Φ Λ') = h² for oblique factors.
    res = efa(satisfaction, n_factors=3, rotation=rotation)  # type: ignore[arg-type]
    assert res.factor_correlations is not None
    lam, phi = res.loadings.to_numpy(), res.factor_correlations.to_numpy()
    np.testing.assert_allclose(np.diag(lam @ phi @ lam.T), res.communalities.to_numpy(), atol=1e-10)
    assert np.allclose(np.diag(phi), 1.0)


def test_efa_chooses_factors_by_parallel_analysis_and_reports_kaiser(
    satisfaction: pd.DataFrame,
) -> None:
    res = efa(satisfaction)
    assert res.n_factors_rule == "parallel analysis"
    assert res.n_factors == res.n_factors_parallel == parallel_analysis(satisfaction).n_factors
    assert res.n_factors_kaiser == int((res.eigenvalues > 1).sum())
    assert res.variance.loc["cumulative"].iloc[-1] == pytest.approx(
        res.variance.loc["proportion"].sum()
    )


def test_efa_recovers_simulated_loadings() -> None:
    res = efa(_two_factor_data(n=2000, seed=4), n_factors=2, rotation="varimax")
    # True standardized loading 0.8 / sqrt(0.8² + 0.6²) = 0.8 on the item's own factor.
    primary = res.loadings.abs().max(axis=1)
    np.testing.assert_allclose(primary.to_numpy(), 0.8, atol=0.05)
    assert res.factor_correlations is None


# --- bad input ---------------------------------------------------------------------------


def test_singular_correlation_names_duplicated_items(satisfaction: pd.DataFrame) -> None:
    dup = satisfaction.assign(sat1_copy=satisfaction["sat1"])
    for fn in (kmo, bartlett_sphericity, efa):
        with pytest.raises(InvalidInput, match=r"singular.*sat1~sat1_copy"):
            fn(dup)  # type: ignore[operator]


def test_more_respondents_than_items_needed(satisfaction: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="too few respondents"):
        efa(satisfaction.head(20))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_factors": 27}, "n_factors must be between 1 and 26"),
        ({"n_factors": 0}, "n_factors"),
        ({"method": "pca"}, "method"),
        ({"rotation": "quartimax"}, "rotation"),
    ],
)
def test_efa_bad_options(
    satisfaction: pd.DataFrame, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        efa(satisfaction, **kwargs)  # type: ignore[arg-type]


def test_bad_input_messages(mtcars: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="give n"):
        bartlett_sphericity(mtcars.corr(), is_correlation=True)
    with pytest.raises(InvalidInput, match="square"):
        kmo(mtcars.head(3), is_correlation=True)
    with pytest.raises(InvalidInput, match="constant"):
        kmo(mtcars.assign(k=1.0))
    with pytest.raises(InvalidInput, match="not numeric"):
        kmo(mtcars.assign(name="x"))


def test_oblimin_is_statsmodels_rotate_factors(satisfaction: pd.DataFrame) -> None:
    # Reference: statsmodels 0.15 factor_rotation.rotate_factors(A, "oblimin", 0, "oblique"),
    # the Bernaards-Jennrich GPA that oblimin now calls (docs/decisions/0001-factor-rotation.md).
    from statsmodels.multivariate.factor_rotation import rotate_factors

    unrotated = efa(satisfaction, n_factors=3, rotation=None).loadings.to_numpy()
    lam, t = rotate_factors(unrotated, "oblimin", 0, "oblique", max_tries=1001)
    got = oblimin(unrotated)
    np.testing.assert_allclose(got.loadings, lam, atol=1e-12)
    np.testing.assert_allclose(got.phi, t.T @ t, atol=1e-12)
    assert got.converged
    # One update is not enough to meet the tolerance: reported, not hidden.
    assert not oblimin(unrotated, max_iter=0).converged
