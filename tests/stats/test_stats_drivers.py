"""Key-driver statistics pinned against R (rwa, relaimpo), statsmodels, pingouin and scipy.

- relative_weights: R package rwa, mtcars, mpg ~ cyl + disp + hp + gear → R² 0.7791896,
  raw weights cyl 0.2284797, disp 0.2221469, hp 0.2321744, gear 0.0963886.
- shapley_r2: R relaimpo 2.2 ``calc.relimp(mpg ~ am + vs + cyl, data = mtcars, type = "lmg")``
  → am 0.1774892, vs 0.2027032, cyl 0.3817849, R² 0.7619773 (as printed in the README of the
  R package domir, which reproduces it with ``domir``), and a naive refit-every-subset
  implementation with statsmodels OLS.
- standardized_betas: statsmodels 0.15 OLS on z-scores.
- correlations: pingouin 0.7 ``compute_esci`` (Fisher z) and scipy.stats p-values.
"""

from __future__ import annotations

import doctest
import importlib
import io
from itertools import combinations
from math import factorial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from pingouin import compute_esci
from scipy import stats

from manyi.errors import InvalidInput
from manyi.stats.drivers import correlations, relative_weights, shapley_r2, standardized_betas
from shared_data import shared_file

# R's datasets::mtcars (Henderson & Velleman 1981), the columns these tests use.
MTCARS_CSV = """
mpg,cyl,disp,hp,drat,wt,gear,am,vs
21.0,6,160.0,110,3.9,2.62,4,1,0
21.0,6,160.0,110,3.9,2.875,4,1,0
22.8,4,108.0,93,3.85,2.32,4,1,1
21.4,6,258.0,110,3.08,3.215,3,0,1
18.7,8,360.0,175,3.15,3.44,3,0,0
18.1,6,225.0,105,2.76,3.46,3,0,1
14.3,8,360.0,245,3.21,3.57,3,0,0
24.4,4,146.7,62,3.69,3.19,4,0,1
22.8,4,140.8,95,3.92,3.15,4,0,1
19.2,6,167.6,123,3.92,3.44,4,0,1
17.8,6,167.6,123,3.92,3.44,4,0,1
16.4,8,275.8,180,3.07,4.07,3,0,0
17.3,8,275.8,180,3.07,3.73,3,0,0
15.2,8,275.8,180,3.07,3.78,3,0,0
10.4,8,472.0,205,2.93,5.25,3,0,0
10.4,8,460.0,215,3.0,5.424,3,0,0
14.7,8,440.0,230,3.23,5.345,3,0,0
32.4,4,78.7,66,4.08,2.2,4,1,1
30.4,4,75.7,52,4.93,1.615,4,1,1
33.9,4,71.1,65,4.22,1.835,4,1,1
21.5,4,120.1,97,3.7,2.465,3,0,1
15.5,8,318.0,150,2.76,3.52,3,0,0
15.2,8,304.0,150,3.15,3.435,3,0,0
13.3,8,350.0,245,3.73,3.84,3,0,0
19.2,8,400.0,175,3.08,3.845,3,0,0
27.3,4,79.0,66,4.08,1.935,4,1,1
26.0,4,120.3,91,4.43,2.14,5,1,0
30.4,4,95.1,113,3.77,1.513,5,1,1
15.8,8,351.0,264,4.22,3.17,5,1,0
19.7,6,145.0,175,3.62,2.77,5,1,0
15.0,8,301.0,335,3.54,3.57,5,1,0
21.4,4,121.0,109,4.11,2.78,4,1,1
"""


@pytest.fixture(scope="module")
def mtcars() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(MTCARS_CSV))


def test_inline_mtcars_matches_shared_copy(mtcars: pd.DataFrame) -> None:
    shared = shared_file("stats/mtcars.csv")
    shared = pd.read_csv(shared, index_col=0).reset_index(drop=True)
    pd.testing.assert_frame_equal(shared[mtcars.columns].astype(float), mtcars.astype(float))


def test_relative_weights_match_r_rwa(mtcars: pd.DataFrame) -> None:
    result = relative_weights(mtcars, "mpg", ["cyl", "disp", "hp", "gear"])
    assert result.r2 == pytest.approx(0.7791896, abs=1e-6)
    expected = {"cyl": 0.2284797, "disp": 0.2221469, "hp": 0.2321744, "gear": 0.0963886}
    for name, value in expected.items():
        assert result.table.loc[name, "raw"] == pytest.approx(value, abs=1e-6)
    assert result.table["rescaled"].sum() == pytest.approx(100.0)
    assert result.table["rank"].tolist() == [2, 3, 1, 4]
    assert result.n == 32
    assert result.n_boot == 0
    assert result.table["ci_low"].isna().all()


