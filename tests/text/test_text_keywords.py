"""Tests for manyi.text.keywords."""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from manyi.errors import InvalidInput
from manyi.text.keywords import (
    candidate_phrases,
    content_tokens,
    is_content_token,
    key_phrases,
    pagerank,
)


def test_pagerank_matches_the_linear_system() -> None:
    # Brin & Page (1998): r = (1-d)/N + d (P^T r + dangling mass / N). Solve it exactly
    # as a linear system and compare with the power iteration.
    w = np.array(
        [
            [0, 2, 1, 0, 0],
            [2, 0, 3, 1, 0],
            [1, 3, 0, 0, 0],
            [0, 1, 0, 0, 0],
            [0, 0, 0, 0, 0],  # dangling vertex
        ],
        dtype=float,
    )
    n, d = 5, 0.85
    out = w.sum(axis=1)
    p = np.divide(w, out[:, None], out=np.zeros_like(w), where=out[:, None] > 0)
    dangling = (out == 0).astype(float)
    a = np.eye(n) - d * (p.T + np.outer(np.ones(n), dangling) / n)
    exact = np.linalg.solve(a, np.full(n, (1 - d) / n))
    assert np.allclose(pagerank(w), exact, atol=1e-10)
    assert np.allclose(pagerank(sparse.csr_matrix(w)), exact, atol=1e-10)
    assert math.isclose(pagerank(w).sum(), 1.0)


def test_pagerank_bad_input() -> None:
    with pytest.raises(InvalidInput, match="square"):
        pagerank(np.array([[0, -1], [1, 0]]))
    with pytest.raises(InvalidInput, match="damping"):
        pagerank(np.eye(2), damping=1.0)
    assert pagerank(np.zeros((0, 0))).size == 0


def test_content_tokens_and_candidates() -> None:
    assert content_tokens("客服的服务态度很差，退款太慢") == [
        "客服",
        "服务态度",
        "很差",
        "退款",
        "太慢",
    ]
    assert [is_content_token(t) for t in ["服务", "的", "好", "2023", "refund", "!", "没有"]] == [
        True, False, False, False, True, False, False,
    ]  # fmt: skip
    assert candidate_phrases("Customer service was slow; customer service!") == [
        "customer", "service", "slow", "customer", "service",
        "customer service", "customer service",
    ]  # fmt: skip
    assert candidate_phrases("前台服务 退房 排队", max_ngram=1) == ["前台服务", "退房", "排队"]
    with pytest.raises(InvalidInput, match="max_ngram"):
        candidate_phrases("x", max_ngram=3)


def test_tfidf_scores_follow_the_formula() -> None:
    # Salton & Buckley weighting as in scikit-learn: tf * (ln((1+n)/(1+df)) + 1), rows
    # scaled to unit length; corpus score = mean over documents. Recomputed by hand.
    texts = ["物流 物流 客服", "物流 退款", "客服 态度"]
    result = key_phrases(texts, top_k=10, max_ngram=1)
    docs = [["物流", "物流", "客服"], ["物流", "退款"], ["客服", "态度"]]
    vocab = sorted({t for d in docs for t in d})
    n = len(docs)
    idf = {t: math.log((1 + n) / (1 + sum(t in d for d in docs))) + 1 for t in vocab}
    rows = []
    for d in docs:
        v = np.array([d.count(t) * idf[t] for t in vocab])
        rows.append(v / np.linalg.norm(v))
    expected = dict(zip(vocab, np.mean(rows, axis=0), strict=True))
    got = dict(zip(result.phrases["phrase"], result.phrases["score"], strict=True))
    assert got.keys() == expected.keys()
    for t in vocab:
        assert math.isclose(got[t], expected[t], rel_tol=1e-12)
    assert result.phrases["phrase"].iloc[0] == "物流"
    row = result.phrases.set_index("phrase").loc["物流"]
    assert (row["count"], row["documents"]) == (3, 2)
    assert math.isclose(row["share"], 2 / 3)
    assert result.per_document[0][0] == "物流"
    assert result.per_document[1][0] == "退款"  # rarer than 物流, so weighted higher


def test_textrank_finds_the_central_theme() -> None:
    texts = [
        "customer service was rude and the refund never came",
        "customer service kept me on hold, refund still pending",
        "refund took weeks, customer service unhelpful",
        "great seats, friendly crew",
    ]
    result = key_phrases(texts, top_k=5, method="textrank")
    top = result.phrases["phrase"].tolist()
    assert "customer service" in top[:3]
    assert set(top[:3]) <= {"customer service", "refund", "service", "customer"}
    assert result.method == "textrank" and result.n_documents == 4
    assert len(result.per_document) == 4
    assert set(result.per_document[3]) <= {
        "great",
        "seats",
        "friendly",
        "crew",
        "great seats",
        "friendly crew",
        "seats friendly",
    }


def test_chinese_corpus() -> None:
    texts = ["前台服务态度差，退房排队很久", "退房排队半小时，前台效率低", "早餐不错，房间干净"]
    result = key_phrases(texts, top_k=3)
    assert set(result.phrases["phrase"]) >= {"退房", "排队"}
    tr = key_phrases(texts, top_k=3, method="textrank")
    assert "前台" in tr.phrases["phrase"].tolist() or "排队" in tr.phrases["phrase"].tolist()


def test_empty_and_bad_input() -> None:
    empty = key_phrases(["", None, "的了吗", "!!!"])  # type: ignore[list-item]
    assert empty.phrases.empty and list(empty.phrases.columns) == [
        "phrase", "score", "count", "documents", "share",
    ]  # fmt: skip
    assert empty.per_document == ((), (), (), ())
    assert key_phrases([]).n_documents == 0
    with pytest.raises(InvalidInput, match="method"):
        key_phrases(["a"], method="lda")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="top_k"):
        key_phrases(["a"], top_k=0)
    with pytest.raises(InvalidInput, match="not one string"):
        key_phrases("服务很好")
    with pytest.raises(InvalidInput, match="must be a string"):
        key_phrases([1, 2])  # type: ignore[list-item]


def test_hostile_texts() -> None:
    garbage = os.urandom(20_000).decode("utf-8", errors="replace")
    texts = pd.Series([garbage, "服务" * 5_000, "\x00\ud800", "ok " * 3_000, float("nan")])
    for method in ("tfidf", "textrank"):
        result = key_phrases(texts, method=method)  # type: ignore[arg-type]
        assert len(result.per_document) == 5
