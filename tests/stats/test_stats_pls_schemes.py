"""Standardised PLS, the factorial and path schemes and Mode B, pinned against the
Python ``plspm`` package 0.5.7 (a port of R plspm) on the bank-satisfaction data.

The peer was run in its own venv (benchmarks/.venv-plspm, pandas 2.3) on the data
standardised per column with the population SD and ``scaled=False``: that is R plspm's
``scaled = TRUE`` (Python plspm's own ``scaled=True`` divides every column by one global
SD instead). The values below were printed by plspm run that way, as the peer script in
benchmarks/stats/bench_pls.py does (which re-checks all 27 weights and loadings); the
Mode B case used ``Mode.B`` for IMAG and VAL with ``Scheme.PATH``.
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
TOL = 1e-6


@pytest.fixture(autouse=True)
def _reference_data() -> None:
    shared_file("stats/satisfaction.csv")


# Python plspm 0.5.7, scaled (per-column standardised) data, all Mode A.
PEER = {
    "centroid": {
        "gof": 0.606715344566378,
        "paths": {
            "IMAG -> EXPE": 0.5600030677956938,
            "IMAG -> SAT": 0.18333228222183423,
            "IMAG -> LOY": 0.2916267427251908,
            "EXPE -> QUAL": 0.845554989711609,
            "EXPE -> VAL": 0.11911368422494405,
            "EXPE -> SAT": 0.007202542168817126,
            "QUAL -> VAL": 0.6598264263049329,
            "QUAL -> SAT": 0.13887617068538194,
            "VAL -> SAT": 0.5821349769538061,
            "SAT -> LOY": 0.4696552127174701,
        },
        "weights": {
            "imag1": 0.206013320455785,
            "expe3": 0.2235532110344033,
            "qual5": 0.24644403352474706,
            "val2": 0.2856826427428479,
            "sat1": 0.31705025932917646,
            "loy4": 0.22310829896732037,
        },
        "loadings": {
            "imag4": 0.6349758197556598,
            "expe1": 0.7877141631091041,
            "qual2": 0.8697266085061731,
            "val3": 0.7577723519164783,
            "sat4": 0.8182751163629532,
            "loy2": 0.7246072360586137,
        },
    },
    "factorial": {
        "gof": 0.60668035449559,
        "paths": {
            "IMAG -> EXPE": 0.5596498005559916,
            "IMAG -> SAT": 0.1833113597430193,
            "IMAG -> LOY": 0.2914690897823402,
            "EXPE -> QUAL": 0.8455645387201709,
            "EXPE -> VAL": 0.11856518722164094,
            "EXPE -> SAT": 0.007223596921037013,
            "QUAL -> VAL": 0.6601047002101689,
            "QUAL -> SAT": 0.13923269217807105,
            "VAL -> SAT": 0.581906432013383,
            "SAT -> LOY": 0.4700274548091284,
        },
        "weights": {
            "imag1": 0.2058657407032086,
            "expe3": 0.2244027100825919,
            "qual5": 0.24656589385555053,
            "val2": 0.28696966922953776,
            "sat1": 0.3173493525745329,
            "loy4": 0.22211773890573708,
        },
        "loadings": {
            "imag4": 0.6350337594392111,
            "expe1": 0.7881064218235135,
            "qual2": 0.8696505802000024,
            "val3": 0.7579769038846292,
            "sat4": 0.8179637643125086,
            "loy2": 0.724093208180539,
        },
    },
    "path": {
        "gof": 0.6066497734345169,
        "paths": {
            "IMAG -> EXPE": 0.5596719186610339,
            "IMAG -> SAT": 0.18556036098278847,
            "IMAG -> LOY": 0.28916940667738256,
            "EXPE -> QUAL": 0.8455650575092375,
            "EXPE -> VAL": 0.11750874984859343,
            "EXPE -> SAT": 0.008486739947680642,
            "QUAL -> VAL": 0.6600858394705048,
            "QUAL -> SAT": 0.13760455639055216,
            "VAL -> SAT": 0.5800321268109246,
            "SAT -> LOY": 0.4737318709629317,
        },
        "weights": {
            "imag1": 0.20582279464232028,
            "expe3": 0.22435312636403487,
            "qual5": 0.2465697043816651,
            "val2": 0.29353021620179753,
            "sat1": 0.3217818286087823,
            "loy4": 0.21805171056714218,
        },
        "loadings": {
            "imag4": 0.6348636929795004,
            "expe1": 0.7881220270591259,
            "qual2": 0.8696565486501416,
            "val3": 0.7593250342437479,
            "sat4": 0.8216221010113747,
            "loy2": 0.7219509531437156,
        },
    },
}


@pytest.fixture(scope="module")
def satisfaction() -> pd.DataFrame:
    return pd.read_csv(DATA / "satisfaction.csv")


@pytest.fixture(scope="module")
def blocks(satisfaction: pd.DataFrame) -> dict[str, list[str]]:
    return blocks_from_prefixes(satisfaction.columns, SATISFACTION_PREFIXES)


@pytest.mark.parametrize("scheme", ["centroid", "factorial", "path"])
def test_scaled_schemes_match_python_plspm(
    satisfaction: pd.DataFrame, blocks: dict[str, list[str]], scheme: str
) -> None:
    result = pls_path_model(satisfaction, blocks, PATHS, scheme=scheme, scaled=True)
    peer = PEER[scheme]
    assert result.gof == pytest.approx(peer["gof"], abs=TOL)
    for label, value in peer["paths"].items():
        assert result.effects.loc[label, "direct"] == pytest.approx(value, abs=TOL), label
    for name, value in peer["weights"].items():
        assert result.outer_weights[name] == pytest.approx(value, abs=TOL), name
    for name, value in peer["loadings"].items():
        assert result.loadings[name] == pytest.approx(value, abs=TOL), name


def test_mode_b_blocks_match_python_plspm(
    satisfaction: pd.DataFrame, blocks: dict[str, list[str]]
) -> None:
    # Python plspm 0.5.7, IMAG and VAL formative (Mode B), path scheme, standardised data.
    result = pls_path_model(
        satisfaction, blocks, PATHS, modes={"IMAG": "B", "VAL": "B"}, scheme="path", scaled=True
    )
    assert result.gof == pytest.approx(0.6081532826111534, abs=TOL)
    expected_w = {
        "imag1": -0.016215958291384076,
        "imag2": 0.23297180934901987,
        "imag3": 0.44476187970544867,
        "imag4": 0.08515064576099414,
        "imag5": 0.47168128173781615,
        "val1": 0.49773852987733364,
        "val4": 0.3823010438076279,
        "sat1": 0.3216917450019836,
    }
    for name, value in expected_w.items():
        assert result.outer_weights[name] == pytest.approx(value, abs=TOL), name
    assert result.path_coefficients.loc["SAT", "VAL"] == pytest.approx(0.6002288476865272, abs=TOL)
    assert result.path_coefficients.loc["LOY", "SAT"] == pytest.approx(0.47666374484851876, abs=TOL)
    assert result.r_squared["SAT"] == pytest.approx(0.7126579865104383, abs=TOL)
    # Reliability of a formative block is not defined.
    assert np.isnan(result.cronbach_alpha["IMAG"])
    assert np.isnan(result.ave["VAL"])
    assert "IMAG" not in result.composite_reliability.index


def test_mode_b_weights_are_the_regression_of_the_inner_estimate(
    satisfaction: pd.DataFrame, blocks: dict[str, list[str]]
) -> None:
    # Fixed point of the algorithm (Wold): at convergence the Mode B weights are the
    # OLS coefficients of the centroid inner estimate of IMAG on its standardised block.
    result = pls_path_model(satisfaction, blocks, PATHS, modes={"IMAG": "B"}, scaled=True)
    x = satisfaction[blocks["IMAG"]]
    x = (x - x.mean()) / x.std(ddof=0)
    y = result.scores
    neighbours = ["EXPE", "SAT", "LOY"]
    signs = np.sign([np.corrcoef(y["IMAG"], y[n])[0, 1] for n in neighbours])
    z = y[neighbours].to_numpy() @ signs
    coef, *_ = np.linalg.lstsq(x.to_numpy(), z, rcond=None)
    w = result.outer_weights[blocks["IMAG"]].to_numpy()
    np.testing.assert_allclose(w / np.linalg.norm(w), coef / np.linalg.norm(coef), atol=1e-3)


def test_standardised_paths_do_not_depend_on_indicator_units(
    satisfaction: pd.DataFrame, blocks: dict[str, list[str]]
) -> None:
    # With scaled=True, re-expressing answers in other units (x*7 + 3) changes nothing
    # but the unstandardised index weights' arithmetic.
    changed = satisfaction.copy()
    changed[blocks["SAT"]] = changed[blocks["SAT"]] * 7 + 3
    a = pls_path_model(satisfaction, blocks, PATHS, scaled=True)
    b = pls_path_model(changed, blocks, PATHS, scaled=True)
    np.testing.assert_allclose(a.path_coefficients, b.path_coefficients, atol=1e-12)
    np.testing.assert_allclose(a.outer_weights, b.outer_weights, atol=1e-12)
    np.testing.assert_allclose(a.index_weights, b.index_weights, atol=1e-12)


def test_schemes_agree_closely_on_a_well_measured_model(
    satisfaction: pd.DataFrame, blocks: dict[str, list[str]]
) -> None:
    # Noonan & Wold (1982): the inner scheme hardly matters for the estimates; a large
    # gap would point at a scheme implemented wrongly.
    fits = {
        s: pls_path_model(satisfaction, blocks, PATHS, scheme=s)
        for s in ["centroid", "factorial", "path"]
    }
    base = fits["centroid"].path_coefficients.to_numpy()
    for scheme in ["factorial", "path"]:
        diff = np.abs(fits[scheme].path_coefficients.to_numpy() - base).max()
        assert 0 < diff < 0.01, scheme