def test_shapley_matches_r_relaimpo_lmg(mtcars: pd.DataFrame) -> None:
    result = shapley_r2(mtcars, "mpg", ["am", "vs", "cyl"])
    assert result.r2 == pytest.approx(0.7619773, abs=1e-6)
    expected = {"am": 0.1774892, "vs": 0.2027032, "cyl": 0.3817849}
    for name, value in expected.items():
        assert result.table.loc[name, "raw"] == pytest.approx(value, abs=1e-6)


def _naive_lmg(data: pd.DataFrame, target: str, predictors: list[str]) -> dict[str, float]:
    def r2(cols: tuple[str, ...]) -> float:
        if not cols:
            return 0.0
        return float(sm.OLS(data[target], sm.add_constant(data[list(cols)])).fit().rsquared)

    p = len(predictors)
    cache = {s: r2(s) for k in range(p + 1) for s in combinations(predictors, k)}
    out = {}
    for j in predictors:
        others = [x for x in predictors if x != j]
        total = 0.0
        for k in range(p):
            for s in combinations(others, k):
                with_j = tuple(x for x in predictors if x in (*s, j))
                total += (
                    factorial(k) * factorial(p - k - 1) / factorial(p) * (cache[with_j] - cache[s])
                )
        out[j] = total
    return out


def test_shapley_matches_naive_subset_refits(mtcars: pd.DataFrame) -> None:
    predictors = ["cyl", "disp", "hp", "drat", "wt", "gear"]
    result = shapley_r2(mtcars, "mpg", predictors)
    naive = _naive_lmg(mtcars, "mpg", predictors)
    for name in predictors:
        assert result.table.loc[name, "raw"] == pytest.approx(naive[name], abs=1e-10)
    full = sm.OLS(mtcars["mpg"], sm.add_constant(mtcars[predictors])).fit().rsquared
    assert result.r2 == pytest.approx(full, abs=1e-12)


def test_standardized_betas_match_statsmodels(mtcars: pd.DataFrame) -> None:
    predictors = ["cyl", "disp", "hp", "wt"]
    result = standardized_betas(mtcars, "mpg", predictors)
    cols = [*predictors, "mpg"]
    z = (mtcars[cols] - mtcars[cols].mean()) / mtcars[cols].std()
    fit = sm.OLS(z["mpg"], sm.add_constant(z[predictors])).fit()
    np.testing.assert_allclose(result.table["beta"], fit.params[predictors], rtol=1e-10)
    np.testing.assert_allclose(result.table["se"], fit.bse[predictors], rtol=1e-10)
    np.testing.assert_allclose(result.table["p"], fit.pvalues[predictors], rtol=1e-8)
    ci = fit.conf_int().loc[predictors]
    np.testing.assert_allclose(result.table["ci_low"], ci[0], rtol=1e-10)
    np.testing.assert_allclose(result.table["ci_high"], ci[1], rtol=1e-10)
    assert result.r2 == pytest.approx(fit.rsquared)
    assert result.adj_r2 == pytest.approx(fit.rsquared_adj)
    raw = sm.OLS(mtcars["mpg"], sm.add_constant(mtcars[predictors])).fit().params[predictors]
    np.testing.assert_allclose(
        result.table["beta"], raw * mtcars[predictors].std() / mtcars["mpg"].std(), rtol=1e-10
    )


def test_pearson_correlations_match_pingouin(mtcars: pd.DataFrame) -> None:
    table = correlations(mtcars, "mpg", predictors=["hp", "wt", "drat"])
    for name in ["hp", "wt", "drat"]:
        r, p = stats.pearsonr(mtcars[name], mtcars["mpg"])
        low, high = compute_esci(stat=r, nx=32, ny=32, eftype="r", decimals=12)
        row = table.loc[name]
        assert row["r"] == pytest.approx(r, abs=1e-12)
        assert row["p"] == pytest.approx(p, rel=1e-10)
        assert row["ci_low"] == pytest.approx(low, abs=1e-10)
        assert row["ci_high"] == pytest.approx(high, abs=1e-10)
        assert row["n"] == 32


