"""AHP pinned against Saaty (2008)'s drinks-consumption example and checked for its properties.

Published: Saaty, T. L. (2008), "Decision making with the analytic hierarchy process",
Int. J. Services Sciences 1(1): weights (3 dp) coffee 0.177, wine 0.019, tea 0.042, beer 0.116,
soda 0.190, milk 0.129, water 0.327; CR 0.022 (with Saaty's 1980 RI(7) = 1.32).
"""

from __future__ import annotations

import doctest
import importlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import linalg
from scipy.stats import gmean

from manyi.errors import InvalidInput
from manyi.stats.ahp import SAATY_1980_RANDOM_INDEX, ahp, ahp_hierarchy, pairwise_matrix
from shared_data import shared_file

# Saaty (2008), Table "Which drink is consumed more in the U.S.?"
DRINKS = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
SAATY_2008 = [
    [1, 9, 5, 2, 1, 1, 1 / 2],
    [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
    [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
    [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [1, 9, 4, 2, 1, 2, 1 / 2],
    [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [2, 9, 9, 3, 2, 3, 1],
]
PUBLISHED_WEIGHTS = {
    "coffee": 0.177,
    "wine": 0.019,
    "tea": 0.042,
    "beer": 0.116,
    "soda": 0.190,
    "milk": 0.129,
    "water": 0.327,
}


def test_saaty_2008_drinks_weights_and_cr() -> None:
    result = ahp(SAATY_2008, labels=DRINKS)
    assert result.weights.round(3).to_dict() == PUBLISHED_WEIGHTS
    assert round(result.cr, 3) == 0.022
    assert result.consistent
    assert result.random_index == 1.32
    assert "0.022" in result.message


def test_shared_reference_file_matches_the_inline_copy() -> None:
    shared = shared_file("stats/ahp_saaty_drinks.json")
    ref = json.loads(shared.read_text())
    assert ref["names"] == DRINKS
    np.testing.assert_allclose(np.array(ref["matrix"]), np.array(SAATY_2008), rtol=1e-12)
    result = ahp(ref["matrix"], labels=ref["names"])
    assert result.weights.round(3).to_dict() == ref["published"]["weights_3dp"]
    assert round(result.cr, 3) == ref["published"]["CR"]


def test_eigenvalue_and_geometric_weights_match_scipy() -> None:
    result = ahp(SAATY_2008, labels=DRINKS, method="geometric")
    values, vectors = linalg.eig(np.array(SAATY_2008))
    k = int(np.argmax(values.real))
    assert result.lambda_max == pytest.approx(values[k].real, rel=1e-12)
    eig = np.abs(vectors[:, k].real) / np.abs(vectors[:, k].real).sum()
    np.testing.assert_allclose(result.weights_eigenvector.to_numpy(), eig, rtol=1e-10)
    geo = gmean(np.array(SAATY_2008), axis=1)
    np.testing.assert_allclose(result.weights.to_numpy(), geo / geo.sum(), rtol=1e-12)
    assert result.method == "geometric"
    assert result.ci == pytest.approx((result.lambda_max - 7) / 6)


def test_saaty_1980_random_index_table() -> None:
    # Saaty (1980), The Analytic Hierarchy Process, p. 21.
    published = [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59]
    assert [SAATY_1980_RANDOM_INDEX[n] for n in range(1, 16)] == published


def test_inconsistent_judgement_is_named_first() -> None:
    w = np.array([0.4, 0.3, 0.2, 0.1])
    m = w[:, None] / w[None, :]
    # Corrupt one judgement: c1 vs c4 should be 4 (0.4/0.1), the expert wrote 1/5.
    m[0, 3], m[3, 0] = 1 / 5, 5
    result = ahp(m)
    assert not result.consistent
    assert result.cr > 0.1
    top = result.judgements.iloc[0]
    assert {top["row"], top["column"]} == {"c1", "c4"}
    assert top["given"] == pytest.approx(0.2)
    assert "c1 vs c4" in result.message
    assert "inconsistent" in result.message


def test_two_by_two_is_always_consistent() -> None:
    result = ahp([[1, 7], [1 / 7, 1]], labels=["a", "b"])
    assert result.cr == 0.0
    assert result.consistent
    assert result.weights.to_dict() == pytest.approx({"a": 0.875, "b": 0.125})


def test_dataframe_labels_are_used() -> None:
    frame = pd.DataFrame(SAATY_2008, index=DRINKS, columns=DRINKS)
    assert list(ahp(frame).weights.index) == DRINKS


@pytest.mark.parametrize(
    ("matrix", "needle"),
    [
        ([[1, 2, 3], [0.5, 1, 2]], "square"),
        ([[1, -2], [-0.5, 1]], "positive"),
        ([[2, 2], [0.5, 1]], "diagonal"),
        ([[1, 3], [3, 1]], "not reciprocal"),
        ([[1, np.nan], [1, 1]], "missing"),
        (np.ones((16, 16)), "no random index"),
    ],
)
def test_bad_matrices_are_refused(matrix: object, needle: str) -> None:
    with pytest.raises(InvalidInput, match=needle):
        ahp(matrix)  # type: ignore[arg-type]


def test_hand_typed_reciprocals_are_accepted() -> None:
    assert ahp([[1, 3, 5], [0.333, 1, 2], [0.2, 0.5, 1]]).consistent


def test_bad_method_and_labels_are_refused() -> None:
    with pytest.raises(InvalidInput, match="method"):
        ahp([[1, 2], [0.5, 1]], method="mean")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="labels"):
        ahp([[1, 2], [0.5, 1]], labels=["a"])


def test_pairwise_matrix_from_judgements() -> None:
    m = pairwise_matrix(
        {("speed", "price"): 3, ("staff", "speed"): 1 / 5, ("price", "staff"): 2},
        ["speed", "price", "staff"],
    )
    assert m.loc["speed", "staff"] == pytest.approx(5)
    assert m.loc["price", "speed"] == pytest.approx(1 / 3)
    with pytest.raises(InvalidInput, match="not judged"):
        pairwise_matrix({("a", "b"): 2}, ["a", "b", "c"])
    with pytest.raises(InvalidInput, match="twice"):
        pairwise_matrix({("a", "b"): 2, ("b", "a"): 0.5}, ["a", "b"])
    with pytest.raises(InvalidInput, match="unknown element"):
        pairwise_matrix({("a", "z"): 2}, ["a", "b"])


def test_hierarchy_global_weights_and_total_cr() -> None:
    top = ahp([[1, 3], [1 / 3, 1]], labels=["service", "price"])
    service = ahp(
        [[1, 2, 4], [1 / 2, 1, 3], [1 / 4, 1 / 3, 1]], labels=["speed", "courtesy", "clarity"]
    )
    price = ahp([[1, 1 / 2], [2, 1]], labels=["fee", "value"])
    h = ahp_hierarchy(top, {"service": service, "price": price})
    expected = {
        **{k: 0.75 * v for k, v in service.weights.items()},
        **{k: 0.25 * v for k, v in price.weights.items()},
    }
    assert h.global_weights.to_dict() == pytest.approx(expected)
    assert h.global_weights.sum() == pytest.approx(1.0)
    # 层次总排序一致性: CR = Σ w_j CI_j / Σ w_j RI_j (price is 2×2: CI = RI = 0).
    assert h.level_cr[2] == pytest.approx(0.75 * service.ci / (0.75 * 0.58))
    assert h.level_cr[1] == 0.0
    assert set(h.table.columns) >= {
        "node",
        "parent",
        "level",
        "local_weight",
        "global_weight",
        "leaf",
    }


def test_hierarchy_three_levels_and_plain_weights() -> None:
    h = ahp_hierarchy(
        {"a": 0.5, "b": 0.5}, {"a": {"a1": 0.2, "a2": 0.8}, "a2": {"x": 0.5, "y": 0.5}}
    )
    assert h.global_weights.to_dict() == pytest.approx({"a1": 0.1, "x": 0.2, "y": 0.2, "b": 0.5})
    assert h.level_cr == {}


@pytest.mark.parametrize(
    ("criteria", "subs", "needle"),
    [
        ({"a": 0.5, "b": 0.6}, {}, "sum to"),
        ({"a": 1.0}, {"z": {"x": 1.0}}, "unknown node"),
        ({"a": 0.5, "b": 0.5}, {"a": {"b": 1.0}}, "appears twice"),
        ({"a": 1.5, "b": -0.5}, {}, "non-negative"),
    ],
)
def test_hierarchy_errors(
    criteria: dict[str, float], subs: dict[str, dict[str, float]], needle: str
) -> None:
    with pytest.raises(InvalidInput, match=needle):
        ahp_hierarchy(criteria, subs)


weights_strategy = st.lists(st.floats(0.01, 10.0), min_size=3, max_size=9)


@settings(max_examples=60, deadline=None)
@given(weights_strategy)
def test_consistent_matrix_recovers_its_weights(raw: list[float]) -> None:
    w = np.array(raw) / sum(raw)
    result = ahp(w[:, None] / w[None, :])
    np.testing.assert_allclose(result.weights.to_numpy(), w, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(result.weights_geometric.to_numpy(), w, rtol=1e-8, atol=1e-12)
    assert result.lambda_max == pytest.approx(len(w), rel=1e-9)
    assert result.cr == pytest.approx(0.0, abs=1e-9)


saaty_scale = st.sampled_from([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9])


@settings(max_examples=60, deadline=None)
@given(
    st.integers(3, 8).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(saaty_scale, min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2),
            st.permutations(list(range(n))),
        )
    )
)
def test_random_judgements_properties(case: tuple[int, list[float], list[int]]) -> None:
    n, upper, perm = case
    m = np.eye(n)
    iu = np.triu_indices(n, 1)
    m[iu] = upper
    m[(iu[1], iu[0])] = 1 / np.array(upper)
    result = ahp(m)
    w = result.weights.to_numpy()
    assert np.all(w > 0)
    assert w.sum() == pytest.approx(1.0)
    assert result.lambda_max >= n - 1e-9  # Saaty: λ_max ≥ n for positive reciprocal matrices
    # Relabelling the elements permutes the weights and leaves CR unchanged.
    permuted = ahp(m[np.ix_(perm, perm)])
    np.testing.assert_allclose(permuted.weights.to_numpy(), w[perm], rtol=1e-8)
    assert permuted.cr == pytest.approx(result.cr, abs=1e-9)


def test_docstring_examples_run() -> None:
    result = doctest.testmod(
        importlib.import_module("manyi.stats.ahp"), optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0
    assert result.failed == 0


def test_documentation_examples_run() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "metrics" / "weights.md"
    result = doctest.testfile(
        str(doc), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0
    assert result.failed == 0
