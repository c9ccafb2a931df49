"""Entropy weights pinned against two published worked examples and scipy's entropy.

- Xu, X. (2004), EJOR 156(2), 530–532: weights 0.4630, 0.3992, 0.1378, 0.0000.
- Zavadskas, E. K. & Podvezko, V. (2016), IJITDM 15(2), 267–283: 0.1146, 0.1981, 0.4185, 0.2689.
Both as reproduced (4 dp) in the test suite of the pyrepo-mcda package (entropy_weighting).
"""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import entropy as scipy_entropy

from manyi.errors import InvalidInput
from manyi.stats.entropy import entropy_weights

XU_2004 = [[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]]
ZAVADSKAS_2016 = [[3.0, 100, 10, 7], [2.5, 80, 8, 5], [1.8, 50, 20, 11], [2.2, 70, 12, 9]]


def test_xu_2004_example() -> None:
    result = entropy_weights(XU_2004)
    assert result.weights.round(4).tolist() == [0.4630, 0.3992, 0.1378, 0.0000]
    assert result.normalisation == "proportion"


def test_zavadskas_podvezko_2016_example_with_cost_criteria() -> None:
    # Two cost criteria; with proportions the direction does not change the entropy.
    result = entropy_weights(ZAVADSKAS_2016, ["cost", "benefit", "cost", "benefit"])
    assert result.weights.round(4).tolist() == [0.1146, 0.1981, 0.4185, 0.2689]
    assert result.criteria_types.tolist() == ["cost", "benefit", "cost", "benefit"]


def test_entropy_equals_scipy_for_both_normalisations() -> None:
    data = pd.DataFrame(ZAVADSKAS_2016, columns=["price", "speed", "wait", "staff"])
    types = {"price": "cost", "wait": "cost"}
    for normalisation in ("proportion", "minmax"):
        result = entropy_weights(data, types, normalisation=normalisation)  # type: ignore[arg-type]
        x = data.to_numpy()
        if normalisation == "minmax":
            low, high = x.min(0), x.max(0)
            cost = np.array([True, False, True, False])
            x = np.where(cost, high - x, x - low) / (high - low)
        e = np.array([scipy_entropy(col, base=len(col)) for col in x.T])
        np.testing.assert_allclose(result.entropy.to_numpy(), e, rtol=1e-12)
        np.testing.assert_allclose(result.weights.to_numpy(), (1 - e) / (1 - e).sum(), rtol=1e-12)
        np.testing.assert_allclose(result.divergence.to_numpy(), 1 - e, rtol=1e-12)
        np.testing.assert_allclose(result.proportions.sum().to_numpy(), 1.0)


def test_minmax_cost_direction_matters() -> None:
    data = pd.DataFrame({"a": [1.0, 2.0, 10.0], "b": [3.0, 1.0, 2.0]})
    benefit = entropy_weights(data, normalisation="minmax").weights
    cost = entropy_weights(data, {"a": "cost"}, normalisation="minmax").weights
    assert benefit["a"] != pytest.approx(cost["a"])
    # Type aliases: -1, "负向", "min" all mean cost.
    for alias in (-1, "负向", "min", "-"):
        alt = entropy_weights(data, {"a": alias}, normalisation="minmax").weights
        pd.testing.assert_series_equal(alt, cost)


def test_zero_values_use_the_zero_log_zero_limit() -> None:
    data = pd.DataFrame({"a": [0.0, 0.0, 5.0, 1.0], "b": [1.0, 2.0, 3.0, 4.0]})
    result = entropy_weights(data)
    assert np.isfinite(result.weights).all()
    assert result.entropy["a"] == pytest.approx(scipy_entropy([0, 0, 5, 1], base=4))


@pytest.mark.parametrize(
    ("data", "kwargs", "needle"),
    [
        ([[1.0, 2.0]], {}, "too few"),
        ([[1.0, -2.0], [2.0, 3.0]], {}, "negative"),
        ([[1.0, 2.0], [1.0, 3.0]], {"normalisation": "minmax"}, "constant"),
        ([[0.0, 2.0], [0.0, 3.0]], {}, "all zero"),
        ([[1.0, 2.0], [1.0, 2.0]], {}, "no criterion varies"),
        ([[1.0, np.nan], [1.0, 3.0]], {}, "missing"),
        ([[1.0, 2.0], [2.0, 3.0]], {"criteria_types": ["benefit"]}, "2 criteria"),
        (
            [[1.0, 2.0], [2.0, 3.0]],
            {"criteria_types": ["benefit", "good"]},
            "use 'benefit' or 'cost'",
        ),
        ([[1.0, 2.0], [2.0, 3.0]], {"criteria_types": {"zz": "cost"}}, "unknown column"),
        ([[1.0, 2.0], [2.0, 3.0]], {"normalisation": "zscore"}, "normalisation"),
    ],
)
def test_bad_input_is_refused(
    data: list[list[float]], kwargs: dict[str, object], needle: str
) -> None:
    with pytest.raises(InvalidInput, match=needle):
        entropy_weights(data, **kwargs)  # type: ignore[arg-type]


def test_non_numeric_column_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not numeric"):
        entropy_weights(pd.DataFrame({"a": ["x", "y"], "b": [1, 2]}))


matrices = arrays(
    np.float64,
    st.tuples(st.integers(2, 8), st.integers(1, 5)),
    elements=st.floats(0.1, 100.0, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=80, deadline=None)
@given(matrices, st.randoms(use_true_random=False))
def test_weight_properties(x: np.ndarray, rnd: object) -> None:
    if np.all(np.ptp(x / x.sum(0), axis=0) < 1e-9):
        return  # every column constant: refused, tested above
    result = entropy_weights(x)
    if result.divergence.sum() < 1e-6:
        return  # almost no spread anywhere: weights are ill-conditioned ratios of tiny numbers
    w = result.weights.to_numpy()
    assert np.all(w >= 0)
    assert w.sum() == pytest.approx(1.0)
    assert np.all((result.entropy >= 0) & (result.entropy <= 1))
    rows = list(range(x.shape[0]))
    rnd.shuffle(rows)  # type: ignore[attr-defined]
    # Alternatives in another order, and criteria in other units, give the same weights.
    np.testing.assert_allclose(entropy_weights(x[rows]).weights.to_numpy(), w, atol=1e-10)
    scaled = x * np.linspace(0.5, 7.0, x.shape[1])
    np.testing.assert_allclose(entropy_weights(scaled).weights.to_numpy(), w, atol=1e-10)
    cols = list(range(x.shape[1]))[::-1]
    np.testing.assert_allclose(entropy_weights(x[:, cols]).weights.to_numpy(), w[cols], atol=1e-10)


def test_docstring_examples_run() -> None:
    result = doctest.testmod(
        importlib.import_module("manyi.stats.entropy"), optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0
    assert result.failed == 0
