"""effect_of_change: DiD regression pinned against statsmodels 0.15's formula API with
robust covariance, before/after tests against scipy.stats and statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats as sps
from statsmodels.stats.proportion import proportions_ztest

from manyi.errors import InvalidInput
from manyi.stats.change_effect import effect_of_change

TERMS = {"const": "Intercept", "post": "post", "treated": "treated", "post:treated": "post:treated"}


def make_panel(seed: int = 3, effect: float = 0.6) -> pd.DataFrame:
    """Weekly satisfaction (1-10) in four stores; stores A, B get a plan from week 9."""
    rng = np.random.default_rng(seed)
    rows = []
    for store, base in [("A", 7.0), ("B", 7.3), ("C", 7.6), ("D", 7.1)]:
        for week in range(1, 17):
            n = int(rng.integers(15, 30))
            lift = effect if store in ("A", "B") and week >= 9 else 0.0
            drift = 0.02 * week
            scores = np.clip(np.round(rng.normal(base + lift + drift, 1.4, n)), 0, 10)
            rows += [{"store": store, "week": week, "score": s} for s in scores]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return make_panel()


def reference(df: pd.DataFrame, outcome: pd.Series, **fit: object) -> object:
    frame = pd.DataFrame(
        {"y": outcome, "post": (df["week"] >= 9).astype(float), "treated": df["store"].isin(["A", "B"]).astype(float)}
    )  # fmt: skip
    return smf.ols("y ~ post * treated", data=frame).fit(**fit)


@pytest.mark.parametrize("cov_type", ["HC0", "HC1", "HC2", "HC3"])
def test_did_matches_statsmodels_formula_api(panel: pd.DataFrame, cov_type: str) -> None:
    res = effect_of_change(
        panel, "score", "week", 9, group="store", treated=["A", "B"], cov_type=cov_type
    )
    ref = reference(panel, panel["score"], cov_type=cov_type)
    did = res.did
    assert did is not None
    for ours, theirs in TERMS.items():
        assert did.coefficients.loc[ours, "estimate"] == pytest.approx(
            ref.params[theirs], rel=1e-10
        )
        assert did.coefficients.loc[ours, "std_error"] == pytest.approx(ref.bse[theirs], rel=1e-10)
        assert did.coefficients.loc[ours, "p_value"] == pytest.approx(
            ref.pvalues[theirs], rel=1e-8, abs=1e-300
        )
    ci = ref.conf_int().loc["post:treated"]
    assert did.ci_low == pytest.approx(ci[0], rel=1e-10)
    assert did.ci_high == pytest.approx(ci[1], rel=1e-10)
    assert did.cov_type == cov_type
    assert did.n == len(panel)


def test_did_clustered_by_week_matches_statsmodels(panel: pd.DataFrame) -> None:
    res = effect_of_change(
        panel, "score", "week", 9, group="store", treated=["A", "B"], cov_type="cluster"
    )
    ref = reference(
        panel, panel["score"], cov_type="cluster", cov_kwds={"groups": panel["week"]}, use_t=False
    )
    assert res.did is not None
    assert res.did.std_error == pytest.approx(ref.bse["post:treated"], rel=1e-10)
    assert res.did.p_value == pytest.approx(ref.pvalues["post:treated"], rel=1e-8)


def test_did_equals_difference_of_cell_mean_changes(panel: pd.DataFrame) -> None:
    res = effect_of_change(panel, "score", "week", 9, group="store", treated=["A", "B"])
    assert res.did is not None
    m = res.did.cell_means
    expected = (m.loc["treated", "after"] - m.loc["treated", "before"]) - (
        m.loc["control", "after"] - m.loc["control", "before"]
    )
    assert res.did.estimate == pytest.approx(expected, rel=1e-10)
    assert 0.3 < res.did.estimate < 0.9  # the simulated lift is 0.6
    assert res.did.p_value < 0.05  # fmt: skip


def test_pretrend_check_matches_statsmodels(panel: pd.DataFrame) -> None:
    res = effect_of_change(panel, "score", "week", 9, group="store", treated=["A", "B"])
    pre = panel[panel["week"] < 9].assign(
        treated=lambda d: d["store"].isin(["A", "B"]).astype(float)
    )
    ref = smf.ols("score ~ week * treated", data=pre).fit(cov_type="HC1")
    assert res.did is not None
    assert res.did.pretrend_p_value == pytest.approx(ref.pvalues["week:treated"], rel=1e-8)


def test_before_after_mean_is_welch_t(panel: pd.DataFrame) -> None:
    res = effect_of_change(panel, "score", "week", 9, group="store", treated=["A", "B"])
    seg = panel[panel["store"].isin(["A", "B"])]
    after, before = seg.loc[seg["week"] >= 9, "score"], seg.loc[seg["week"] < 9, "score"]
    ref = sps.ttest_ind(after, before, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert res.test == "Welch t"
    assert res.difference == pytest.approx(after.mean() - before.mean())
    assert res.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-8)
    assert (res.ci_low, res.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-10)
    assert res.summary.loc["after", "n"] == len(after)


def test_nps_effect_in_points(panel: pd.DataFrame) -> None:
    res = effect_of_change(panel, "score", "week", 9, group="store", treated=["A", "B"], kind="nps")
    coded = np.where(panel["score"] >= 9, 100.0, np.where(panel["score"] <= 6, -100.0, 0.0))
    ref = reference(panel, pd.Series(coded, index=panel.index), cov_type="HC1")
    assert res.did is not None
    assert res.did.estimate == pytest.approx(ref.params["post:treated"], rel=1e-10)
    assert res.did.std_error == pytest.approx(ref.bse["post:treated"], rel=1e-10)
    seg = coded[panel["store"].isin(["A", "B"]).to_numpy()]
    weeks = panel.loc[panel["store"].isin(["A", "B"]), "week"].to_numpy()
    a, b = seg[weeks >= 9], seg[weeks < 9]
    z = (a.mean() - b.mean()) / np.sqrt(a.var() / a.size + b.var() / b.size)  # trinomial variance
    assert res.test == "z (NPS)"
    assert res.statistic == pytest.approx(z, rel=1e-10)
    assert res.summary.loc["after", "estimate"] == pytest.approx(a.mean())


def test_top_box_proportion_without_control(panel: pd.DataFrame) -> None:
    res = effect_of_change(panel, "score", "week", 9, kind="proportion", threshold=9)
    hits = panel["score"] >= 9
    post = panel["week"] >= 9
    z, p = proportions_ztest([hits[post].sum(), hits[~post].sum()], [post.sum(), (~post).sum()])
    assert res.did is None
    assert res.statistic == pytest.approx(z, rel=1e-10)
    assert res.p_value == pytest.approx(p, rel=1e-8)
    assert res.difference == pytest.approx(hits[post].mean() - hits[~post].mean())


def test_dates_as_time() -> None:
    df = make_panel(seed=4)
    df["date"] = pd.Timestamp("2025-01-06") + pd.to_timedelta((df["week"] - 1) * 7, unit="D")
    a = effect_of_change(
        df, "score", "date", pd.Timestamp("2025-03-03"), group="store", treated=["A", "B"]
    )
    b = effect_of_change(df, "score", "week", 9, group="store", treated=["A", "B"])
    assert a.did is not None
    assert b.did is not None
    assert a.did.estimate == pytest.approx(b.did.estimate)
    assert a.did.pretrend_p_value == pytest.approx(b.did.pretrend_p_value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "median"}, "unknown kind"),
        ({"cov_type": "HC9"}, "unknown cov_type"),
        ({"group": "store"}, "give both group and treated"),
        ({"group": "store", "treated": "Z"}, "no rows of 'store' match"),
        ({"group": "store", "treated": ["A", "B", "C", "D"]}, "every row is treated"),
        ({"change_at": 99}, "no data after"),
        ({"change_at": "x"}, "cannot be compared"),
        ({"value": "nope"}, "unknown column"),
        ({"kind": "proportion"}, "pass threshold="),
        ({"confidence": 2}, "confidence"),
    ],
)
def test_effect_of_change_errors(
    panel: pd.DataFrame, kwargs: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {"value": "score", "time": "week", "change_at": 9, **kwargs}
    with pytest.raises(InvalidInput, match=message):
        effect_of_change(panel, **args)  # type: ignore[arg-type]
