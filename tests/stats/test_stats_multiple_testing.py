"""Tests for manyi.stats.multiple_testing (Holm, Bonferroni, Benjamini-Hochberg).

References:
- statsmodels 0.15 ``statsmodels.stats.multitest.multipletests``, which computes them.
- Benjamini & Hochberg (1995), JRSS B 57(1), section 4: 15 p-values from a study of
  myocardial infarction treatments; at q = 0.05 their procedure rejects the four smallest,
  the Bonferroni bound 0.05/15 only the three smallest.
"""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from manyi.errors import InvalidInput
from manyi.stats.multiple_testing import adjust_p_values, benjamini_hochberg, holm

BH_1995 = [
    0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262,
    0.5719, 0.6528, 0.7590, 1.0000,
]  # fmt: skip


@pytest.mark.parametrize("method", ["holm", "bonferroni", "fdr_bh"])
def test_adjusted_p_values_equal_statsmodels(method: str) -> None:
    p = np.random.default_rng(3).uniform(0, 0.2, 40)
    p[[4, 9]] = p[7]  # ties
    expected = multipletests(p, method=method)[1]
    np.testing.assert_allclose(adjust_p_values(p, method), expected, rtol=1e-12)  # type: ignore[arg-type]


def test_benjamini_hochberg_1995_example() -> None:
    assert int((benjamini_hochberg(BH_1995) <= 0.05).sum()) == 4
    assert int((adjust_p_values(BH_1995, "bonferroni") <= 0.05).sum()) == 3
    # Holm: 15 × 0.0001, 14 × 0.0004, 13 × 0.0019 = 0.0247 pass; 12 × 0.0095 = 0.114 does not.
    np.testing.assert_allclose(holm(BH_1995)[:4], [0.0015, 0.0056, 0.0247, 0.114], rtol=1e-12)


def test_missing_p_values_stay_missing_and_leave_the_family() -> None:
    # R p.adjust semantics: m counts the tests that were run.
    got = benjamini_hochberg([0.01, float("nan"), 0.03])
    np.testing.assert_allclose(got, [0.02, np.nan, 0.03])
    got = holm([float("nan"), 0.04, 0.01])
    np.testing.assert_allclose(got, [np.nan, 0.04, 0.02])
    assert np.isnan(holm([float("nan")])).all()
    assert benjamini_hochberg([]).size == 0


def test_bad_input_is_named() -> None:
    with pytest.raises(InvalidInput, match=r"between 0 and 1; got 1\.2"):
        holm([0.1, 1.2])
    with pytest.raises(InvalidInput, match=r"between 0 and 1; got -0\.1"):
        benjamini_hochberg([-0.1])
    with pytest.raises(InvalidInput, match="unknown p-value correction 'sidak'"):
        adjust_p_values([0.1], "sidak")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="flat list"):
        holm(np.full((2, 2), 0.1))
    with pytest.raises(InvalidInput, match="numbers"):
        holm(["a"])  # type: ignore[list-item]
