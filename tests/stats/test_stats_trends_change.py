"""Change points: tabular CUSUM pinned to Lucas & Crosier (1982), Table 5, and to
Montgomery's new-mean estimate; binary segmentation checked against exhaustive search."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from manyi.errors import InvalidInput
from manyi.stats.trends_change import change_points

# Lucas & Crosier (1982), Technometrics 24:199, Table 5 (h = 5, k = 0.5), standardised data.
LC_DATA = [0.8, 1.9, 1.4, 2.0, 1.1, 0.7, 2.6]
LC_CUSUM = [0.3, 1.7, 2.6, 4.1, 4.7, 4.9, 7.0]
LC_FIR = [2.8, 4.2, 5.1]


def test_cusum_matches_lucas_crosier_table_5() -> None:
    res = change_points(LC_DATA, "cusum", target=0, sigma=1, k=0.5, h=5)
    np.testing.assert_allclose(res.table["upper"], LC_CUSUM, atol=1e-12)
    assert list(res.changes["signalled_at"]) == [6]  # observation 7
    assert res.changes.loc[0, "direction"] == "up"
    # Montgomery eq. 9.4: new mean = mu0 + K + C+/N+ = 0 + 0.5 + 7.0/7
    assert res.changes.loc[0, "after"] == pytest.approx(1.5)
    assert res.changes.loc[0, "start"] == 0


def test_cusum_head_start_matches_lucas_crosier_fir() -> None:
    res = change_points(LC_DATA, "cusum", target=0, sigma=1, head_start=2.5)
    np.testing.assert_allclose(res.table["upper"].iloc[:3], LC_FIR, atol=1e-12)
    assert list(res.changes["signalled_at"]) == [2]  # observation 3
    # the head start is not part of the level estimate: mean of the first three values
    assert res.changes.loc[0, "after"] == pytest.approx(np.mean(LC_DATA[:3]))
    assert res.parameters["head_start"] == 2.5


def test_cusum_signals_a_downward_shift_promptly_and_binseg_dates_it() -> None:
    rng = np.random.default_rng(11)
    values = np.concatenate([rng.normal(50, 1, 30), rng.normal(46, 1, 30)])
    series = pd.Series(values, index=pd.period_range("2024-01", periods=60, freq="W"))
    res = change_points(series, "cusum", target=50, sigma=1)
    first = res.changes.iloc[0]
    assert first["direction"] == "down"
    assert series.index.get_loc(first["signalled_at"]) in range(30, 34)  # ARL(4 sigma) ~ 2
    assert (res.changes["direction"] == "down").all()
    assert (res.table["lower"] >= 0).all()
    # CUSUM's start estimate (i - N) can run early; retrospective binseg pins it down.
    seg = change_points(series, "binseg")
    assert len(seg.changes) == 1
    assert abs(int(seg.changes.loc[0, "position"]) - 30) <= 2
    assert seg.changes.loc[0, "after"] == pytest.approx(46, abs=1.0)


def test_binseg_first_split_is_the_exhaustive_least_squares_split() -> None:
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.normal(0, 1, 23), rng.normal(2, 1, 17)])
    res = change_points(x, "binseg", max_changes=1)
    sse = [
        ((x[:t] - x[:t].mean()) ** 2).sum() + ((x[t:] - x[t:].mean()) ** 2).sum()
        for t in range(2, 39)
    ]
    assert res.changes.loc[0, "position"] == 2 + int(np.argmin(sse))
    assert res.changes.loc[0, "before"] == pytest.approx(x[: res.changes.loc[0, "position"]].mean())


def test_binseg_finds_two_changes_and_levels() -> None:
    x = [30.0, 31, 29, 30, 32, 30, 24, 23, 25, 24, 23, 24, 28, 29, 27, 28, 28, 29]
    res = change_points(pd.Series(x, index=[f"w{i}" for i in range(18)]), "binseg")
    assert list(res.changes["start"]) == ["w6", "w12"]
    assert list(res.changes["direction"]) == ["down", "up"]
    assert list(res.table["segment"]) == [0] * 6 + [1] * 6 + [2] * 6
    assert res.table["level"].iloc[0] == pytest.approx(np.mean(x[:6]))


def test_binseg_penalty_controls_detection() -> None:
    x = [10.0, 10.4, 9.8, 10.1, 9.9, 10.3, 10.0, 9.7, 10.2, 10.1]
    assert change_points(x, "binseg").changes.empty  # stable series
    assert not change_points(x, "binseg", penalty=1e-6).changes.empty  # no penalty: splits


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ([[1.0, 2, 3, 4], "pelt"], {}, "unknown method"),
        ([[1.0, 2, 3]], {}, "too few respondents"),
        ([[1.0, None, 3, 4]], {}, "without missing"),
        ([[1.0, 2, 3, 4]], {"h": 0}, "h > 0"),
        ([[2.0, 2, 2, 2]], {}, "does not vary"),
        ([[2.0, 2, 2, 2], "binseg"], {}, "does not vary"),
        ([[1.0, 2, 3, 4], "binseg"], {"min_size": 0}, "min_size"),
    ],
)
def test_change_point_errors(args: list[object], kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        change_points(*args, **kwargs)  # type: ignore[arg-type]
