"""Bootstrap of the PLS path model: percentile intervals over re-estimated resamples.

Checked against a re-implementation in the test of what R plspm's ``boot.val`` does
(resample rows, re-run the whole model, take quantiles), using the same random draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from manyi.stats.index_models import ECSI_MODEL, blocks_from_prefixes
from manyi.stats.pls import pls_path_model
from shared_data import ROOT as SHARED_ROOT
from shared_data import SATISFACTION_PREFIXES, shared_file

DATA = SHARED_ROOT / "stats"
PATHS = ECSI_MODEL.without("COMP").paths


@pytest.fixture(autouse=True)
def _reference_data() -> None:
    shared_file("stats/satisfaction.csv")


@pytest.fixture(scope="module")
def satisfaction() -> pd.DataFrame:
    return pd.read_csv(DATA / "satisfaction.csv")


def test_bootstrap_equals_refitting_the_same_resamples(satisfaction: pd.DataFrame) -> None:
    blocks = blocks_from_prefixes(satisfaction.columns, SATISFACTION_PREFIXES)
    n_boot, seed = 12, 7
    result = pls_path_model(satisfaction, blocks, PATHS, scaled=False, bootstrap=n_boot, seed=seed)
    boot = result.bootstrap
    assert boot is not None
    assert boot.n_resamples == n_boot
    assert boot.n_failed == 0

    rng = np.random.default_rng(seed)
    paths, loadings, weights = [], [], []
    for _ in range(n_boot):
        rows = rng.integers(0, len(satisfaction), size=len(satisfaction))
        refit = pls_path_model(
            satisfaction.iloc[rows].reset_index(drop=True), blocks, PATHS, scaled=False
        )
        paths.append(refit.inner_model["estimate"].reindex(boot.paths.index).to_numpy())
        loadings.append(refit.loadings.to_numpy())
        weights.append(refit.outer_weights.to_numpy())
    for table, draws in [(boot.paths, paths), (boot.loadings, loadings), (boot.weights, weights)]:
        arr = np.array(draws)
        np.testing.assert_allclose(table["mean"], arr.mean(axis=0), atol=1e-12)
        np.testing.assert_allclose(table["std_error"], arr.std(axis=0, ddof=1), atol=1e-12)
        np.testing.assert_allclose(table["lower"], np.quantile(arr, 0.025, axis=0), atol=1e-12)
        np.testing.assert_allclose(table["upper"], np.quantile(arr, 0.975, axis=0), atol=1e-12)
    # The "original" column is the full-data estimate (R plspm: VAL -> SAT 0.589330650016017).
    assert boot.paths.loc["VAL -> SAT", "original"] == pytest.approx(0.589330650016017, abs=1e-9)
    np.testing.assert_allclose(boot.loadings["original"], result.loadings, atol=1e-12)


def test_bootstrap_is_reproducible_and_covers_the_estimate(satisfaction: pd.DataFrame) -> None:
    blocks = blocks_from_prefixes(satisfaction.columns, SATISFACTION_PREFIXES)
    a = pls_path_model(satisfaction, blocks, PATHS, bootstrap=60, seed=3, confidence=0.9)
    b = pls_path_model(satisfaction, blocks, PATHS, bootstrap=60, seed=3, confidence=0.9)
    c = pls_path_model(satisfaction, blocks, PATHS, bootstrap=60, seed=4, confidence=0.9)
    assert a.bootstrap is not None
    assert b.bootstrap is not None
    assert c.bootstrap is not None
    pd.testing.assert_frame_equal(a.bootstrap.paths, b.bootstrap.paths)
    assert not a.bootstrap.paths.equals(c.bootstrap.paths)
    assert a.bootstrap.confidence == 0.9
    strong = a.bootstrap.paths.loc[["IMAG -> EXPE", "EXPE -> QUAL", "VAL -> SAT", "SAT -> LOY"]]
    assert (strong["lower"] > 0).all()  # clearly non-zero paths stay so
    assert (strong["lower"] <= strong["original"]).all()
    assert (strong["original"] <= strong["upper"]).all()
    assert list(a.bootstrap.r_squared.index) == ["EXPE", "QUAL", "VAL", "SAT", "LOY"]
    assert "IMAG -> LOY" in a.bootstrap.total_effects.index
