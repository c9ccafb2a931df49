"""Tests for manyi.text.agreement."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import cohens_kappa

from manyi.errors import InvalidInput
from manyi.text.agreement import cohen_kappa, disagreements, krippendorff_alpha

nan = float("nan")

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section E:
# 4 observers, 12 units, missing values.
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]
# Wikipedia "Krippendorff's alpha" computational example: 3 coders, 15 units.
WIKI = [
    [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
    [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
    [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
]


@pytest.mark.parametrize(
    ("data", "level", "expected", "digits"),
    [
        # Krippendorff (2011) publishes nominal 0.743 and interval 0.849 for K2011;
        # ordinal 0.815 and ratio 0.797 are the values pinned by the `krippendorff`
        # PyPI package (fast-krippendorff 0.8) test suite for the same data.
        (K2011, "nominal", 0.743, 3),
        (K2011, "interval", 0.849, 3),
        (K2011, "ordinal", 0.815, 3),
        (K2011, "ratio", 0.797, 3),
        # Wikipedia example, pinned to 6 digits by the `krippendorff` package tests.
        (WIKI, "nominal", 0.691358, 6),
        (WIKI, "interval", 0.810845, 6),
    ],
)
def test_krippendorff_alpha_published_values(
    data: list[list[float]], level: str, expected: float, digits: int
) -> None:
    assert round(krippendorff_alpha(data, level).alpha, digits) == expected  # type: ignore[arg-type]


def test_krippendorff_alpha_details_and_inputs() -> None:
    result = krippendorff_alpha(K2011)
    assert (result.n_units, result.n_values) == (11, 40)  # Krippendorff 2011: n = 40
    assert result.values == (1, 2, 3, 4, 5)
    # String labels (krippendorff package test: 0.722222) and a DataFrame.
    labels = [
        ["pos", "neg", "neu", None],
        ["pos", "neg", "neu", "pos"],
        ["pos", "neg", "pos", "pos"],
    ]
    assert round(krippendorff_alpha(labels).alpha, 6) == 0.722222
    assert round(krippendorff_alpha(pd.DataFrame(K2011)).alpha, 3) == 0.743
    words = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    ordinal = [[words.get(v) for v in row] for row in K2011]  # type: ignore[call-overload]
    res = krippendorff_alpha(ordinal, "ordinal", value_order=list(words.values()))
    assert round(res.alpha, 3) == 0.815
    assert krippendorff_alpha([[1, 2, 3], [1, 2, 3]]).alpha == 1.0


def test_krippendorff_alpha_errors() -> None:
    with pytest.raises(InvalidInput, match="level"):
        krippendorff_alpha(K2011, "fuzzy")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="at least two coders"):
        krippendorff_alpha([[1, None], [None, 2]])
    with pytest.raises(InvalidInput, match="same value"):
        krippendorff_alpha([[1, 1], [1, 1]])
    with pytest.raises(InvalidInput, match="numeric"):
        krippendorff_alpha([["a", "b"], ["a", "c"]], "interval")
    with pytest.raises(InvalidInput, match="same length"):
        krippendorff_alpha([[1, 2], [1]])
    with pytest.raises(InvalidInput, match="table"):
        krippendorff_alpha("abc")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("yes_yes", "yes_no", "no_yes", "no_no", "expected"),
    [
        # Wikipedia "Cohen's kappa" worked examples (50 grant proposals, two readers).
        (20, 5, 10, 15, 0.4),
        (45, 15, 25, 15, 0.1304),
        (25, 35, 5, 35, 0.2593),
    ],
)
def test_cohen_kappa_published_examples(
    yes_yes: int, yes_no: int, no_yes: int, no_no: int, expected: float
) -> None:
    a = ["yes"] * (yes_yes + yes_no) + ["no"] * (no_yes + no_no)
    b = ["yes"] * yes_yes + ["no"] * yes_no + ["yes"] * no_yes + ["no"] * no_no
    assert round(cohen_kappa(a, b).kappa, 4) == expected


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_kappa_matches_sklearn_and_statsmodels(weights: str | None) -> None:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 4, 200)
    b = np.where(rng.random(200) < 0.6, a, rng.integers(0, 4, 200))
    result = cohen_kappa(a, b, weights=weights)  # type: ignore[arg-type]
    # Point estimate: scikit-learn 1.x cohen_kappa_score.
    assert math.isclose(result.kappa, cohen_kappa_score(a, b, weights=weights), rel_tol=1e-12)
    # Standard error, CI and z-test: statsmodels 0.14+ cohens_kappa (Fleiss et al. 1969).
    table = np.zeros((4, 4))
    np.add.at(table, (a, b), 1)
    sm = cohens_kappa(table, wt=weights) if weights else cohens_kappa(table)
    assert math.isclose(result.se, sm.std_kappa, rel_tol=1e-9)
    assert math.isclose(result.ci_low, sm.kappa_low, rel_tol=1e-9)
    assert math.isclose(result.ci_high, sm.kappa_upp, rel_tol=1e-9)
    assert math.isclose(result.z, sm.z_value, rel_tol=1e-9)
    assert math.isclose(result.p_value, sm.pvalue_two_sided, rel_tol=1e-6)
    assert result.n == 200 and result.categories == (0, 1, 2, 3)


def test_cohen_kappa_missing_and_errors() -> None:
    a = ["物流", "服务", None, "价格", "物流", "服务"]
    b = ["物流", "服务", "价格", nan, "物流", "价格"]
    result = cohen_kappa(a, b)
    assert result.n == 4
    assert math.isclose(
        result.kappa,
        cohen_kappa_score(["物流", "服务", "物流", "服务"], ["物流", "服务", "物流", "价格"]),
    )
    with pytest.raises(InvalidInput, match="same answers"):
        cohen_kappa([1, 2], [1])
    with pytest.raises(InvalidInput, match="undefined"):
        cohen_kappa(["a", "a"], ["a", "a"])
    with pytest.raises(InvalidInput, match="at least 2"):
        cohen_kappa([1, None], [None, 2])
    with pytest.raises(InvalidInput, match="weights"):
        cohen_kappa([1, 2], [1, 2], weights="cubic")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="not in categories"):
        cohen_kappa(["low", "high"], ["low", "mid"], categories=["low", "high"])


def test_disagreements() -> None:
    texts = pd.Series(["慢", "态度差", "贵", "还行"], index=[10, 11, 12, 13])
    out = disagreements(["物流", "服务", "价格", None], ["物流", "价格", "价格", "其他"], texts)
    assert out.to_dict("list") == {
        "position": [1],
        "text": ["态度差"],
        "coder_a": ["服务"],
        "coder_b": ["价格"],
    }
    assert list(out.index) == [11]
    both = disagreements(["a", None], ["b", "c"], include_missing=True)
    assert both["position"].tolist() == [0, 1] and "text" not in both.columns
    multi = disagreements([("物流", "服务"), ("价格",)], [("物流", "服务"), ("价格", "服务")])
    assert multi["position"].tolist() == [1]
    with pytest.raises(InvalidInput, match="same answers"):
        disagreements([1], [1, 2])
    with pytest.raises(InvalidInput, match="texts has"):
        disagreements([1], [1], ["a", "b"])
