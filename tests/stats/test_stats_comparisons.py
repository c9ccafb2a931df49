"""compare_groups pinned against scipy.stats 1.17, statsmodels 0.15 and pingouin 0.7
on pingouin's bundled penguins and tips data, and against published examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats as sps
from statsmodels.stats.multicomp import pairwise_tukeyhsd
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_effectsize,
    proportions_ztest,
)

from manyi.errors import InvalidInput
from manyi.stats.comparisons import compare_groups


@pytest.fixture(scope="module")
def penguins() -> pd.DataFrame:
    return pg.read_dataset("penguins")


@pytest.fixture(scope="module")
def tips() -> pd.DataFrame:
    return pg.read_dataset("tips")


def make_nps(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = []
    for name, probs in [
        ("app", [0.15, 0.25, 0.6]),
        ("phone", [0.35, 0.3, 0.35]),
        ("store", [0.25, 0.3, 0.45]),
    ]:
        bucket = rng.choice(3, size=120, p=probs)
        score = np.where(
            bucket == 0,
            rng.integers(0, 7, 120),
            np.where(bucket == 1, rng.integers(7, 9, 120), rng.integers(9, 11, 120)),
        )
        parts.append(pd.DataFrame({"score": score, "channel": name}))
    return pd.concat(parts, ignore_index=True)  # fmt: skip


# ---- means -----------------------------------------------------------------------------


def test_welch_t_matches_scipy_and_pingouin(penguins: pd.DataFrame) -> None:
    res = compare_groups(penguins, "body_mass_g", "sex")
    data = penguins.dropna(subset=["body_mass_g", "sex"])
    f = data.loc[data["sex"] == "female", "body_mass_g"].to_numpy()
    m = data.loc[data["sex"] == "male", "body_mass_g"].to_numpy()
    ref = sps.ttest_ind(f, m, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert res.test == "Welch t"
    assert res.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert res.df1 == pytest.approx(ref.df, rel=1e-10)
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-8)
    pair = res.pairwise.iloc[0]
    assert pair["ci_low"] == pytest.approx(ci.low, rel=1e-10)
    assert pair["ci_high"] == pytest.approx(ci.high, rel=1e-10)
    # pingouin 0.7 Hedges' g
    assert res.effect_size == pytest.approx(pg.compute_effsize(f, m, eftype="hedges"), rel=1e-10)
    assert res.effect_size_name == "hedges_g"
    assert res.n_dropped == int(penguins[["body_mass_g", "sex"]].isna().any(axis=1).sum())
    assert res.summary.loc["female", "estimate"] == pytest.approx(f.mean())


def test_anova_and_welch_anova_match_pingouin(penguins: pd.DataFrame) -> None:
    res = compare_groups(penguins, "body_mass_g", "species")
    welch = pg.welch_anova(data=penguins, dv="body_mass_g", between="species").iloc[0]
    classic = pg.anova(data=penguins, dv="body_mass_g", between="species").iloc[0]
    assert res.test == "Welch ANOVA"
    assert res.statistic == pytest.approx(welch["F"], rel=1e-10)
    assert res.df2 == pytest.approx(welch["ddof2"], rel=1e-10)
    assert res.p_value == pytest.approx(welch["p_unc"], rel=1e-6)
    row = res.omnibus.loc["one-way ANOVA"]
    assert row["statistic"] == pytest.approx(classic["F"], rel=1e-10)
    assert row["df2"] == classic["ddof2"]
    assert res.effect_size == pytest.approx(classic["np2"], rel=1e-10)  # eta² (one-way)
    assert res.n_dropped == 2


def test_omega_squared_by_hays_formula(penguins: pd.DataFrame) -> None:
    # Hays (1963): omega² = (SS_b - (k-1) MSE) / (SS_t + MSE), from pingouin's detailed table.
    res = compare_groups(penguins, "body_mass_g", "species")
    table = pg.anova(data=penguins, dv="body_mass_g", between="species", detailed=True)
    ss_b, ss_w = table.loc[0, "SS"], table.loc[1, "SS"]
    mse = table.loc[1, "MS"]
    expected = (ss_b - 2 * mse) / (ss_b + ss_w + mse)
    assert res.omnibus.loc["Welch ANOVA", "omega_squared"] == pytest.approx(expected, rel=1e-10)


def test_games_howell_matches_pingouin(penguins: pd.DataFrame) -> None:
    res = compare_groups(penguins, "body_mass_g", "species", posthoc="games-howell")
    ref = pg.pairwise_gameshowell(data=penguins, dv="body_mass_g", between="species")
    assert res.posthoc == "games-howell"
    assert list(res.pairwise["group_a"]) == list(ref["A"])
    np.testing.assert_allclose(res.pairwise["difference"], ref["diff"], rtol=1e-10)
    np.testing.assert_allclose(res.pairwise["statistic"], ref["T"], rtol=1e-10)
    np.testing.assert_allclose(res.pairwise["df"], ref["df"], rtol=1e-10)
    # p values below ~1e-9 are numerical noise of the studentised-range integral
    np.testing.assert_allclose(res.pairwise["p_value"], ref["pval"], atol=1e-9)
    np.testing.assert_allclose(res.pairwise["effect_size"], ref["hedges"], rtol=1e-10)
    # already family-wise: no second correction
    np.testing.assert_allclose(res.pairwise["p_adjusted"], res.pairwise["p_value"])
    assert res.correction is None


def test_tukey_matches_statsmodels(tips: pd.DataFrame) -> None:
    res = compare_groups(tips, "tip", "day", posthoc="tukey")
    ref = pairwise_tukeyhsd(tips["tip"], tips["day"])
    # statsmodels reports group2 - group1; we report group_a - group_b
    assert list(res.pairwise["group_a"]) == list(ref.groupsunique[ref._multicomp.pairindices[0]])
    np.testing.assert_allclose(res.pairwise["difference"], -ref.meandiffs, rtol=1e-10)
    np.testing.assert_allclose(res.pairwise["p_value"], ref.pvalues, atol=1e-6)
    np.testing.assert_allclose(res.pairwise["ci_low"], -ref.confint[:, 1], rtol=1e-6)
    np.testing.assert_allclose(res.pairwise["ci_high"], -ref.confint[:, 0], rtol=1e-6)
    assert list(res.pairwise["reject"]) == list(ref.reject)


def test_pairwise_welch_with_bonferroni_and_holm(tips: pd.DataFrame) -> None:
    res = compare_groups(tips, "tip", "day", correction="bonferroni", posthoc="welch")
    raw = []
    for a, b in zip(res.pairwise["group_a"], res.pairwise["group_b"], strict=True):
        raw.append(
            sps.ttest_ind(
                tips.loc[tips["day"] == a, "tip"],
                tips.loc[tips["day"] == b, "tip"],
                equal_var=False,
            ).pvalue
        )
    np.testing.assert_allclose(res.pairwise["p_value"], raw, rtol=1e-8)
    np.testing.assert_allclose(
        res.pairwise["p_adjusted"], np.minimum(1, np.array(raw) * 6), rtol=1e-8
    )
    holm = compare_groups(tips, "tip", "day", correction="holm", posthoc="welch")
    np.testing.assert_allclose(
        holm.pairwise["p_adjusted"], multipletests(raw, method="holm")[1], rtol=1e-8
    )
    fdr = compare_groups(tips, "tip", "day", correction="fdr_bh", posthoc="welch")
    np.testing.assert_allclose(
        fdr.pairwise["p_adjusted"], multipletests(raw, method="fdr_bh")[1], rtol=1e-8
    )
    none = compare_groups(tips, "tip", "day", correction=None, posthoc="welch")
    np.testing.assert_allclose(none.pairwise["p_adjusted"], raw, rtol=1e-8)  # fmt: skip


def test_holm_by_hand() -> None:
    # Holm (1979) step-down on p = (0.01, 0.04, 0.03): 0.03, 0.06, 0.06.
    assert multipletests([0.01, 0.04, 0.03], method="holm")[1] == pytest.approx([0.03, 0.06, 0.06])


# ---- NPS -------------------------------------------------------------------------------


def test_nps_standard_error_matches_published_example() -> None:
    # Cross Validated q. 18603 (whuber): 1/2 promoters, 1/3 passives, 1/6 detractors ->
    # NPS 1/3 and per-respondent variance 5/9, so SE = 100 * sqrt(5/9 / n).
    scores = [10, 9, 9, 7, 8, 3] * 20 + [10, 10, 10, 8, 7, 0] * 20
    data = pd.DataFrame({"score": scores, "g": ["a"] * 120 + ["b"] * 120})
    res = compare_groups(data, "score", "g", kind="nps")
    assert res.summary.loc["a", "estimate"] == pytest.approx(100 / 3)
    assert res.summary.loc["a", "std_error"] == pytest.approx(100 * np.sqrt(5 / 9 / 120))
    assert res.statistic == pytest.approx(0.0)


def test_nps_z_test_equals_z_test_on_coded_scores() -> None:
    # NPS = 100 * mean of the +1/0/-1 coding; the z test is the two-sample z test on
    # that coding with maximum-likelihood variances.
    data = make_nps()
    two = data[data["channel"] != "store"]
    res = compare_groups(two, "score", "channel", kind="nps")
    code = np.where(two["score"] >= 9, 1, np.where(two["score"] <= 6, -1, 0))
    a, b = code[two["channel"] == "app"], code[two["channel"] == "phone"]
    z = (a.mean() - b.mean()) / np.sqrt(a.var() / a.size + b.var() / b.size)
    assert res.test == "z (NPS)"
    assert res.statistic == pytest.approx(z, rel=1e-12)
    assert res.p_value == pytest.approx(2 * sps.norm.sf(abs(z)), rel=1e-10)
    assert res.effect_size == pytest.approx(100 * (a.mean() - b.mean()))


def test_nps_three_groups_wald_homogeneity() -> None:
    res = compare_groups(make_nps(), "score", "channel", kind="nps", correction="holm")
    s = res.summary
    w = 1 / s["std_error"] ** 2
    pooled = (w * s["estimate"]).sum() / w.sum()
    q = (w * (s["estimate"] - pooled) ** 2).sum()
    assert res.test == "Wald chi-square (NPS)"
    assert res.statistic == pytest.approx(q)
    assert res.p_value == pytest.approx(sps.chi2.sf(q, 2))
    assert len(res.pairwise) == 3
    np.testing.assert_allclose(
        res.pairwise["p_adjusted"], multipletests(res.pairwise["p_value"], method="holm")[1]
    )


def test_nps_rejects_answers_outside_0_10() -> None:
    data = pd.DataFrame({"score": [9, 11, 3, 8], "g": ["a", "a", "b", "b"]})
    with pytest.raises(InvalidInput, match="outside the scale 0–10"):
        compare_groups(data, "score", "g", kind="nps")


# ---- proportions -----------------------------------------------------------------------


def test_two_proportions_match_statsmodels(tips: pd.DataFrame) -> None:
    # top box: tip of at least 3 dollars, smokers vs non-smokers
    res = compare_groups(tips, "tip", "smoker", kind="proportion", threshold=3)
    hits = tips["tip"] >= 3
    counts = np.array([hits[tips["smoker"] == "No"].sum(), hits[tips["smoker"] == "Yes"].sum()])
    nobs = np.array([(tips["smoker"] == "No").sum(), (tips["smoker"] == "Yes").sum()])
    z, p = proportions_ztest(counts, nobs)
    low, high = confint_proportions_2indep(counts[0], nobs[0], counts[1], nobs[1], method="wald")
    assert res.test == "z (proportions)"
    assert res.statistic == pytest.approx(z, rel=1e-12)
    assert res.p_value == pytest.approx(p, rel=1e-10)
    assert res.pairwise.loc[0, "ci_low"] == pytest.approx(low, rel=1e-10)
    assert res.pairwise.loc[0, "ci_high"] == pytest.approx(high, rel=1e-10)
    h = proportion_effectsize(counts[0] / nobs[0], counts[1] / nobs[1])
    assert res.effect_size == pytest.approx(h, rel=1e-10)


def test_wilson_interval_matches_newcombe_1998() -> None:
    # Newcombe (1998), Stat Med 17:857, example 81/263: Wilson 0.2553 to 0.3662.
    data = pd.DataFrame({"top": [1] * 81 + [0] * 182 + [1, 0], "g": ["a"] * 263 + ["b", "b"]})
    res = compare_groups(data, "top", "g", kind="proportion")
    assert res.summary.loc["a", "ci_low"] == pytest.approx(0.2553, abs=5e-5)
    assert res.summary.loc["a", "ci_high"] == pytest.approx(0.3662, abs=5e-5)


def test_k_proportions_chi_square_matches_scipy(tips: pd.DataFrame) -> None:
    res = compare_groups(tips, "tip", "day", kind="proportion", threshold=3)
    table = pd.crosstab(tips["day"], tips["tip"] >= 3)
    ref = sps.chi2_contingency(table.to_numpy(), correction=False)
    assert res.test == "chi-square"
    assert res.statistic == pytest.approx(ref.statistic)
    assert res.p_value == pytest.approx(ref.pvalue)
    assert res.effect_size == pytest.approx(
        sps.contingency.association(table.to_numpy(), method="cramer")
    )


def test_proportion_needs_binary_or_threshold(tips: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="pass threshold="):
        compare_groups(tips, "tip", "smoker", kind="proportion")


# ---- distributions ---------------------------------------------------------------------


def test_distribution_chi_square_matches_pingouin() -> None:
    data = pg.read_dataset("chi2_independence")
    res = compare_groups(data, "cp", "sex", kind="distribution")
    _, _, stats = pg.chi2_independence(data, x="cp", y="sex", correction=False)
    pearson = stats[stats["test"] == "pearson"].iloc[0]
    assert res.statistic == pytest.approx(pearson["chi2"], rel=1e-10)
    assert res.df1 == pearson["dof"]
    assert res.p_value == pytest.approx(pearson["pval"], rel=1e-8)
    assert res.effect_size == pytest.approx(pearson["cramer"], rel=1e-10)
    assert res.summary.drop(columns="n").sum(axis=1).to_numpy() == pytest.approx([1, 1])


def test_distribution_flags_small_expected_counts() -> None:
    data = pd.DataFrame({"answer": list("aabbc" * 2) + list("abccc"), "g": ["x"] * 10 + ["y"] * 5})
    res = compare_groups(data, "answer", "g", kind="distribution")
    assert any("expected counts are below 5" in n for n in res.notes)


# ---- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"value": "nope"}, "unknown column"),
        ({"kind": "median"}, "unknown kind"),
        ({"correction": "sidak"}, "unknown correction"),
        ({"posthoc": "scheffe"}, "unknown posthoc"),
        ({"confidence": 0}, "confidence"),
        ({"value": "sex"}, "must be numeric"),
    ],
)
def test_bad_arguments(penguins: pd.DataFrame, kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"value": "body_mass_g", "group": "species", **kwargs}
    with pytest.raises(InvalidInput, match=message):
        compare_groups(penguins, **args)  # type: ignore[arg-type]


def test_one_group_or_tiny_group_is_refused() -> None:
    with pytest.raises(InvalidInput, match="at least two are needed"):
        compare_groups(pd.DataFrame({"v": [1, 2], "g": ["a", "a"]}), "v", "g")
    with pytest.raises(InvalidInput, match="fewer than 2 answers"):
        compare_groups(pd.DataFrame({"v": [1, 2, 3], "g": ["a", "a", "b"]}), "v", "g")
    with pytest.raises(InvalidInput, match="constant"):
        compare_groups(pd.DataFrame({"v": [1, 1, 3, 3], "g": ["a", "a", "b", "b"]}), "v", "g")
