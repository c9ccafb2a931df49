"""Tests for manyi.stats.servqual: a hand-checked example and paired t tests vs SciPy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from manyi.errors import InvalidInput
from manyi.stats.servqual import DEFAULT_DIMENSION_WEIGHTS, servqual

ITEMS = {
    "R1": ("e_r1", "p_r1", "reliability"),
    "R2": ("e_r2", "p_r2", "reliability"),
    "T1": ("e_t1", "p_t1", "tangibles"),
}


@pytest.fixture
def survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "e_r1": [7, 6, 7, 5, 6],
            "p_r1": [5, 6, 4, 5, 4],  # gaps -2, 0, -3, 0, -2 -> mean -1.4
            "e_r2": [6, 7, 6, 6, 7],
            "p_r2": [6, 5, 5, 6, 6],  # gaps 0, -2, -1, 0, -1 -> mean -0.8
            "e_t1": [5, 5, 6, 4, 5],
            "p_t1": [6, 5, 6, 5, 6],  # gaps 1, 0, 0, 1, 1 -> mean 0.6
            "a_r1": [4, 5, 4, 4, 5],  # adequate mean 4.4
            "a_r2": [6, 6, 6, 6, 6],  # adequate mean 6.0
            "a_t1": [3, 4, 4, 3, 4],  # adequate mean 3.6
            "imp_rel": [60, 50, 70, 40, 50],
            "imp_tan": [40, 50, 30, 60, 50],
        }
    )


def test_hand_checked_gaps_and_default_weights(survey: pd.DataFrame) -> None:
    res = servqual(survey, ITEMS)
    assert res.items["gap"].tolist() == pytest.approx([-1.4, -0.8, 0.6])
    # Respondents' reliability gaps: mean of their two item gaps = -1, -1, -2, 0, -1.5.
    assert res.dimensions.loc["reliability", "gap"] == pytest.approx(-1.1)
    assert res.dimensions.loc["tangibles", "gap"] == pytest.approx(0.6)
    assert res.unweighted_score == pytest.approx((-1.1 + 0.6) / 2)
    # Default prior: reliability 28, tangibles 17 -> 28/45 and 17/45 over these two.
    assert res.weights_source == "default prior"
    assert res.weights.tolist() == pytest.approx([28 / 45, 17 / 45])
    assert res.weighted_score == pytest.approx((-1.1 * 28 + 0.6 * 17) / 45)
    assert res.dimensions.loc["reliability", "weighted_gap"] == pytest.approx(-1.1 * 28 / 45)


def test_default_prior_is_normalised() -> None:
    assert sum(DEFAULT_DIMENSION_WEIGHTS.values()) == pytest.approx(1.0)
    assert DEFAULT_DIMENSION_WEIGHTS["reliability"] == pytest.approx(28 / 96)
    assert DEFAULT_DIMENSION_WEIGHTS["empathy"] == pytest.approx(14 / 96)


def test_paired_t_matches_scipy(survey: pd.DataFrame) -> None:
    res = servqual(survey, ITEMS)
    for code, (e, p, _) in ITEMS.items():
        expected = stats.ttest_rel(survey[p], survey[e])
        assert res.items.loc[code, "t"] == pytest.approx(expected.statistic)
        assert res.items.loc[code, "p_value"] == pytest.approx(expected.pvalue)
        diff = survey[p] - survey[e]
        assert res.items.loc[code, "dz"] == pytest.approx(diff.mean() / diff.std(ddof=1))
    p_rel = survey[["p_r1", "p_r2"]].mean(axis=1)
    e_rel = survey[["e_r1", "e_r2"]].mean(axis=1)
    expected = stats.ttest_rel(p_rel, e_rel)
    assert res.dimensions.loc["reliability", "t"] == pytest.approx(expected.statistic)
    assert res.dimensions.loc["reliability", "p_value"] == pytest.approx(expected.pvalue)


def test_paired_t_with_missing_answers_matches_scipy_omit() -> None:
    rng = np.random.default_rng(7)
    data = pd.DataFrame(
        rng.integers(1, 8, size=(60, 4)).astype(float), columns=["e1", "p1", "e2", "p2"]
    )
    data.iloc[[1, 5, 9], 1] = np.nan
    data.iloc[[2, 5], 2] = np.nan
    items = {"A": ("e1", "p1", "empathy"), "B": ("e2", "p2", "empathy")}
    res = servqual(data, items)
    for code, (e, p, _) in items.items():
        expected = stats.ttest_rel(data[p], data[e], nan_policy="omit")
        assert res.items.loc[code, "t"] == pytest.approx(expected.statistic)
        assert res.items.loc[code, "p_value"] == pytest.approx(expected.pvalue)
        assert res.items.loc[code, "n"] == data[[e, p]].dropna().shape[0]
    # Respondent 5 answered neither pair completely and drops out of the dimension.
    assert res.dimensions.loc["empathy", "n"] == 59


def test_given_points_and_respondent_importance(survey: pd.DataFrame) -> None:
    points = servqual(survey, ITEMS, importance={"reliability": 70, "tangibles": 30})
    assert points.weights_source == "given points"
    assert points.weighted_score == pytest.approx(0.7 * -1.1 + 0.3 * 0.6)
    # Per-respondent weights 0.6/0.4, 0.5/0.5, 0.7/0.3, 0.4/0.6, 0.5/0.5 on the respondent
    # gaps (-1, 1), (-1, 0), (-2, 0), (0, 1), (-1.5, 1): scores -0.2, -0.5, -1.4, 0.6, -0.25.
    resp = servqual(
        survey,
        ITEMS,
        importance={"reliability": "imp_rel", "tangibles": "imp_tan"},
        weighting="respondent",
    )
    assert resp.weighted_score == pytest.approx(-1.75 / 5)
    assert resp.n_weighted == 5
    assert resp.weights.tolist() == pytest.approx([0.54, 0.46])


def test_zone_of_tolerance(survey: pd.DataFrame) -> None:
    res = servqual(survey, ITEMS, adequate={"R1": "a_r1", "R2": "a_r2", "T1": "a_t1"})
    assert res.zone is not None
    assert res.zone_dimensions is not None
    zone = res.zone
    # Desired level = the expectation columns: R1 6.2, R2 6.4, T1 5.0.
    assert zone["msa"].tolist() == pytest.approx([4.8 - 4.4, 5.6 - 6.0, 5.6 - 3.6])
    assert zone["mss"].tolist() == pytest.approx([4.8 - 6.2, 5.6 - 6.4, 5.6 - 5.0])
    assert zone["position"].tolist() == ["within", "below", "above"]
    assert res.zone_dimensions.loc["reliability", "perception"] == pytest.approx((4.8 + 5.6) / 2)


def test_non_standard_dimensions_get_equal_weights(survey: pd.DataFrame) -> None:
    items = {"X": ("e_r1", "p_r1", "staff"), "Y": ("e_t1", "p_t1", "website")}
    res = servqual(survey, items)
    assert res.weights_source == "equal"
    assert res.weighted_score == pytest.approx(res.unweighted_score)


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        ({"p_r1": [5, 6, 4, 5, 8]}, {}, "outside the scale 1–7: p_r1=8"),
        ({}, {"items": {"Z": ("nope", "p_r1", "empathy")}}, "unknown column"),
        ({}, {"importance": {"reliability": 60}}, "missing dimension"),
        ({}, {"weighting": "median"}, "weighting"),
        ({}, {"desired": {"R1": "e_r1"}}, "adequate"),
        ({}, {"adequate": {"Q9": "a_r1"}}, "unknown item"),
        ({}, {"importance": {"reliability": -1, "tangibles": 2}}, "non-negative"),
    ],
)
def test_bad_input(
    survey: pd.DataFrame, change: dict[str, list[int]], kwargs: dict[str, object], message: str
) -> None:
    data = survey.assign(**change)
    args: dict[str, object] = {"items": ITEMS, **kwargs}
    with pytest.raises(InvalidInput, match=message):
        servqual(data, **args)  # type: ignore[arg-type]


def test_too_few_respondents(survey: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="too few respondents"):
        servqual(survey.head(1), ITEMS)
