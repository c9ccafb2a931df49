"""Tests for manyi.stats.reliability, pinned to pingouin, R psych and R plspm output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

from manyi.errors import InvalidInput
from manyi.stats.reliability import (
    average_variance_extracted,
    composite_reliability,
    cronbach_alpha,
    item_analysis,
)
from shared_data import ROOT as SHARED_ROOT
from shared_data import shared_file

DATA = SHARED_ROOT / "stats"


@pytest.fixture(autouse=True)
def _reference_data() -> None:
    shared_file("stats")


BLOCKS = {
    "IMAG": ["imag1", "imag2", "imag3", "imag4", "imag5"],
    "EXPE": ["expe1", "expe2", "expe3", "expe4", "expe5"],
    "QUAL": ["qual1", "qual2", "qual3", "qual4", "qual5"],
    "VAL": ["val1", "val2", "val3", "val4"],
    "SAT": ["sat1", "sat2", "sat3", "sat4"],
    "LOY": ["loy1", "loy2", "loy3", "loy4"],
}


@pytest.fixture(scope="module")
def satisfaction() -> pd.DataFrame:
    return pd.read_csv(DATA / "satisfaction.csv").drop(columns="gender")


def test_alpha_matches_published_pingouin_example() -> None:
    # pingouin docs / R psych::alpha: alpha 0.5917188485995826, 95 % CI [0.195, 0.840].
    long = pd.read_csv(DATA / "cronbach_alpha_long.csv")
    wide = long.pivot(index="Subj", columns="Items", values="Scores")
    res = cronbach_alpha(wide)
    assert res.alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert (round(res.ci_low, 3), round(res.ci_high, 3)) == (0.195, 0.840)
    assert (res.n, res.k) == (15, 10)


@pytest.mark.parametrize("block", list(BLOCKS))
def test_alpha_matches_pingouin_on_satisfaction_blocks(
    satisfaction: pd.DataFrame, block: str
) -> None:
    items = satisfaction[BLOCKS[block]]
    expected, ci = pg.cronbach_alpha(items)  # pingouin 0.7
    res = cronbach_alpha(items)
    assert res.alpha == pytest.approx(expected, abs=1e-12)
    assert (round(res.ci_low, 3), round(res.ci_high, 3)) == pytest.approx(tuple(ci), abs=1e-9)


@pytest.mark.parametrize("block", list(BLOCKS))
def test_standardized_alpha_matches_r_plspm(satisfaction: pd.DataFrame, block: str) -> None:
    # R plspm's unidimensionality table reports the standardized Cronbach's alpha.
    unidim = pd.read_csv(
        DATA / "satisfaction_R_plspm_output" / "satisfaction_unidim.csv", index_col=0
    )
    res = cronbach_alpha(satisfaction[BLOCKS[block]])
    assert res.standardized_alpha == pytest.approx(unidim.loc[block, "cronbach_alpha"], abs=1e-10)


def test_alpha_with_missing_answers_listwise_and_pairwise(satisfaction: pd.DataFrame) -> None:
    items = satisfaction[BLOCKS["QUAL"]].copy()
    items.iloc[[3, 10, 40], 0] = np.nan
    items.iloc[[5, 10], 2] = np.nan
    listwise = cronbach_alpha(items, nan_policy="listwise")
    complete = items.dropna()
    assert listwise.n == len(complete) == len(items) - 4
    assert listwise.alpha == pytest.approx(pg.cronbach_alpha(complete)[0], abs=1e-12)
    pairwise = cronbach_alpha(items, nan_policy="pairwise")
    expected, ci = pg.cronbach_alpha(items, nan_policy="pairwise")
    assert pairwise.alpha == pytest.approx(expected, abs=1e-12)
    assert (round(pairwise.ci_low, 3), round(pairwise.ci_high, 3)) == pytest.approx(
        tuple(ci), abs=1e-9
    )


def test_item_analysis_matches_direct_computation_and_pingouin(satisfaction: pd.DataFrame) -> None:
    items = satisfaction[BLOCKS["IMAG"]]
    table = item_analysis(items)
    for col in items.columns:
        rest = items.drop(columns=col)
        # R psych's r.drop: correlation of the item with the sum of the other items.
        assert table.loc[col, "item_total_r"] == pytest.approx(
            np.corrcoef(items[col], rest.sum(axis=1))[0, 1]
        )
        assert table.loc[col, "alpha_if_deleted"] == pytest.approx(
            pg.cronbach_alpha(rest)[0], abs=1e-12
        )
        assert table.loc[col, "mean"] == pytest.approx(items[col].mean())
        assert table.loc[col, "sd"] == pytest.approx(items[col].std(ddof=1))
    assert table["n"].tolist() == [len(items)] * 5


def test_item_analysis_two_items_has_no_alpha_if_deleted() -> None:
    table = item_analysis(pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 1, 4, 3]}))
    assert table["alpha_if_deleted"].isna().all()


@pytest.mark.parametrize("block", list(BLOCKS))
def test_ave_matches_r_plspm(block: str) -> None:
    out = DATA / "satisfaction_R_plspm_output"
    outer = pd.read_csv(out / "satisfaction.outer-model.csv")
    inner = pd.read_csv(out / "satisfaction.inner-summary.csv", index_col=0)
    loadings = outer.loc[outer["block"] == block, "loading"]
    assert average_variance_extracted(loadings) == pytest.approx(inner.loc[block, "ave"], abs=1e-12)


@pytest.mark.parametrize("block", list(BLOCKS))
def test_composite_reliability_matches_r_plspm_dg_rho(
    satisfaction: pd.DataFrame, block: str
) -> None:
    # plspm's Dillon-Goldstein rho is the composite reliability of the loadings on the
    # block's first principal component (correlations of the items with it).
    unidim = pd.read_csv(
        DATA / "satisfaction_R_plspm_output" / "satisfaction_unidim.csv", index_col=0
    )
    corr = np.corrcoef(satisfaction[BLOCKS[block]].to_numpy(), rowvar=False)
    values, vectors = np.linalg.eigh(corr)
    loadings = np.abs(vectors[:, -1]) * np.sqrt(values[-1])
    assert composite_reliability(loadings) == pytest.approx(
        unidim.loc[block, "dillon_goldstein_rho"], abs=1e-10
    )


def test_cr_and_ave_hand_example() -> None:
    # (0.8 + 0.7 + 0.9)^2 = 5.76; error 0.36 + 0.51 + 0.19 = 1.06.
    assert composite_reliability([0.8, 0.7, 0.9]) == pytest.approx(5.76 / 6.82)
    assert average_variance_extracted([0.8, 0.7, 0.9]) == pytest.approx((0.64 + 0.49 + 0.81) / 3)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (pd.DataFrame({"a": [1, 2, 3]}), "at least 2 items"),
        (pd.DataFrame({"a": [1.0], "b": [2.0]}), "too few respondents"),
        (pd.DataFrame({"a": [1, 2, 3], "b": [4, 4, 4]}), "constant"),
        (pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}), "not numeric"),
        (pd.DataFrame({"a": [1, 2, 3], "b": [-1, -2, -3]}), "no variance"),
    ],
)
def test_alpha_bad_input(data: pd.DataFrame, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        cronbach_alpha(data)


def test_alpha_bad_options() -> None:
    df = pd.DataFrame({"a": [1, 2, 3], "b": [2, 3, 1]})
    with pytest.raises(InvalidInput, match="nan_policy"):
        cronbach_alpha(df, nan_policy="mean")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="confidence"):
        cronbach_alpha(df, confidence=0)


@pytest.mark.parametrize(
    ("loadings", "message"), [([0.8, 1.2], "1.2"), ([], "at least one"), ([0.5, np.nan], "missing")]
)
def test_loadings_bad_input(loadings: list[float], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        composite_reliability(loadings)
    with pytest.raises(InvalidInput, match=message):
        average_variance_extracted(loadings)
