"""Tests for manyi.stats.screening: each rule fires on the item built to break it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

from manyi.errors import InvalidInput
from manyi.stats.factor import kmo
from manyi.stats.reliability import item_analysis
from manyi.stats.screening import SCREENING_COLUMNS, screen_indicators


@pytest.fixture(scope="module")
def pilot() -> pd.DataFrame:
    """Two constructs of four good items each, plus three deliberately bad candidates."""
    rng = np.random.default_rng(11)
    n = 400
    f = rng.normal(size=(n, 2))
    data = {f"s{i}": f[:, 0] + 0.6 * rng.normal(size=n) for i in range(1, 5)}
    data.update({f"v{i}": f[:, 1] + 0.6 * rng.normal(size=n) for i in range(1, 5)})
    data["noise"] = rng.normal(size=n)  # unrelated to both constructs
    data["both"] = f[:, 0] + f[:, 1] + 0.6 * rng.normal(size=n)  # cross-loads
    data["misfiled"] = f[:, 1] + 0.6 * rng.normal(size=n)  # measures v, filed under s
    return pd.DataFrame(data)


GROUPS = {
    "service": ["s1", "s2", "s3", "s4", "noise", "misfiled"],
    "value": ["v1", "v2", "v3", "v4", "both"],
}


def test_flags_exactly_the_bad_items(pilot: pd.DataFrame) -> None:
    res = screen_indicators(pilot, GROUPS)
    assert list(res.columns) == list(SCREENING_COLUMNS)
    assert sorted(res.index[~res["keep"]]) == ["both", "misfiled", "noise"]
    noise = " ".join(res.loc["noise", "reasons"])
    assert "weak corrected item-total correlation" in noise
    assert "low factor loading" in noise
    assert any("cross-loads" in r for r in res.loc["both", "reasons"])
    assert any("while most items of 'service'" in r for r in res.loc["misfiled", "reasons"])
    for item in res.index:
        assert len(res.loc[item, "reasons"]) == len(res.loc[item, "reasons_zh"])
    assert "项目-总分相关" in " ".join(res.loc["noise", "reasons_zh"])


def test_statistics_agree_with_their_sources(pilot: pd.DataFrame) -> None:
    res = screen_indicators(pilot, GROUPS)
    service = pilot[GROUPS["service"]]
    assert res.loc["s1", "alpha"] == pytest.approx(
        pg.cronbach_alpha(service)[0], abs=1e-12
    )  # pingouin 0.7
    table = item_analysis(service)
    assert res.loc["noise", "item_total_r"] == pytest.approx(table.loc["noise", "item_total_r"])
    assert res.loc["noise", "alpha_if_deleted"] == pytest.approx(
        pg.cronbach_alpha(service.drop(columns="noise"))[0]
    )
    assert res["msa"].to_numpy() == pytest.approx(
        kmo(pilot[[*GROUPS["service"], *GROUPS["value"]]]).per_item.to_numpy()
    )


def test_single_construct_uses_parallel_analysis(pilot: pd.DataFrame) -> None:
    res = screen_indicators(pilot[["s1", "s2", "s3", "s4", "noise"]])
    assert (res["construct"] == "all").all()
    assert res["keep"].tolist() == [True, True, True, True, False]
    assert res["cross_loading"].isna().all()  # one factor: no cross-loading


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ({"a": ["s1"], "b": ["s2", "s3"]}, "at least 2"),
        ({"a": ["s1", "s2"], "b": ["s2", "s3"]}, "more than one construct"),
        ({"a": ["s1", "zzz"]}, "unknown column"),
    ],
)
def test_bad_groups(pilot: pd.DataFrame, groups: dict[str, list[str]], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        screen_indicators(pilot, groups)


def test_too_few_respondents(pilot: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="too few respondents"):
        screen_indicators(pilot.head(8))
