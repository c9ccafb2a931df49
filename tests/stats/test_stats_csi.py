"""CSI: a weighted 0–100 index, checked by hand and against an independent computation.

The index is GB/T 19038-2009's weighted indicator index, CSI = Σ_i g_i · 100(x̄_i − L)/(H − L)
with g_i the product of local weights down the hierarchy; the test recomputes it with plain
NumPy from that formula and pins a small case worked by hand.
"""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pandas as pd
import pytest

from manyi.errors import InvalidInput
from manyi.stats.csi import csi

HIERARCHY = {"CSI": ["service", "value"], "service": ["speed", "courtesy"], "value": ["price"]}
WEIGHTS = {"service": 0.6, "value": 0.4, "speed": 0.7, "courtesy": 0.3, "price": 1.0}


@pytest.fixture
def answers() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        rng.integers(1, 6, size=(40, 3)), columns=["speed", "courtesy", "price"]
    ).astype(float)
    frame.iloc[3, 0] = np.nan
    return frame


def test_small_case_by_hand() -> None:
    data = pd.DataFrame({"speed": [5, 4], "courtesy": [4, 4], "price": [3, 2]})
    result = csi(data, HIERARCHY, WEIGHTS, scale=(1, 5))
    # speed 4.5 → 87.5, courtesy 4 → 75, price 2.5 → 37.5
    assert result.scores["speed"] == pytest.approx(87.5)
    assert result.scores["service"] == pytest.approx(0.7 * 87.5 + 0.3 * 75)  # 83.75
    assert result.index == pytest.approx(0.6 * 83.75 + 0.4 * 37.5)  # 65.25
    assert result.root == "CSI"


def test_matches_independent_global_weight_formula(answers: pd.DataFrame) -> None:
    result = csi(answers, HIERARCHY, WEIGHTS, scale=(1, 5))
    g = {"speed": 0.6 * 0.7, "courtesy": 0.6 * 0.3, "price": 0.4}
    means = answers.mean()
    expected = sum(g[c] * 100 * (means[c] - 1) / 4 for c in g)
    assert result.index == pytest.approx(expected, rel=1e-12)
    table = result.table.set_index("node")
    assert table.loc["speed", "global_weight"] == pytest.approx(0.42)
    assert table.loc["speed", "n"] == 39
    assert table.loc["CSI", "level"] == 0


def test_several_top_nodes_get_an_implicit_root_and_equal_default_weights(
    answers: pd.DataFrame,
) -> None:
    result = csi(
        answers, {"service": ["speed", "courtesy"], "value": ["price"]}, None, scale=(1, 5)
    )
    s = {c: 100 * (answers[c].mean() - 1) / 4 for c in answers.columns}
    assert result.index == pytest.approx(
        0.5 * (0.5 * s["speed"] + 0.5 * s["courtesy"]) + 0.5 * s["price"]
    )
    assert result.root == "CSI"


def test_flat_index_on_a_ten_point_scale() -> None:
    data = pd.DataFrame({"a": [0, 10], "b": [10, 10]})
    result = csi(data, None, {"a": 0.25, "b": 0.75}, scale=(0, 10))
    assert result.index == pytest.approx(0.25 * 50 + 0.75 * 100)
    assert csi(data, None, None, scale=(0, 10)).index == pytest.approx(75.0)


@pytest.mark.parametrize(
    ("hierarchy", "weights", "needle"),
    [
        (HIERARCHY, {**WEIGHTS, "speed": 0.5}, "sum to 0.8"),
        (HIERARCHY, {"service": 0.6}, "no weight for value"),
        (HIERARCHY, {**WEIGHTS, "ghost": 1.0}, "not in the hierarchy"),
        ({"CSI": ["speed", "speed"]}, None, "appears twice"),
        ({"a": ["b"], "b": ["a"]}, None, "cycle"),
        ({"CSI": ["speed", "unknown"]}, None, "unknown column"),
        ({}, None, "empty"),
    ],
)
def test_bad_hierarchies(
    hierarchy: dict[str, list[str]], weights: dict[str, float] | None, needle: str
) -> None:
    data = pd.DataFrame({"speed": [5, 4], "courtesy": [4, 4], "price": [3, 2]})
    with pytest.raises(InvalidInput, match=needle):
        csi(data, hierarchy, weights)


def test_bad_ratings_and_scale() -> None:
    data = pd.DataFrame({"speed": [5, 7], "courtesy": [4, 4], "price": [3, np.nan]})
    with pytest.raises(InvalidInput, match="outside the scale"):
        csi(data, None, None, scale=(1, 5))
    with pytest.raises(InvalidInput, match="scale must be"):
        csi(data, None, None, scale=(5, 1))
    empty = pd.DataFrame({"speed": [np.nan, np.nan]})
    with pytest.raises(InvalidInput, match="no answers"):
        csi(empty, None, None)


def test_docstring_examples_run() -> None:
    result = doctest.testmod(
        importlib.import_module("manyi.stats.csi"), optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0
    assert result.failed == 0
