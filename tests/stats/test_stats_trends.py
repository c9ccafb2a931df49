"""Control charts pinned against Montgomery, Introduction to Statistical Quality Control
(6th ed.), on the data R qcc ships for his examples, and against hand computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from manyi.errors import InvalidInput
from manyi.stats.trends import c4, control_chart, western_electric

# R qcc::orangejuice (Montgomery Example 7.1): nonconforming cans in 30 samples of 50,
# then 24 samples after the machine was adjusted.
ORANGE_TRIAL = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]  # fmt: skip
ORANGE_AFTER = [9, 6, 12, 5, 6, 4, 6, 3, 7, 6, 2, 4, 3, 6, 5, 4, 8, 5, 6, 7, 5, 6, 3, 5]

# R qcc::pistonrings (Montgomery Example 6.3): inside diameters, 25 trial samples of 5.
PISTON = np.array([
    [74.030, 74.002, 74.019, 73.992, 74.008], [73.995, 73.992, 74.001, 74.011, 74.004],
    [73.988, 74.024, 74.021, 74.005, 74.002], [74.002, 73.996, 73.993, 74.015, 74.009],
    [73.992, 74.007, 74.015, 73.989, 74.014], [74.009, 73.994, 73.997, 73.985, 73.993],
    [73.995, 74.006, 73.994, 74.000, 74.005], [73.985, 74.003, 73.993, 74.015, 73.988],
    [74.008, 73.995, 74.009, 74.005, 74.004], [73.998, 74.000, 73.990, 74.007, 73.995],
    [73.994, 73.998, 73.994, 73.995, 73.990], [74.004, 74.000, 74.007, 74.000, 73.996],
    [73.983, 74.002, 73.998, 73.997, 74.012], [74.006, 73.967, 73.994, 74.000, 73.984],
    [74.012, 74.014, 73.998, 73.999, 74.007], [74.000, 73.984, 74.005, 73.998, 73.996],
    [73.994, 74.012, 73.986, 74.005, 74.007], [74.006, 74.010, 74.018, 74.003, 74.000],
    [73.984, 74.002, 74.003, 74.005, 73.997], [74.000, 74.010, 74.013, 74.020, 74.003],
    [73.988, 74.001, 74.009, 74.005, 73.996], [74.004, 73.999, 73.990, 74.006, 74.009],
    [74.010, 73.989, 73.990, 74.009, 74.014], [74.015, 74.008, 73.993, 74.000, 74.010],
    [73.982, 73.984, 73.995, 74.017, 74.013],
])  # fmt: skip


def test_p_chart_matches_montgomery_example_7_1() -> None:
    chart = control_chart(pd.Series(ORANGE_TRIAL, index=range(1, 31)), "p", n=50)
    # Montgomery: p̄ = 347/1500 = 0.2313, UCL = 0.4102, LCL = 0.0524; samples 15 and 23 out.
    assert chart.center == pytest.approx(347 / 1500)
    assert chart.table["ucl"].iloc[0] == pytest.approx(0.4102, abs=5e-5)
    assert chart.table["lcl"].iloc[0] == pytest.approx(0.0524, abs=5e-5)
    assert chart.signals == (15, 23)
    hand = 347 / 1500 + 3 * np.sqrt(347 / 1500 * (1 - 347 / 1500) / 50)
    assert chart.table["ucl"].iloc[0] == pytest.approx(hand, rel=1e-12)


def test_revised_p_chart_matches_montgomery() -> None:
    # Samples 15 and 23 had assignable causes; revised limits: p̄ = 0.2150,
    # UCL = 0.3893, LCL = 0.0407, and sample 21 (0.40) then plots above the UCL.
    kept = [x for i, x in enumerate(ORANGE_TRIAL, start=1) if i not in (15, 23)]
    chart = control_chart(kept, "p", n=50)
    assert chart.center == pytest.approx(0.2150, abs=5e-5)
    assert chart.table["ucl"].iloc[0] == pytest.approx(0.3893, abs=5e-5)
    assert chart.table["lcl"].iloc[0] == pytest.approx(0.0407, abs=5e-5)
    assert chart.table["value"].iloc[19] == pytest.approx(0.40)
    assert chart.table["out_of_control"].iloc[19]


def test_p_chart_phase_two_uses_baseline_limits() -> None:
    chart = control_chart(ORANGE_TRIAL + ORANGE_AFTER, "p", n=50, baseline=30, rules=(1, 4))
    assert chart.center == pytest.approx(347 / 1500)
    assert chart.baseline == 30
    after = chart.table.iloc[30:]
    assert (after["center"] == chart.center).all()
    # After the adjustment the process improved: sample 41 (2/50) is below the old LCL
    # and from sample 34 on every point is below the centre line (rule 4 from sample 41).
    assert after.loc[40, "rules"] == "1,4"
    assert list(after.index[after["rules"].str.contains("4")]) == list(range(40, 54))


def test_p_chart_variable_sample_sizes_by_hand() -> None:
    x = pd.Series([8, 20, 5, 30], index=["w1", "w2", "w3", "w4"])
    n = [100, 150, 50, 200]
    chart = control_chart(x, "p", n=n)
    p_bar = 63 / 500
    sig = np.sqrt(p_bar * (1 - p_bar) / np.array(n))
    np.testing.assert_allclose(chart.table["ucl"], p_bar + 3 * sig)
    np.testing.assert_allclose(chart.table["lcl"], np.clip(p_bar - 3 * sig, 0, 1))
    np.testing.assert_allclose(chart.table["z"], (x.to_numpy() / n - p_bar) / sig)
    assert chart.sigma == pytest.approx(np.sqrt(p_bar * (1 - p_bar)))


def test_c4_constants_match_montgomery_appendix() -> None:
    # Montgomery Appendix Table VI: c4 = 0.7979 (n=2), 0.9400 (n=5), 0.9727 (n=10).
    np.testing.assert_allclose(c4(np.array([2.0, 5.0, 10.0])), [0.7979, 0.9400, 0.9727], atol=5e-5)


def test_xbar_chart_matches_montgomery_example_6_3() -> None:
    means = PISTON.mean(axis=1)
    sds = PISTON.std(axis=1, ddof=1)
    chart = control_chart(means, "xbar", n=5, sd=sds)
    # Montgomery: x̿ = 74.001, s̄ = 0.0094, UCL = 74.014, LCL = 73.988 (A3 = 1.427).
    assert chart.center == pytest.approx(74.001, abs=5e-4)
    assert chart.table["ucl"].iloc[0] == pytest.approx(74.014, abs=5e-4)
    assert chart.table["lcl"].iloc[0] == pytest.approx(73.988, abs=5e-4)
    a3 = 3 / (c4(np.array([5.0]))[0] * np.sqrt(5))
    assert a3 == pytest.approx(1.427, abs=5e-4)
    assert chart.table["ucl"].iloc[0] == pytest.approx(means.mean() + a3 * sds.mean(), rel=1e-12)
    assert chart.signals == ()


def test_xbar_chart_variable_n_uses_pooled_sd() -> None:
    means, sds, n = [4.1, 4.3, 3.9, 4.0], [0.8, 0.9, 0.7, 1.0], [20, 35, 15, 30]
    chart = control_chart(means, "xbar", n=n, sd=sds)
    nn, ss = np.array(n, float), np.array(sds)
    s_bar = np.sqrt(((nn - 1) * ss**2).sum() / (nn - 1).sum())  # Montgomery eq. 6.31
    grand = (nn * np.array(means)).sum() / nn.sum()
    np.testing.assert_allclose(chart.table["ucl"], grand + 3 * s_bar / (c4(nn) * np.sqrt(nn)))
    known = control_chart(means, "xbar", n=n, sigma=0.85)
    np.testing.assert_allclose(known.table["ucl"], grand + 3 * 0.85 / np.sqrt(nn))


def test_ewma_matches_montgomery_example_9_2() -> None:
    # Montgomery Example 9.2: mu0 = 10, sigma = 1, lambda = 0.1, L = 2.7; x1 = 9.45,
    # x2 = 7.99 give z1 = 9.945, z2 = 9.7495; limits 10.27, 10.36 ... -> 10.62.
    x = [9.45, 7.99] + [10.0] * 60
    chart = control_chart(x, "ewma", center=10, sigma=1, lam=0.1, limit_sigmas=2.7)
    assert chart.table["value"].iloc[0] == pytest.approx(9.945)
    assert chart.table["value"].iloc[1] == pytest.approx(9.7495)
    assert chart.table["ucl"].iloc[0] == pytest.approx(10.27, abs=5e-3)
    assert chart.table["ucl"].iloc[1] == pytest.approx(10.36, abs=5e-3)
    assert chart.table["ucl"].iloc[-1] == pytest.approx(10 + 2.7 * np.sqrt(0.1 / 1.9), abs=1e-6)
    assert chart.table["lcl"].iloc[0] == pytest.approx(9.73, abs=5e-3)
    assert chart.lam == 0.1


def test_ewma_detects_a_small_lasting_drop() -> None:
    rng = np.random.default_rng(5)
    weekly = np.concatenate([rng.normal(8.0, 0.3, 20), rng.normal(7.7, 0.3, 15)])
    ewma = control_chart(weekly, "ewma", baseline=20)
    assert any(int(s) >= 20 for s in ewma.signals)
    sigma = np.mean(np.abs(np.diff(weekly[:20]))) / 1.128  # Montgomery §6.4
    assert ewma.sigma == pytest.approx(sigma)


@pytest.mark.parametrize(
    ("z", "rule", "flagged"),
    [
        ([0, 0.5, 3.2, 0], 1, [2]),
        ([0, 2.5, 0.3, 2.1], 2, [3]),
        ([0, -2.5, -2.2, 0], 2, [2]),
        ([1.5, 1.2, 0.2, 1.1, 1.4], 3, [4]),
        ([0.1, 0.2, 0.3, 0.1, 0.4, 0.2, 0.6, 0.1, -0.2], 4, [7]),
    ],
)
def test_western_electric_rules(z: list[float], rule: int, flagged: list[int]) -> None:
    hits = western_electric(np.array(z), [rule])
    assert [i for i, h in enumerate(hits) if h] == flagged
    assert all(h == str(rule) for h in hits if h)


def test_runs_rules_on_a_chart() -> None:
    x = [20] * 4 + [29, 30, 20, 20] + [22] * 8  # sigma_p = 0.04: z = 2.25, 2.5, 0.5
    chart = control_chart(x, "p", n=100, center=0.2, rules=(1, 2, 3, 4))
    assert chart.table.loc[5, "rules"] == "2"
    assert "4" in chart.table.loc[15, "rules"]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ([[1, 2, 3], "u"], {"n": 5}, "unknown chart kind"),
        ([[1, 2, 3], "p"], {}, "n .answers per period. is required"),
        ([[1, 2, 9], "p"], {"n": 5}, "between 0 and n"),
        ([[1, 2, 3], "p"], {"n": [5, 5]}, "one value per period"),
        ([[1.0, 2.0, 3.0], "xbar"], {"n": 5}, "needs sd"),
        ([[1.0, 2.0, 3.0], "ewma"], {"rules": (1, 2)}, "EWMA values are correlated"),
        ([[1.0, 2.0, 3.0], "ewma"], {"lam": 1.5}, "lam must lie"),
        ([[1.0, 2.0, 3.0], "ewma"], {"rules": (5,)}, "numbered 1 to 4"),
        ([[1.0, None, 3.0], "ewma"], {}, "missing values"),
        ([[1.0, 2.0, 3.0], "ewma"], {"baseline": 9}, "baseline must be"),
        ([[2.0, 2.0, 2.0], "ewma"], {}, "sigma is zero"),
        ([[0, 0, 0], "p"], {"n": 5}, "needs 0 < p̄ < 1"),
        ([[1.0], "ewma"], {}, "too few respondents"),
    ],
)
def test_control_chart_errors(args: list[object], kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        control_chart(*args, **kwargs)  # type: ignore[arg-type]