def test_spearman_uses_bonett_wright_interval(mtcars: pd.DataFrame) -> None:
    row = correlations(mtcars, "mpg", "spearman", predictors=["hp"]).loc["hp"]
    rho, p = stats.spearmanr(mtcars["hp"], mtcars["mpg"])
    assert row["r"] == pytest.approx(rho)
    assert row["p"] == pytest.approx(p)
    se = np.sqrt((1 + rho**2 / 2) / 29)
    assert row["ci_low"] == pytest.approx(np.tanh(np.arctanh(rho) - 1.959963984540054 * se))
    assert row["ci_high"] == pytest.approx(np.tanh(np.arctanh(rho) + 1.959963984540054 * se))


def test_correlations_drop_missing_pairwise(mtcars: pd.DataFrame) -> None:
    data = mtcars.copy()
    data.loc[0, "hp"] = np.nan
    table = correlations(data, "mpg", predictors=["hp", "wt"])
    assert table.loc["hp", "n"] == 31
    assert table.loc["wt", "n"] == 32


def test_bootstrap_is_reproducible_and_brackets_the_estimate(mtcars: pd.DataFrame) -> None:
    predictors = ["cyl", "disp", "hp", "gear"]
    first = relative_weights(mtcars, "mpg", predictors, bootstrap=200, seed=3)
    again = relative_weights(mtcars, "mpg", predictors, bootstrap=200, seed=3)
    pd.testing.assert_frame_equal(first.table, again.table)
    assert first.n_boot == 200
    assert (first.table["ci_low"] <= first.table["raw"]).all()
    assert (first.table["raw"] <= first.table["ci_high"]).all()
    shap = shapley_r2(mtcars, "mpg", predictors, bootstrap=100, seed=3)
    assert shap.n_boot == 100
    assert (shap.table["ci_low"] < shap.table["ci_high"]).all()


def test_fifteen_predictors_fast_and_sum_to_r2() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 15)) + rng.normal(size=(300, 1))
    data = pd.DataFrame(x, columns=[f"x{i}" for i in range(15)])
    data["y"] = x @ np.linspace(0.1, 1.5, 15) + rng.normal(size=300) * 3
    result = shapley_r2(data, "y")
    full = sm.OLS(data["y"], sm.add_constant(data.drop(columns="y"))).fit().rsquared
    assert result.table["raw"].sum() == pytest.approx(full, abs=1e-10)
    assert relative_weights(data, "y").table["raw"].sum() == pytest.approx(full, abs=1e-10)


def test_singular_predictors_are_refused(mtcars: pd.DataFrame) -> None:
    data = mtcars.assign(total=mtcars["cyl"] + mtcars["gear"])
    for func in (relative_weights, shapley_r2, standardized_betas):
        with pytest.raises(InvalidInput, match=r"collinear.*cyl.*gear.*total"):
            func(data, "mpg", ["cyl", "gear", "total"])


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"target": "mpg", "predictors": ["cyl", "nope"]}, "unknown column"),
        ({"target": "nope", "predictors": ["cyl"]}, "unknown column"),
        ({"target": "mpg", "predictors": ["mpg", "cyl"]}, "cannot also be a predictor"),
        ({"target": "mpg", "predictors": ["cyl", "const"]}, "constant"),
        ({"target": "mpg", "predictors": ["cyl"], "bootstrap": -1}, "bootstrap"),
    ],
)
def test_bad_input(mtcars: pd.DataFrame, kwargs: dict[str, object], needle: str) -> None:
    data = mtcars.assign(const=1.0)
    with pytest.raises(InvalidInput, match=needle):
        relative_weights(data, **kwargs)  # type: ignore[arg-type]


def test_too_few_respondents_and_too_many_predictors(mtcars: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="too few respondents"):
        shapley_r2(mtcars.head(4), "mpg", ["cyl", "disp", "hp"])
    wide = pd.DataFrame(
        np.random.default_rng(1).normal(size=(40, 17)), columns=[f"x{i}" for i in range(17)]
    )
    with pytest.raises(InvalidInput, match="limited to 15"):
        shapley_r2(wide, "x16")
    with pytest.raises(InvalidInput, match="too few respondents"):
        correlations(mtcars.head(3), "mpg", predictors=["hp"])
    with pytest.raises(InvalidInput, match="method"):
        correlations(mtcars, "mpg", "kendall")  # type: ignore[arg-type]


def test_docstring_examples_run() -> None:
    result = doctest.testmod(
        importlib.import_module("manyi.stats.drivers"), optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0
    assert result.failed == 0


def test_documentation_examples_run() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "metrics" / "drivers.md"
    result = doctest.testfile(
        str(doc), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0
    assert result.failed == 0
