"""Tests for manyi.text.topics."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from manyi.errors import InvalidInput
from manyi.text.topics import (
    benjamini_hochberg,
    discover_topics,
    emerging_topics,
    npmi_coherence,
)

LOGISTICS = [
    "物流太慢了",
    "快递延误三天",
    "物流很慢 快递延误",
    "快递员态度差 物流慢",
    "物流慢 快递丢件",
]
SERVICE = [
    "客服态度恶劣",
    "客服不理人",
    "客服态度差 不回复",
    "客服回复慢 态度差",
    "人工客服态度不好",
]
ROOM = [
    "房间很脏 卫生差",
    "房间卫生太差",
    "卫生间很脏 房间小",
    "房间有异味 卫生差",
    "房间隔音差 很脏",
]


def test_npmi_coherence_by_hand() -> None:
    docs = [{"a", "b"}, {"a", "b"}, {"c"}, {"a"}]
    # p_a = 3/4, p_b = 2/4, p_ab = 2/4: ln(0.5 / 0.375) / -ln(0.5) (Bouma 2009).
    expected = math.log(0.5 / (0.75 * 0.5)) / -math.log(0.5)
    assert math.isclose(npmi_coherence(["a", "b"], docs), expected)
    assert npmi_coherence(["a", "c"], docs) == -1.0
    assert npmi_coherence(["a"], docs) == 0.0
    assert math.isclose(npmi_coherence(["a", "b", "c"], docs), (expected - 1 - 1) / 3)


def test_discover_topics_separates_themes() -> None:
    texts = LOGISTICS + SERVICE + ROOM
    model = discover_topics(texts, n_topics=3)
    assert model.n_topics == 3
    themes = {"物流": {"物流", "快递"}, "客服": {"客服", "态度"}, "房间": {"房间", "卫生"}}
    matched = {
        name: [t for t in model.topics if words & set(t.phrases[:3])]
        for name, words in themes.items()
    }
    assert all(len(found) == 1 for found in matched.values()), matched
    assert {found[0].size for found in matched.values()} == {5}
    for topic in model.topics:
        assert len(topic.examples) == 3 and " / " in topic.label
        assert topic.weights == tuple(sorted(topic.weights, reverse=True))
    assigned = model.assignments["topic"].tolist()
    assert [len(set(assigned[i : i + 5])) for i in (0, 5, 10)] == [1, 1, 1]
    assert len(set(assigned)) == 3
    assert sum(t.size for t in model.topics) == 15
    assert [t.topic for t in model.topics] == [0, 1, 2]
    # Same seed, same topics.
    again = discover_topics(texts, n_topics=3)
    assert [t.phrases for t in again.topics] == [t.phrases for t in model.topics]


def test_discover_topics_chooses_k_by_coherence() -> None:
    texts = (LOGISTICS + SERVICE + ROOM) * 2
    model = discover_topics(texts, max_topics=5)
    assert list(model.coherence_by_k.index) == [2, 3, 4, 5]
    assert model.n_topics == int(model.coherence_by_k.idxmax())
    assert model.n_topics == 3


def test_discover_topics_empty_rows_and_errors() -> None:
    texts = [*LOGISTICS, "", None, "的了", *SERVICE]
    model = discover_topics(texts, n_topics=2)  # type: ignore[arg-type]
    assert model.assignments["topic"].tolist()[5:8] == [-1, -1, -1]
    with pytest.raises(InvalidInput, match="at least 3 comments"):
        discover_topics(["物流慢", "", "的"])
    with pytest.raises(InvalidInput, match="too many"):
        discover_topics(LOGISTICS, n_topics=10)
    with pytest.raises(InvalidInput, match="n_topics"):
        discover_topics(LOGISTICS, n_topics=0)
    with pytest.raises(InvalidInput, match="not one string"):
        discover_topics("物流慢")


def test_discover_topics_hostile_input() -> None:
    garbage = os.urandom(5_000).decode("utf-8", errors="replace")
    texts = [*LOGISTICS, *SERVICE, garbage, "\x00" * 100, "服务 " * 2_000]
    model = discover_topics(texts, n_topics=2)
    assert len(model.assignments) == len(texts)


def test_benjamini_hochberg_matches_statsmodels() -> None:
    rng = np.random.default_rng(1)
    p = np.concatenate([rng.uniform(0, 0.01, 5), rng.uniform(0, 1, 45)])
    # Reference: statsmodels multipletests(method="fdr_bh").
    expected = multipletests(p, method="fdr_bh")[1]
    assert np.allclose(benjamini_hochberg(p), expected, rtol=1e-12)
    assert benjamini_hochberg([]).size == 0


def test_benjamini_hochberg_keeps_a_missing_p_value_missing() -> None:
    # A NaN (a test that could not be run) used to turn every q-value into NaN. Now, as
    # R's p.adjust: it stays NaN and the others are adjusted over the m = 2 real tests
    # (statsmodels multipletests([0.01, 0.03], method="fdr_bh") = [0.02, 0.03]).
    q = benjamini_hochberg([0.01, float("nan"), 0.03])
    np.testing.assert_allclose(q, [0.02, np.nan, 0.03], rtol=1e-12)


def test_emerging_topics_statistics_match_statsmodels() -> None:
    now = ["退款太慢"] * 30 + ["服务很好"] * 60 + ["物流一般"] * 10
    before = ["退款太慢"] * 5 + ["服务很好"] * 85 + ["物流一般"] * 10
    table = emerging_topics(now, before)
    assert set(table["phrase"]) == {"退款", "太慢", "退款太慢"}
    row = table.set_index("phrase").loc["退款"]
    assert (row["current_count"], row["baseline_count"]) == (30, 5)
    # Reference: statsmodels proportions_ztest (pooled, one-sided "larger").
    z, p = proportions_ztest([30, 5], [100, 100], alternative="larger")
    assert math.isclose(row["z"], z, rel_tol=1e-12)
    assert math.isclose(row["p_value"], p, rel_tol=1e-9)
    assert math.isclose(row["lift"], (30.5 / 101) / (5.5 / 101))
    assert row["q_value"] <= 0.05
    assert row["examples"] == ("退款太慢", "退款太慢", "退款太慢")
    # Falling and unchanged phrases are not "emerging".
    assert "服务" not in set(table["phrase"]) and "物流" not in set(table["phrase"])


def test_emerging_topics_nothing_significant_and_errors() -> None:
    same = ["物流慢"] * 10 + ["服务好"] * 10
    table = emerging_topics(same, same)
    assert table.empty and "q_value" in table.columns
    assert emerging_topics(["a"], ["b"], min_count=5).empty
    with pytest.raises(InvalidInput, match="both"):
        emerging_topics([], ["x"])
    with pytest.raises(InvalidInput, match="alpha"):
        emerging_topics(["x"], ["y"], alpha=0)
