"""BlockCutter gives jieba's words exactly, and the sentiment features did not move.

The Chinese sentiment features used to call ``jieba.Tokenizer.lcut(clause, HMM=False)``
for every clause; they now use :class:`manyi.text.jieba_cut.BlockCutter` (a faster
implementation of the same route). Predictions must be identical, so the words
are compared with jieba's own on edge cases and on real reviews, and the feature rows
of the new path with rows built the old way.
"""

from __future__ import annotations

import itertools
import logging

import jieba
import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from manyi.text.clauses import split_clauses
from manyi.text.jieba_cut import BlockCutter
from manyi.text.normalize import normalize
from manyi.text.sentiment import load_models, sentiment
from shared_data import shared_file


@pytest.fixture(scope="module")
def tokenizer() -> jieba.Tokenizer:
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


EDGE_CASES = [
    "",
    " ",
    "\r\n\r\n",
    "物流很快，质量不错",
    "不错但是太贵了",
    "iphone13pro买了3台，1,299元一台!!!",
    "a b  c\t好\u3000评",
    "C++和C#都会, 100%满意.",
    "南京市长江大桥",
    "研究生命起源",
    "结婚的和尚未结婚的",
    "哈哈哈哈哈哈哈哈哈哈哈哈哈哈",
    "abc一二三ABC４５６",  # full-width digits are not in jieba's block pattern
    "𠀀𠀁好吃",  # ideographs outside jieba's block range
    "酒店的服务态度非常好,房间也很干净...下次还来!",
    "™️👍😀好评",
    "x" * 300 + "好" * 300,
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_words_equal_jieba_on_edge_cases(tokenizer: jieba.Tokenizer, text: str) -> None:
    expected = tokenizer.lcut(text, HMM=False)
    cutter = BlockCutter(tokenizer)
    assert cutter.cut(text) == expected
    assert cutter.cut(text) == expected  # second time with the log-probabilities kept


def _reviews() -> list[str]:
    hotel = pd.read_csv(shared_file("text/ChnSentiCorp_htl_all.csv"))
    shop = pd.read_csv(shared_file("text/online_shopping_10_cats.csv"))
    texts = pd.concat([hotel["review"], shop["review"]]).dropna().astype(str)
    return texts.sample(n=3000, random_state=0).tolist()


def _pieces(texts: list[str]) -> list[str]:
    """What the featuriser segments: each clause with its closing punctuation, lower-cased."""
    out = []
    for text in texts:
        t = normalize(text)
        out += [t[c.start : c.feature_end].lower() for c in split_clauses(t)] or [t.lower()]
    return out


def test_words_equal_jieba_on_real_reviews(tokenizer: jieba.Tokenizer) -> None:
    pieces = _pieces(_reviews())
    assert len(pieces) > 8000
    cutter = BlockCutter(tokenizer)
    for piece in itertools.chain(pieces, pieces[:500]):  # the tail: words already met
        assert cutter.cut(piece) == tokenizer.lcut(piece, HMM=False), piece


def _old_zh_ngrams(tokenizer: jieba.Tokenizer):  # type: ignore[no-untyped-def]
    """The analyzer as it was before BlockCutter: jieba's lcut on every clause."""

    def analyze(text: str) -> list[str]:
        t = text.lower()
        n = len(t)
        grams = list(t)
        grams += [t[i : i + 2] for i in range(n - 1)]
        grams += [t[i : i + 3] for i in range(n - 2)]
        words = ["\x01" + w for w in tokenizer.lcut(t, HMM=False) if not w.isspace()]
        grams += words
        grams += [a + b for a, b in itertools.pairwise(words)]
        return grams

    return analyze


def test_feature_rows_and_scores_equal_the_old_path(tokenizer: jieba.Tokenizer) -> None:
    texts = [normalize(t) for t in _reviews()[:1500]]
    model = load_models().zh
    featurizer = model.featurizer
    old = HashingVectorizer(
        analyzer=_old_zh_ngrams(tokenizer),
        n_features=featurizer.n_features,
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )
    pieces = [t[c.start : c.feature_end] for t in texts for c in split_clauses(t)]
    new_rows = featurizer.transform(pieces)
    old_rows = old.transform(pieces).tocsr()
    assert (new_rows != old_rows).nnz == 0
    # And the scores the model gives from them (two passes: the second from the memo).
    first = [s.score for s in sentiment(texts)]
    second = [s.score for s in sentiment(texts)]
    old_scores = model.proba(old_rows)
    new_scores = model.proba(new_rows)
    assert np.array_equal(old_scores, new_scores)
    assert first == second


def test_sentiment_scores_pinned_on_short_reviews() -> None:
    """Scores of five short reviews, recorded with jieba's lcut before BlockCutter."""
    texts = [
        "物流很快，质量不错",
        "不错但是太贵了",
        "垃圾 早知道这样白送都不要",
        "还行吧",
        "很满意！",
    ]
    scores = [round(s.score, 6) for s in sentiment(texts)]
    # recorded at commit 7cce9be (jieba's lcut on every clause)
    assert scores == [0.901437, -0.054037, -0.985058, 0.975889, 0.849271]
