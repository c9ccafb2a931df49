"""Value curve: group means and Welch t-tests pinned against scipy, pingouin and statsmodels.

- t and p: scipy.stats.ttest_ind(equal_var=False); Welch–Satterthwaite df: pingouin 0.7 ttest.
- Holm adjustment: statsmodels.stats.multitest.multipletests(method="holm").
"""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from manyi.errors import InvalidInput
from manyi.stats.value_curve import value_curve

ELEMENTS = ["wait", "clean", "advice"]


@pytest.fixture(scope="module")
def ratings() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    groups = ["customer"] * 60 + ["staff"] * 15 + ["management"] * 6
    base = {"customer": [2.8, 3.9, 3.5], "staff": [3.9, 4.0, 3.6], "management": [4.3, 4.1, 4.2]}
    rows = [np.clip(np.rint(rng.normal(base[g], 0.8)), 1, 5) for g in groups]
    frame = pd.DataFrame(rows, columns=ELEMENTS)
    frame["group"] = groups
    return frame


def test_means_and_counts(ratings: pd.DataFrame) -> None:
    result = value_curve(ratings, ELEMENTS, "group")
    expected = ratings.groupby("group")[ELEMENTS].mean().T
    pd.testing.assert_frame_equal(
        result.means, expected[["customer", "staff", "management"]], check_names=False
    )
    assert result.counts.loc["wait"].tolist() == [60, 15, 6]
    assert len(result.gaps) == 3 * 3


def test_welch_tests_match_scipy_and_pingouin(ratings: pd.DataFrame) -> None:
    result = value_curve(ratings, ELEMENTS, "group", groups=["customer", "management"])
    for row in result.gaps.itertuples():
        a = ratings.loc[ratings["group"] == row.group_a, row.element]
        b = ratings.loc[ratings["group"] == row.group_b, row.element]
        ref = stats.ttest_ind(a, b, equal_var=False)
        assert row.t == pytest.approx(ref.statistic, rel=1e-12)
        assert row.p == pytest.approx(ref.pvalue, rel=1e-10)
        assert row.gap == pytest.approx(a.mean() - b.mean())
        pg_row = pg.ttest(a, b, correction=True)
        assert row.df == pytest.approx(float(pg_row["dof"].iloc[0]), rel=1e-10)


def test_holm_adjustment_matches_statsmodels(ratings: pd.DataFrame) -> None:
    result = value_curve(ratings, ELEMENTS, "group", alpha=0.05)
    reject, adjusted, *_ = multipletests(result.gaps["p"], method="holm", alpha=0.05)
    np.testing.assert_allclose(result.gaps["p_holm"], adjusted, rtol=1e-12)
    assert result.gaps["significant"].tolist() == reject.tolist()
    # The simulated customers wait much longer than management thinks.
    wait = result.gaps[
        (result.gaps["element"] == "wait") & (result.gaps["group_b"] == "management")
    ].iloc[0]
    assert wait["gap"] < 0
    assert wait["significant"]


def test_no_spread_gives_no_test() -> None:
    data = pd.DataFrame({"g": ["a", "a", "b", "b"], "x": [3, 3, 4, 4]})
    gaps = value_curve(data, ["x"], "g").gaps
    assert gaps.loc[0, "gap"] == -1
    assert np.isnan(gaps.loc[0, "p"])
    assert not gaps.loc[0, "significant"]


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"element_columns": ["wait", "speed"], "group_column": "group"}, "unknown column"),
        ({"element_columns": ["wait"], "group_column": "who"}, "unknown column"),
        (
            {"element_columns": ["wait"], "group_column": "group", "groups": ["customer"]},
            "at least two groups",
        ),
        (
            {"element_columns": ["wait"], "group_column": "group", "groups": ["customer", "board"]},
            "not found",
        ),
        ({"element_columns": [], "group_column": "group"}, "no element"),
    ],
)
def test_bad_input(ratings: pd.DataFrame, kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(InvalidInput, match=needle):
        value_curve(ratings, **kwargs)  # type: ignore[arg-type]


def test_too_few_ratings_in_a_group() -> None:
    data = pd.DataFrame({"g": ["a", "a", "b"], "x": [3, 4, 4]})
    with pytest.raises(InvalidInput, match="too few respondents"):
        value_curve(data, ["x"], "g")


def test_docstring_examples_run() -> None:
    result = doctest.testmod(
        importlib.import_module("manyi.stats.value_curve"), optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0
    assert result.failed == 0
