"""Tests for manyi.text.segment."""

from __future__ import annotations

import os

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manyi.errors import InvalidInput
from manyi.text.segment import (
    is_punctuation,
    jieba_tokenizer,
    stopwords,
    tokenize,
    user_words,
)


@pytest.mark.parametrize(
    "text",
    [
        "房间很大早餐也很丰富",
        "酒店位置不错交通方便",
        "这本书内容很一般不推荐购买",
        "手机屏幕很清晰",
    ],
)
def test_chinese_matches_jieba_precise_mode(text: str) -> None:
    # Reference: jieba 0.42.1 precise mode with HMM (jieba.lcut) on text without
    # domain words; our private tokenizer must segment it the same way.
    assert tokenize(text) == jieba.lcut(text, cut_all=False, HMM=True)


def test_domain_words_stay_whole() -> None:
    text = "人工客服态度冷淡,质量问题找维修师傅上门安装,服务体验差"
    # Reference: plain jieba 0.42.1 splits these service terms; the user dictionary
    # keeps them whole.
    assert jieba.lcut(text)[:4] == ["人工", "客服", "态度", "冷淡"]
    assert tokenize(text) == [
        "人工客服", "态度冷淡", ",", "质量问题", "找", "维修师傅", "上门安装", ",",
        "服务体验", "差",
    ]  # fmt: skip


def test_user_dictionary_loaded_without_comment_lines() -> None:
    words = user_words()
    assert "服务态度" in words and "退款" in words
    assert not any(w.startswith("#") for w in words)
    assert jieba_tokenizer() is jieba_tokenizer()
    assert jieba_tokenizer() is not jieba.dt


def test_english_contractions_and_case() -> None:
    assert tokenize("I DON'T like it, they can't help and won't call") == [
        "i", "do", "not", "like", "it", ",", "they", "can", "not", "help",
        "and", "will", "not", "call",
    ]  # fmt: skip
    assert tokenize("It’s the agent's fault; we'd wait, I'm done, you're late") == [
        "it", "the", "agent", "fault", ";", "we", "would", "wait", ",", "i", "am",
        "done", ",", "you", "are", "late",
    ]  # fmt: skip
    assert tokenize("Cannot log in") == ["can", "not", "log", "in"]


def test_numbers_and_emoji() -> None:
    assert tokenize("Refund of $12.50 took 3 days 😡😡😡") == [
        "refund", "of", "$", "12.50", "took", "3", "days", "😡", "😡",
    ]  # fmt: skip


def test_mixed_text() -> None:
    tokens = tokenize("iPhone13的电池不行，customer service didn't help")
    assert tokens == [
        "iphone13", "的", "电池", "不行", ",", "customer", "service", "did", "not", "help",
    ]  # fmt: skip


def test_drop_stopwords_keeps_negations_and_emoji() -> None:
    assert tokenize("服务不好，我们很失望😞", drop_stopwords=True) == ["服务", "不好", "失望", "😞"]
    assert tokenize("The staff was not helpful at all!", drop_stopwords=True) == [
        "staff", "not", "helpful",
    ]  # fmt: skip


def test_stopword_lists() -> None:
    zh, en = stopwords("zh"), stopwords("en")
    assert {"的", "了", "我们"} <= zh and not ({"不", "没有", "没"} & zh)
    assert {"the", "and", "is"} <= en and not ({"not", "no", "never", "but"} & en)
    with pytest.raises(InvalidInput, match="stop words"):
        stopwords("fr")


def test_language_argument() -> None:
    with pytest.raises(InvalidInput, match="language must be one of"):
        tokenize("abc", language="de")
    # Forcing "en" keeps jieba out: ideographs become single-character tokens.
    assert tokenize("服务好", language="en") == ["服务好"]
    assert tokenize("服务好", language="zh") == ["服务", "好"]


def test_traditional_and_fullwidth_input_is_normalised() -> None:
    assert tokenize("服務態度很好！ＯＫ") == ["服务态度", "很", "好", "!", "ok"]


def test_is_punctuation() -> None:
    assert is_punctuation("，") and is_punctuation("?!") and is_punctuation("$")
    assert not is_punctuation("👍") and not is_punctuation("a") and not is_punctuation("")


def test_empty_and_hostile() -> None:
    assert tokenize("") == []
    assert tokenize(None) == []  # type: ignore[arg-type]
    assert tokenize("\x00\ud800\ufffd   ") == []
    garbage = os.urandom(50_000).decode("utf-8", errors="replace")
    assert isinstance(tokenize(garbage), list)
    big = "服务很好 good " * 20_000
    assert len(tokenize(big, drop_stopwords=True)) == 60_000


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_tokens_are_nonempty_and_spaceless(text: str) -> None:
    for token in tokenize(text):
        assert token and not any(c.isspace() for c in token)
