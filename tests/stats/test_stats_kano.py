"""Kano analysis: the evaluation table pinned to Berger et al. (1993), summaries checked by hand.

Published sources: the Kano evaluation table as printed in Berger et al. (1993), CQM Journal
2(4), and Matzler & Hinterhuber (1998), Technovation 18(1), Table 1; Better/Worse formulas of
Berger et al. (1993); the Fong (1996) test formula; the chi-square test checked against scipy.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from manyi.errors import InvalidInput
from manyi.stats.kano import kano, kano_category

# Rows: functional like, must-be, neutral, live-with, dislike; columns: dysfunctional, same order.
BERGER_1993 = [
    "Q A A A O",
    "R I I I M",
    "R I I I M",
    "R I I I M",
    "R R R R Q",
]


def test_evaluation_table_cell_by_cell() -> None:
    for f, row in enumerate(BERGER_1993, start=1):
        for d, expected in enumerate(row.split(), start=1):
            assert kano_category(f, d) == expected


def test_answer_labels_in_english_and_chinese() -> None:
    assert kano_category("like", "dislike") == "O"
    assert kano_category("I like it", "I can live with it") == "A"
    assert kano_category("expect", "dislike") == "M"
    assert kano_category("喜欢", "不喜欢") == "O"
    assert kano_category("理所当然", "不喜欢") == "M"
    assert kano_category("无所谓", "能忍受") == "I"
    assert kano_category("不喜欢", "喜欢") == "R"
    assert kano_category("5", 5.0) == "Q"


def _answers(pairs: dict[str, list[tuple[int, int]]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = max(len(v) for v in pairs.values())
    fun = pd.DataFrame({k: [p[0] for p in v] + [np.nan] * (n - len(v)) for k, v in pairs.items()})
    dys = pd.DataFrame({k: [p[1] for p in v] + [np.nan] * (n - len(v)) for k, v in pairs.items()})
    return fun, dys


def test_counts_better_worse_strengths_by_hand() -> None:
    # 10 respondents: 4 A (like/neutral), 3 O (like/dislike), 2 M (neutral/dislike), 1 I.
    pairs = [(1, 3)] * 4 + [(1, 5)] * 3 + [(3, 5)] * 2 + [(3, 3)]
    fun, dys = _answers({"wifi": pairs})
    row = kano(fun, dys).summary.loc["wifi"]
    assert [row[k] for k in "AOMIRQ"] == [4, 3, 2, 1, 0, 0]
    assert row["n"] == 10
    assert row["category"] == "A"
    assert row["category_zh"] == "魅力属性"
    assert row["better"] == pytest.approx(7 / 10)
    assert row["worse"] == pytest.approx(-5 / 10)
    assert row["total_strength"] == pytest.approx(0.9)
    assert row["category_strength"] == pytest.approx(0.1)
    chi2, p = stats.chisquare([4, 3, 2, 1])
    assert row["chi2"] == pytest.approx(chi2)
    assert row["chi2_p"] == pytest.approx(p)
    # Fong: a = 4, b = 3, n = 10 → 1.65·√(7·13/20) = 3.519…; |4 − 3| < 3.52: not distinct.
    assert row["fong_threshold"] == pytest.approx(1.65 * np.sqrt(7 * 13 / 20))
    assert not row["fong_significant"]


def test_fong_significant_case() -> None:
    # a = 30 (M), b = 20 (O), n = 60: threshold 1.65·√(50·70/120) = 8.911 < 10.
    pairs = [(3, 5)] * 30 + [(1, 5)] * 20 + [(3, 3)] * 10
    fun, dys = _answers({"clean": pairs})
    row = kano(fun, dys).summary.loc["clean"]
    assert row["fong_threshold"] == pytest.approx(8.9110, abs=1e-4)
    assert row["fong_significant"]
    assert row["category"] == "M"


def test_ties_resolved_must_be_first() -> None:
    # A and O tied (3 each): the max rule shows both, M > O > A > I picks O.
    fun, dys = _answers({"x": [(1, 3)] * 3 + [(1, 5)] * 3, "y": [(1, 3)] * 3 + [(3, 3)] * 3})
    summary = kano(fun, dys).summary
    assert summary.loc["x", "category_max"] == "A/O"
    assert summary.loc["x", "category"] == "O"
    assert summary.loc["y", "category"] == "A"  # A beats I


def test_missing_answers_drop_the_pair_only() -> None:
    fun = pd.DataFrame({"x": [1, 1, 1, 1, 1, np.nan], "y": ["喜欢"] * 6})
    dys = pd.DataFrame({"x": [5, 5, 5, 5, 5, 5], "y": ["无所谓"] * 6})
    result = kano(fun, dys)
    assert result.summary.loc["x", "n"] == 5
    assert result.categories["x"].isna().sum() == 1
    assert result.summary.loc["y", "category"] == "A"


@pytest.mark.parametrize(
    ("fun", "dys", "needle"),
    [
        (
            pd.DataFrame({"x": ["love"] * 5}),
            pd.DataFrame({"x": [1] * 5}),
            "unknown functional answer",
        ),
        (
            pd.DataFrame({"x": [1] * 5}),
            pd.DataFrame({"x": [6] * 5}),
            "unknown dysfunctional answer",
        ),
        (pd.DataFrame({"x": [1] * 5}), pd.DataFrame({"y": [1] * 5}), "same attribute columns"),
        (pd.DataFrame({"x": [1] * 3}), pd.DataFrame({"x": [5] * 3}), "too few respondents"),
        (
            pd.DataFrame({"x": [1] * 5}),
            pd.DataFrame({"x": [5] * 5}, index=range(1, 6)),
            "same respondents",
        ),
    ],
)
def test_bad_input(fun: pd.DataFrame, dys: pd.DataFrame, needle: str) -> None:
    with pytest.raises(InvalidInput, match=needle):
        kano(fun, dys)


def test_docstring_examples_run() -> None:
    result = doctest.testmod(
        importlib.import_module("manyi.stats.kano"), optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0
    assert result.failed == 0


def test_documentation_examples_run() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "metrics" / "kano.md"
    result = doctest.testfile(
        str(doc), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0
    assert result.failed == 0
