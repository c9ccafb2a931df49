"""Tests for manyi.stats.agreement against the libraries that compute it.

References:
- ``krippendorff`` 0.9 (PyPI), ``krippendorff.alpha``: computes our alpha; compared here on
  raw reliability data, which goes through its own value-domain handling, not ours.
- statsmodels 0.15 ``statsmodels.stats.inter_rater.cohens_kappa`` and scikit-learn 1.x
  ``cohen_kappa_score``.
The published values (Krippendorff 2011, Wikipedia) are pinned in
tests/text/test_text_agreement.py, through the old ``manyi.text.agreement`` names.
"""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import cohens_kappa

from manyi.errors import InvalidInput
from manyi.stats.agreement import Level, cohen_kappa, krippendorff_alpha

nan = float("nan")

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section E.
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]


def _random_codes(seed: int) -> np.ndarray:
    """5 coders × 60 units on a 1-7 scale, coders near a true value, 15 % missing."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 8, 60)
    codes = np.clip(truth + rng.integers(-1, 2, (5, 60)), 1, 7).astype(float)
    codes[rng.random((5, 60)) < 0.15] = np.nan
    return np.asarray(codes)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize(
    "data", [K2011, _random_codes(1), _random_codes(2)], ids=["k2011", "r1", "r2"]
)
def test_alpha_equals_the_krippendorff_package(data: list[list[float]], level: Level) -> None:
    result = krippendorff_alpha(data, level)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert math.isclose(result.alpha, expected, rel_tol=1e-12)
    # D_o and D_e, which the package does not return, agree with its alpha.
    d_o, d_e = result.observed_disagreement, result.expected_disagreement
    assert math.isclose(result.alpha, 1 - d_o / d_e, rel_tol=1e-12)


def test_alpha_of_labels_with_an_order_equals_the_package() -> None:
    words = ["very low", "low", "mid", "high", "very high"]
    data = [[words[int(v) - 1] if v == v else None for v in row] for row in K2011]
    result = krippendorff_alpha(data, "ordinal", value_order=words)
    as_package = [[w if w is not None else "nan" for w in row] for row in data]
    expected = krippendorff.alpha(
        reliability_data=np.array(as_package), level_of_measurement="ordinal", value_domain=words
    )
    assert math.isclose(result.alpha, expected, rel_tol=1e-12)
    assert round(result.alpha, 3) == 0.815  # krippendorff package doctest, same data


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_kappa_of_ordered_labels_equals_sklearn_and_statsmodels(weights: str | None) -> None:
    levels = ["low", "mid", "high", "top"]
    rng = np.random.default_rng(7)
    a = rng.integers(0, 4, 150)
    b = np.clip(a + rng.integers(-1, 2, 150), 0, 3)
    coder_a, coder_b = [levels[i] for i in a], [levels[i] for i in b]
    result = cohen_kappa(coder_a, coder_b, weights=weights, categories=levels)  # type: ignore[arg-type]
    assert result.categories == tuple(levels)
    expected = cohen_kappa_score(coder_a, coder_b, labels=levels, weights=weights)
    assert math.isclose(result.kappa, expected, rel_tol=1e-12)
    table = np.zeros((4, 4))
    np.add.at(table, (a, b), 1)
    sm = cohens_kappa(table, wt=weights) if weights else cohens_kappa(table)
    assert math.isclose(result.se, sm.std_kappa, rel_tol=1e-12)
    assert math.isclose(result.z, sm.z_value, rel_tol=1e-12)


def test_kappa_interval_at_another_level() -> None:
    # statsmodels' own interval is 95 % only; ours is the same Wald form at any level.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    r90 = cohen_kappa(a, b, confidence=0.90)
    z90 = stats.norm.ppf(0.95)
    assert math.isclose(r90.ci_low, r90.kappa - z90 * r90.se, rel_tol=1e-12)
    assert math.isclose(r90.ci_high, r90.kappa + z90 * r90.se, rel_tol=1e-12)
    with pytest.raises(InvalidInput, match="confidence"):
        cohen_kappa(a, b, confidence=1.5)
