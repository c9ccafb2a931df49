"""PLS path model pinned against R plspm 0.4.x on its bank-satisfaction (ECSI) example.

Reference: R ``plspm(satisfaction, path, blocks, modes = rep("A", 6), scaled = FALSE)``,
centroid scheme; the output tables are in ../shared/data/stats/satisfaction_R_plspm_output/.
Every figure R prints is compared to 1e-6 (agreement is in fact ~1e-14).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from manyi.stats.index_models import ECSI_MODEL, blocks_from_prefixes
from manyi.stats.pls import PLSResult, pls_path_model
from shared_data import ROOT as SHARED_ROOT
from shared_data import SATISFACTION_PREFIXES, shared_file

DATA = SHARED_ROOT / "stats"
R_OUT = DATA / "satisfaction_R_plspm_output"
TOL = 1e-6


@pytest.fixture(autouse=True)
def _reference_data() -> None:
    shared_file("stats/satisfaction.csv")


@pytest.fixture(scope="module")
def satisfaction() -> pd.DataFrame:
    return pd.read_csv(DATA / "satisfaction.csv")


@pytest.fixture(scope="module")
def fitted(satisfaction: pd.DataFrame) -> PLSResult:
    blocks = blocks_from_prefixes(satisfaction.columns, SATISFACTION_PREFIXES)
    return pls_path_model(
        satisfaction, blocks, ECSI_MODEL.without("COMP").paths, scaled=False, scale=(0, 10)
    )


def read_r(name: str) -> pd.DataFrame:
    return pd.read_csv(R_OUT / name, index_col=0)


def test_gof_matches_r_plspm(fitted: PLSResult) -> None:
    # R plspm: GoF 0.609741624338411
    assert fitted.gof == pytest.approx(0.609741624338411, abs=TOL)
    assert fitted.converged
    assert fitted.n_obs == 250
    assert fitted.n_dropped == 0


@pytest.mark.parametrize("column", ["weight", "loading", "communality", "redundancy"])
def test_outer_model_matches_r_plspm(fitted: PLSResult, column: str) -> None:
    expected = read_r("satisfaction.outer-model.csv")
    assert list(fitted.outer_model.index) == list(expected.index)
    assert list(fitted.outer_model["block"]) == list(expected["block"])
    np.testing.assert_allclose(fitted.outer_model[column], expected[column], atol=TOL)


@pytest.mark.parametrize("column", ["r_squared", "block_communality", "mean_redundancy", "ave"])
def test_inner_summary_matches_r_plspm(fitted: PLSResult, column: str) -> None:
    expected = read_r("satisfaction.inner-summary.csv")
    assert list(fitted.inner_summary["type"]) == list(expected["type"])
    np.testing.assert_allclose(fitted.inner_summary[column], expected[column], atol=TOL)


def test_r_squared_and_ave_accessors(fitted: PLSResult) -> None:
    expected = read_r("satisfaction.inner-summary.csv")
    # R plspm: R² SAT 0.707320949544597, QUAL 0.719688235228933; AVE LOY 0.639051735398058
    assert fitted.r_squared["SAT"] == pytest.approx(0.707320949544597, abs=TOL)
    assert fitted.r_squared["QUAL"] == pytest.approx(0.719688235228933, abs=TOL)
    assert "IMAG" not in fitted.r_squared.index  # exogenous
    np.testing.assert_allclose(fitted.ave, expected["ave"], atol=TOL)
    np.testing.assert_allclose(
        fitted.outer_weights, read_r("satisfaction.outer-model.csv")["weight"], atol=TOL
    )


@pytest.mark.parametrize("column", ["direct", "indirect", "total"])
def test_effects_match_r_plspm(fitted: PLSResult, column: str) -> None:
    expected = read_r("satisfaction.effects.csv")
    assert list(fitted.effects.index) == list(expected.index)
    np.testing.assert_allclose(fitted.effects[column], expected[column], atol=TOL)


def test_path_coefficients_match_r_plspm(fitted: PLSResult) -> None:
    expected = read_r("satisfaction.effects.csv")
    for label, row in expected.iterrows():
        assert fitted.path_coefficients.loc[row["to"], row["from"]] == pytest.approx(
            row["direct"], abs=TOL
        ), label
    # R plspm: VAL -> SAT 0.589330650016017, SAT -> LOY 0.495479322090817
    assert fitted.path_coefficients.loc["SAT", "VAL"] == pytest.approx(0.589330650016017, abs=TOL)
    assert fitted.path_coefficients.loc["LOY", "SAT"] == pytest.approx(0.495479322090817, abs=TOL)


def test_inner_regression_of_sat_matches_r_plspm(fitted: PLSResult) -> None:
    expected = read_r("satisfaction.inner-model.csv")  # the SAT equation
    sat = fitted.inner_model[fitted.inner_model["to"] == "SAT"].set_index("from")
    np.testing.assert_allclose(sat["estimate"], expected["Estimate"], atol=TOL)
    np.testing.assert_allclose(sat["std_error"], expected["Std. Error"], atol=TOL)
    np.testing.assert_allclose(sat["t"], expected["t value"], atol=TOL)
    np.testing.assert_allclose(sat["p_value"], expected["Pr(>|t|)"], rtol=1e-6)


@pytest.mark.parametrize("column", ["cronbach_alpha", "dillon_goldstein_rho", "eig_1st", "eig_2nd"])
def test_unidimensionality_matches_r_plspm(fitted: PLSResult, column: str) -> None:
    expected = read_r("satisfaction_unidim.csv")
    np.testing.assert_allclose(fitted.unidimensionality[column], expected[column], atol=TOL)
    assert list(fitted.unidimensionality["mvs"]) == list(expected["mvs"])


def test_cronbach_alpha_accessor(fitted: PLSResult) -> None:
    # R plspm: standardised alpha of SAT 0.894010912676559, DG rho 0.926700636965068
    assert fitted.cronbach_alpha["SAT"] == pytest.approx(0.894010912676559, abs=TOL)
    assert fitted.dillon_goldstein_rho["SAT"] == pytest.approx(0.926700636965068, abs=TOL)


def test_composite_reliability_from_r_loadings(fitted: PLSResult) -> None:
    # rho_c (Werts, Linn & Jöreskog 1974) evaluated on R plspm's published loadings.
    outer = read_r("satisfaction.outer-model.csv")
    for latent, block in outer.groupby("block"):
        s = block["loading"].sum()
        expected = s**2 / (s**2 + (1 - block["loading"] ** 2).sum())
        assert fitted.composite_reliability[latent] == pytest.approx(expected, abs=TOL)


def test_acsi_index_from_r_weights(fitted: PLSResult, satisfaction: pd.DataFrame) -> None:
    # Fornell et al. (1996): rescale the unstandardised weights to sum 1, apply them to
    # the raw 0-10 answers, map to 0-100. Computed here from R plspm's published weights.
    outer = read_r("satisfaction.outer-model.csv")
    for latent, block in outer.groupby("block"):
        w = block["weight"] / block["weight"].sum()
        expected = (satisfaction[list(block.index)] @ w).mean() / 10 * 100
        assert fitted.indices[latent] == pytest.approx(expected, abs=TOL)
        assert fitted.index_weights[list(block.index)].sum() == pytest.approx(1.0)
    assert fitted.index_scale == (0.0, 10.0)
    assert fitted.index_scores.shape == (250, 6)
    assert fitted.index_scores.to_numpy().min() >= 0
    assert fitted.index_scores.to_numpy().max() <= 100


def test_path_coefficients_equal_statsmodels_ols_on_scores(fitted: PLSResult) -> None:
    # statsmodels OLS on the returned latent scores must reproduce path coefficients and R².
    scores = fitted.scores
    design = sm.add_constant(scores[["IMAG", "EXPE", "QUAL", "VAL"]])
    ols = sm.OLS(scores["SAT"], design).fit()
    for source in ["IMAG", "EXPE", "QUAL", "VAL"]:
        assert fitted.path_coefficients.loc["SAT", source] == pytest.approx(
            ols.params[source], abs=1e-10
        )
    assert fitted.r_squared["SAT"] == pytest.approx(ols.rsquared, abs=1e-10)
    assert fitted.r_squared_adj["SAT"] == pytest.approx(ols.rsquared_adj, abs=1e-10)


def test_scores_are_standardised_and_cross_loadings_consistent(fitted: PLSResult) -> None:
    np.testing.assert_allclose(fitted.scores.mean(), 0, atol=1e-12)
    np.testing.assert_allclose(fitted.scores.std(ddof=0), 1, atol=1e-12)
    for indicator, row in fitted.outer_model.iterrows():
        assert fitted.cross_loadings.loc[indicator, row["block"]] == pytest.approx(row["loading"])


def test_total_effect_is_direct_plus_indirect(fitted: PLSResult) -> None:
    e = fitted.effects
    np.testing.assert_allclose(e["total"], e["direct"] + e["indirect"], atol=1e-12)


def test_missing_rows_are_dropped_and_counted(satisfaction: pd.DataFrame) -> None:
    data = satisfaction.copy()
    data.loc[[3, 7], "sat2"] = np.nan
    blocks = blocks_from_prefixes(data.columns, SATISFACTION_PREFIXES)
    result = pls_path_model(data, blocks, ECSI_MODEL.without("COMP").paths, scaled=False)
    assert result.n_obs == 248
    assert result.n_dropped == 2
    expected = pls_path_model(
        satisfaction.drop(index=[3, 7]), blocks, ECSI_MODEL.without("COMP").paths, scaled=False
    )
    np.testing.assert_allclose(result.outer_weights, expected.outer_weights, atol=1e-12)
