"""Fuzzy comprehensive evaluation pinned against the textbook clothing example.

Published: the clothing-evaluation example (factors 花色, 式样, 耐穿程度, 价格; grades 很欢迎,
较欢迎, 不太欢迎, 不欢迎) of 司守奎 & 孙玺菁《数学建模算法与应用》 (MATLAB Example 8.4, model 1
"主因素决定型" M(∧,∨)): A1 = (0.1, 0.2, 0.3, 0.4) → B1 = (0.2, 0.3, 0.4, 0.1), "不太欢迎";
A2 = (0.4, 0.35, 0.15, 0.1) → B2 = (0.35, 0.4, 0.2, 0.1), "较欢迎". The other operators are
checked against values computed by hand from their definitions.
"""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pandas as pd
import pytest

from manyi.errors import InvalidInput
from manyi.stats.fuzzy import fuzzy_evaluation, membership_matrix

R = [[0.2, 0.5, 0.2, 0.1], [0.7, 0.2, 0.1, 0.0], [0.0, 0.4, 0.5, 0.1], [0.2, 0.3, 0.5, 0.0]]
GRADES = ["很欢迎", "较欢迎", "不太欢迎", "不欢迎"]
A1 = [0.1, 0.2, 0.3, 0.4]
A2 = [0.4, 0.35, 0.15, 0.1]


def test_clothing_example_max_min() -> None:
    first = fuzzy_evaluation(R, A1, "M(∧,∨)", grades=GRADES)
    np.testing.assert_allclose(first.b.to_numpy(), [0.2, 0.3, 0.4, 0.1])
    assert first.grade == "不太欢迎"
    second = fuzzy_evaluation(R, A2, "M(∧,∨)", grades=GRADES)
    np.testing.assert_allclose(second.b.to_numpy(), [0.35, 0.4, 0.2, 0.1])
    assert second.grade == "较欢迎"


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        # hand computation with A1: Σ a_i r_ij
        ("M(·,+)", [0.24, 0.33, 0.39, 0.04]),
        # max_i a_i r_ij: col 1 = max(.02, .14, 0, .08)
        ("M(·,∨)", [0.14, 0.12, 0.20, 0.03]),
        # min(1, Σ_i min(a_i, r_ij)): col 2 = .1 + .2 + .3 + .3
        ("M(∧,⊕)", [0.5, 0.9, 0.9, 0.2]),
        ("weighted_average", [0.24, 0.33, 0.39, 0.04]),
        ("max_min", [0.2, 0.3, 0.4, 0.1]),
    ],
)
def test_operators_by_hand(operator: str, expected: list[float]) -> None:
    result = fuzzy_evaluation(R, A1, operator, grades=GRADES)
    np.testing.assert_allclose(result.b.to_numpy(), expected, atol=1e-12)
    np.testing.assert_allclose(result.b_normalised.sum(), 1.0)


def test_bounded_sum_is_capped_at_one() -> None:
    result = fuzzy_evaluation([[0.9, 0.1], [0.9, 0.1]], [0.5, 0.5], "M(∧,⊕)")
    np.testing.assert_allclose(result.b.to_numpy(), [1.0, 0.2])


def test_score_and_tie_rule() -> None:
    result = fuzzy_evaluation(
        [[0.4, 0.4, 0.2]], [1.0], grades=["good", "fair", "poor"], grade_scores=[90, 70, 50]
    )
    assert result.grade == "good"
    assert result.tied_grades == ("good", "fair")
    assert result.score == pytest.approx(0.4 * 90 + 0.4 * 70 + 0.2 * 50)
    assert fuzzy_evaluation(R, A1, grades=GRADES).score is None
    mapped = fuzzy_evaluation([[0.5, 0.5]], [1.0], grades=["a", "b"], grade_scores={"a": 1, "b": 3})
    assert mapped.score == pytest.approx(2.0)


def test_membership_matrix_and_end_to_end_score() -> None:
    data = pd.DataFrame({"speed": [5, 4, 4, 3, None], "staff": [5, 5, 4, 1, 2]})
    r = membership_matrix(data, [5, 4, 3, 2, 1])
    assert r.loc["speed"].tolist() == [0.25, 0.5, 0.25, 0.0, 0.0]
    assert r.loc["staff"].tolist() == [0.4, 0.2, 0.0, 0.2, 0.2]
    result = fuzzy_evaluation(r, {"speed": 0.6, "staff": 0.4})
    # Numeric grade names score themselves: the weighted mean rating of the factor means.
    expected = 0.6 * data["speed"].mean() + 0.4 * data["staff"].mean()
    assert result.score == pytest.approx(expected)
    assert result.grade == "4"
    named = membership_matrix(
        data, [5, 4, 3, 2, 1], grades=["很满意", "满意", "一般", "不满意", "很不满意"]
    )
    assert list(named.columns) == ["很满意", "满意", "一般", "不满意", "很不满意"]


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"memberships": R, "weights": [0.5, 0.6, 0.0, 0.0]}, "sum to 1"),
        ({"memberships": R, "weights": [0.5, 0.5]}, "2 weights for 4 factors"),
        ({"memberships": R, "weights": [1.2, -0.2, 0.0, 0.0]}, "non-negative"),
        ({"memberships": [[1.2, 0.0]], "weights": [1.0]}, r"\[0, 1\]"),
        ({"memberships": R, "weights": A1, "operator": "M(+,+)"}, "unknown operator"),
        ({"memberships": R, "weights": A1, "grades": ["a"]}, "grade names"),
        ({"memberships": R, "weights": A1, "grade_scores": [1, 2]}, "2 grade scores"),
        ({"memberships": [[0.0, 0.0]], "weights": [1.0]}, "all zero"),
        (
            {"memberships": pd.DataFrame([[0.5, 0.5]], index=["speed"]), "weights": {"price": 1.0}},
            "different factors",
        ),
    ],
)
def test_bad_evaluation_input(kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(InvalidInput, match=needle):
        fuzzy_evaluation(**kwargs)  # type: ignore[arg-type]


def test_bad_membership_input() -> None:
    data = pd.DataFrame({"speed": [5, 6], "staff": [np.nan, np.nan]})
    with pytest.raises(InvalidInput, match="not on the scale: 6"):
        membership_matrix(data, [5, 4, 3, 2, 1], columns=["speed"])
    with pytest.raises(InvalidInput, match="no answers"):
        membership_matrix(data, [5, 4, 3, 2, 1], columns=["staff"])
    with pytest.raises(InvalidInput, match="distinct"):
        membership_matrix(data, [5, 5])
    with pytest.raises(InvalidInput, match="unknown column"):
        membership_matrix(data, [5, 4], columns=["price"])


def test_docstring_examples_run() -> None:
    result = doctest.testmod(
        importlib.import_module("manyi.stats.fuzzy"), optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0
    assert result.failed == 0
