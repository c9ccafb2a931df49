"""Tests for manyi.text.content."""

from __future__ import annotations

import math
import os
import re
from collections import Counter

import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from manyi.errors import InvalidInput
from manyi.text.content import code_answers, compile_codebook, term_frequencies
from manyi.text.keywords import content_tokens


def test_term_frequencies_counts() -> None:
    texts = ["物流很快，包装很好", "物流太慢", "包装破损，物流慢", None]
    table = term_frequencies(texts)  # type: ignore[arg-type]
    row = table.set_index("term").loc["物流"]
    assert (row["n"], row["count"], row["document_frequency"]) == (1, 3, 3)
    assert math.isclose(row["share"], 3 / 4)
    assert table.iloc[0]["term"] == "物流"
    assert set(table.loc[table["n"] == 2, "term"]) == {"物流很快", "物流太慢", "包装破损"}
    for n in (1, 2):
        assert math.isclose(table.loc[table["n"] == n, "term_share"].sum(), 1.0)


def test_unigram_counts_match_sklearn_countvectorizer() -> None:
    # Reference: scikit-learn CountVectorizer over the same content tokens.
    texts = ["Customer service was slow, customer service!", "Refund never came", "slow refund"]
    table = term_frequencies(texts, ngram=(1, 1)).set_index("term")
    vec = CountVectorizer(analyzer=content_tokens)
    counts = vec.fit_transform(texts).sum(axis=0).A1
    expected = dict(zip(vec.get_feature_names_out(), counts, strict=True))
    assert table["count"].to_dict() == expected


def test_term_frequencies_english_bigrams_and_min_count() -> None:
    texts = ["customer service rude", "customer service slow", "slow refund"]
    table = term_frequencies(texts, ngram=(2, 3), min_count=2)
    assert table["term"].tolist() == ["customer service"]
    assert table.iloc[0]["document_frequency"] == 2


def test_term_frequencies_errors_and_empty() -> None:
    assert term_frequencies(["", "的了"]).empty
    with pytest.raises(InvalidInput, match="ngram"):
        term_frequencies(["a"], ngram=(2, 1))
    with pytest.raises(InvalidInput, match="ngram"):
        term_frequencies(["a"], ngram=(1, 9))
    with pytest.raises(InvalidInput, match="min_count"):
        term_frequencies(["a"], min_count=0)
    with pytest.raises(InvalidInput, match="not one string"):
        term_frequencies("物流")


BOOK = {
    "物流": ["物流", "快递", "配送", "delivery", "shipping"],
    "服务": ["客服", "态度", "re:service|staff"],
    "价格": ["价格", "贵", "price", "re:\\bexpensive\\b"],
    "满意": ["满意", "satisfied", "!不满意", "!not satisfied"],
}


def test_code_answers_multilabel() -> None:
    answers = pd.Series(
        [
            "快递太慢了，客服也不理",
            "价格太贵",
            "Rude staff, slow delivery",
            "很满意",
            "不满意",
            "还行",
        ],
        index=list("abcdef"),
    )
    result = code_answers(answers, BOOK)
    assert result.coded["themes"].to_dict() == {
        "a": ("物流", "服务"),
        "b": ("价格",),
        "c": ("物流", "服务"),
        "d": ("满意",),
        "e": (),
        "f": (),
    }
    assert result.coded["n_themes"].tolist() == [2, 1, 2, 1, 0, 0]
    assert result.uncoded == 2
    counts = result.counts.set_index("theme")
    assert counts["count"].to_dict() == {"物流": 2, "服务": 2, "价格": 1, "满意": 1}
    assert math.isclose(counts.loc["物流", "share"], 2 / 6)
    assert counts.loc["价格", "examples"] == ("价格太贵",)
    # Cross-check the theme counts with a plain Counter over the coded themes.
    tally = Counter(t for themes in result.coded["themes"] for t in themes)
    assert dict(tally) == {k: v for k, v in counts["count"].to_dict().items() if v}


def test_english_keywords_match_whole_words_and_text_is_normalised() -> None:
    book = {"rude": ["rude"], "price": ["price"]}
    result = code_answers(["a prudent choice", "RUDE agent", "Ｐｒｉｃｅ too high", "prices"], book)
    assert result.coded["themes"].tolist() == [(), ("rude",), ("price",), ()]
    # Traditional Chinese answers are matched by simplified keywords.
    assert code_answers(["物流太慢，態度差"], {"服务": ["态度"]}).coded["服务"].tolist() == [True]


def test_compile_codebook_errors() -> None:
    inc, exc = compile_codebook({"满意": ["满意", "!不满意"]})["满意"]
    assert inc is not None and exc is not None and exc.search("不满意")
    assert compile_codebook({"x": re.compile("a+b")})["x"][0] is not None
    with pytest.raises(InvalidInput, match="non-empty mapping"):
        code_answers(["a"], {})
    with pytest.raises(InvalidInput, match="bad regular expression"):
        code_answers(["a"], {"x": ["re:(unclosed"]})
    with pytest.raises(InvalidInput, match="no keyword"):
        code_answers(["a"], {"x": ["!only-exclusion"]})
    with pytest.raises(InvalidInput, match="empty"):
        code_answers(["a"], {"x": [""]})
    with pytest.raises(InvalidInput, match="column of the result"):
        code_answers(["a"], {"text": ["a"]})


def test_hostile_answers() -> None:
    garbage = os.urandom(50_000).decode("utf-8", errors="replace")
    answers = [garbage, "\x00\ud800物流", "物流" * 20_000, None, ""]
    result = code_answers(answers, BOOK)  # type: ignore[arg-type]
    assert result.coded["物流"].tolist()[1:3] == [True, True]
    assert len(term_frequencies(answers)) > 0  # type: ignore[arg-type]
