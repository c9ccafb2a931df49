"""Tests for manyi.stats.metrics: NPS, CSAT, CES and the Wilson interval."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from manyi.errors import InvalidInput
from manyi.stats.metrics import ces, csat, nps, two_proportion_z, wilson_interval

nps_answers = st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=200)


# --- NPS -----------------------------------------------------------------------------


def test_nps_matches_published_worked_example() -> None:
    # whuber's worked example, Cross Validated question 18603 ("How can I calculate margin
    # of error in a NPS result?"): promoters 1/2, passives 1/3, detractors 1/6 give
    # NPS = 1/3, ticket variance 5/9 (sd ≈ 0.75) and, for n = 324, "a standard error of
    # about 4.1%".
    scores = [10] * 100 + [9] * 62 + [8] * 60 + [7] * 48 + [6] * 30 + [0] * 24
    res = nps(scores)
    assert res.n == 324
    assert res.score == pytest.approx(100 / 3)
    assert round(res.se, 1) == 4.1
    assert res.se == pytest.approx(100 * math.sqrt(5 / 9 / 324))


def test_nps_se_closed_form_agrees_with_simulation() -> None:
    # Independent check of the trinomial SE: the spread of NPS over repeated samples.
    rng = np.random.default_rng(42)
    probs = [0.25, 0.35, 0.40]  # detractor, passive, promoter
    values = np.array([3, 8, 10])
    sims = rng.choice(values, p=probs, size=(4000, 150))
    simulated_sd = np.std([100 * (np.mean(s >= 9) - np.mean(s <= 6)) for s in sims], ddof=1)
    expected = 100 * math.sqrt((0.40 + 0.25 - (0.40 - 0.25) ** 2) / 150)
    one = nps(sims[0])
    closed = 100 * math.sqrt(
        (one.promoters + one.detractors - (one.promoters - one.detractors) ** 2) / 150
    )
    assert one.se == pytest.approx(closed)
    assert simulated_sd == pytest.approx(expected, rel=0.05)


def test_nps_category_boundaries() -> None:
    res = nps([6, 7, 8, 9])
    assert (res.detractors, res.passives, res.promoters) == (0.25, 0.5, 0.25)
    assert res.score == 0.0


@pytest.mark.parametrize(
    "scores",
    [
        [10, 9, None, 3, float("nan")],
        np.array([10, 9, np.nan, 3, np.nan]),
        pd.Series([10, 9, pd.NA, 3, pd.NA], dtype="Int64"),
    ],
)
def test_nps_missing_answers_are_excluded_and_counted(scores: object) -> None:
    res = nps(scores)  # type: ignore[arg-type]
    assert (res.n, res.n_missing) == (3, 2)
    assert res.score == pytest.approx(100 * (2 / 3 - 1 / 3))


def test_nps_weighted_matches_independent_closed_form() -> None:
    scores = np.array([10, 9, 8, 7, 6, 2, 10, 5])
    w = np.array([1.0, 2.0, 0.5, 1.0, 3.0, 1.0, 0.5, 1.0])
    res = nps(scores, weights=w)
    p_pro = w[scores >= 9].sum() / w.sum()
    p_det = w[scores <= 6].sum() / w.sum()
    n_eff = w.sum() ** 2 / (w**2).sum()
    se = 100 * math.sqrt((p_pro + p_det - (p_pro - p_det) ** 2) / n_eff)
    assert res.score == pytest.approx(100 * (p_pro - p_det))
    assert res.se == pytest.approx(se)
    assert res.effective_n == pytest.approx(n_eff)
    z = stats.norm.ppf(0.975)
    assert res.ci_low == pytest.approx(res.score - z * se)


@settings(max_examples=60, deadline=None)
@given(nps_answers, st.randoms(use_true_random=False))
def test_nps_properties(scores: list[int], rnd: object) -> None:
    res = nps(scores)
    assert -100 <= res.ci_low <= res.score <= res.ci_high <= 100
    assert res.promoters + res.passives + res.detractors == pytest.approx(1.0)
    shuffled = list(scores)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    again = nps(shuffled)
    assert again.score == pytest.approx(res.score)
    assert again.se == pytest.approx(res.se)


@settings(max_examples=40, deadline=None)
@given(nps_answers, st.floats(min_value=0.1, max_value=50))
def test_nps_equal_weights_equal_unweighted(scores: list[int], w: float) -> None:
    plain, weighted = nps(scores), nps(scores, weights=[w] * len(scores))
    assert weighted.score == pytest.approx(plain.score)
    assert weighted.se == pytest.approx(plain.se)


@pytest.mark.parametrize(
    ("scores", "kwargs", "message"),
    [
        ([5, 11, 12], {}, "outside the scale 0–10: 11, 12"),
        ([5, -1], {}, "outside the scale"),
        ([8.5, 9], {}, "whole numbers"),
        (["good", 9], {}, "must be numbers"),
        ([None, float("nan")], {}, "no answers"),
        ([9, 10], {"weights": [1.0, -1.0]}, "non-negative"),
        ([9, 10], {"weights": [1.0]}, "1 weights given for 2 answers"),
        ([9, 10], {"confidence": 1.5}, "confidence"),
        (np.ones((2, 2)), {}, "one column"),
    ],
)
def test_nps_bad_input(scores: object, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        nps(scores, **kwargs)  # type: ignore[arg-type]


# --- CSAT ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scale", "scores"),
    [
        ((1, 5), [5, 4, 4, 3, 5, 2, 1, 4, 5, 5]),
        ((1, 7), [7, 6, 2, 5, 5, 6, 7, 3, 4]),
        ((1, 10), [10, 9, 8, 3, 7, 9, 10, 6]),
        ((0, 10), [0, 10, 9, 8, 5, 7, 10, 10, 6, 9, 2]),
    ],
)
def test_csat_intervals_match_scipy_and_statsmodels(
    scale: tuple[int, int], scores: list[int]
) -> None:
    res = csat(scores, scale=scale, top_k=2)
    x = np.array(scores, dtype=float)
    low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert res.mean == pytest.approx(x.mean())
    assert res.sd == pytest.approx(x.std(ddof=1))
    assert res.ci_low == pytest.approx(max(low, scale[0]))
    assert res.ci_high == pytest.approx(min(high, scale[1]))
    top = int(np.sum(x >= scale[1] - 1))
    wl, wh = proportion_confint(top, len(x), alpha=0.05, method="wilson")
    assert res.top_box_share == pytest.approx(top / len(x))
    assert (res.top_box_ci_low, res.top_box_ci_high) == pytest.approx((wl, wh))


def test_csat_top_k_threshold_and_clipping() -> None:
    res = csat([5, 5, 5, 4], scale=(1, 5), top_k=1)
    assert res.top_box_min == 5
    assert res.top_box_share == 0.75
    assert res.ci_high == 5.0  # the t interval (5.05) is clipped to the scale


@pytest.mark.parametrize(
    ("scores", "kwargs", "message"),
    [
        ([4, 6], {}, "outside the scale 1–5: 6"),
        ([4], {}, "too few respondents"),
        ([4, 5], {"top_k": 5}, "top_k"),
        ([4, 5], {"scale": (5, 1)}, "lowest < highest"),
    ],
)
def test_csat_bad_input(scores: list[int], kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        csat(scores, **kwargs)  # type: ignore[arg-type]


# --- CES -----------------------------------------------------------------------------


def test_ces_low_effort_definition_on_seven_and_five_points() -> None:
    seven = ces([1, 2, 3, 4, 5, 6, 7])
    assert seven.low_effort_share == pytest.approx(3 / 7)  # 5, 6, 7 = agree
    five = ces([1, 2, 3, 4, 5], scale=(1, 5))
    assert five.low_effort_share == pytest.approx(2 / 5)  # 4, 5
    effort_wording = ces([1, 2, 3, 4, 5], scale=(1, 5), higher_is_easier=False)
    assert effort_wording.low_effort_share == pytest.approx(2 / 5)  # 1, 2


def test_ces_wilson_interval_matches_statsmodels() -> None:
    res = ces([7, 6, 6, 5, 4, 3, 2, 7, 7, 1, None], scale=(1, 7))
    assert (res.n, res.n_missing) == (10, 1)
    wl, wh = proportion_confint(6, 10, alpha=0.05, method="wilson")
    assert (res.low_effort_ci_low, res.low_effort_ci_high) == pytest.approx((wl, wh))
    x = np.array([7, 6, 6, 5, 4, 3, 2, 7, 7, 1], dtype=float)
    assert (res.ci_low, res.ci_high) == pytest.approx(
        stats.t.interval(0.95, 9, loc=x.mean(), scale=stats.sem(x))
    )


def test_ces_out_of_scale_names_values() -> None:
    with pytest.raises(InvalidInput, match="outside the scale 1–7: 0, 9"):
        ces([0, 3, 9])


# --- Wilson --------------------------------------------------------------------------


@pytest.mark.parametrize(("k", "n"), [(0, 10), (10, 10), (3, 17), (50, 120), (1, 1)])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_matches_statsmodels(k: int, n: int, confidence: float) -> None:
    expected = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    assert wilson_interval(k, n, confidence) == pytest.approx(expected)


def test_wilson_bad_input() -> None:
    with pytest.raises(InvalidInput, match="between 0 and n"):
        wilson_interval(5, 3)


@given(
    st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
@settings(max_examples=200, deadline=None)
def test_two_proportion_z_equals_statsmodels(a: tuple[int, int], b: tuple[int, int]) -> None:
    z, p = two_proportion_z(a[0], a[1], b[0], b[1])
    pooled = (a[0] + b[0]) / (a[1] + b[1])
    if pooled in (0.0, 1.0):
        assert math.isnan(z) and math.isnan(p)
        return
    ref_z, ref_p = proportions_ztest([a[0], b[0]], [a[1], b[1]])
    assert z == pytest.approx(ref_z, rel=1e-12, abs=1e-12)
    assert p == pytest.approx(ref_p, rel=1e-9, abs=1e-15)


def test_two_proportion_z_pinned_and_bad_input() -> None:
    # 30/100 against 18/100: pooled 0.24, z = 0.12 / sqrt(0.24 * 0.76 * 0.02) = 1.98680
    # (statsmodels proportions_ztest: 1.9867985, p = 0.0469447).
    z, p = two_proportion_z(30, 100, 18, 100)
    assert (z, p) == pytest.approx((1.9867985355975655, 0.046944726978481836), rel=1e-12)
    with pytest.raises(InvalidInput):
        two_proportion_z(3, 0, 1, 5)
    with pytest.raises(InvalidInput):
        two_proportion_z(6, 5, 1, 5)
