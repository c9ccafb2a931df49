"""Tests for manyi.text.language."""

from __future__ import annotations

import math
import os
from collections import Counter

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manyi.errors import InvalidInput
from manyi.text.language import LANGUAGES, detect_language, script_counts
from shared_data import ROOT as SHARED_ROOT
from shared_data import shared_file

DATA = SHARED_ROOT / "text"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("服务态度很好", "zh"),
        ("\u3040", "other"),  # one lone kana: no Chinese or Latin letters (was 0/0)
        ("の", "other"),
        ("服務態度很好", "zh"),
        ("Great service, fast delivery!", "en"),
        ("iPhone 的屏幕很好", "zh"),
        ("买了MacBook Pro，性能强", "zh"),
        ("the 客服 was so rude to me", "mixed"),
        ("客服 support 很 slow", "mixed"),
        ("原文请见 http://blog.example.com/31436136_d.html", "zh"),
        ("联系我 li.wei@example.com", "zh"),
        ("とても良いサービスでした", "other"),
        ("안녕하세요 서비스 좋아요", "other"),
        ("Очень хороший сервис", "other"),
        ("我の天", "zh"),  # one kana in Chinese slang
        ("", "empty"),
        ("   ", "empty"),
        ("12345 !!! 👍👍", "empty"),
        ("Café très bien", "en"),  # "en" means Latin script
    ],
)
def test_detect_language_examples(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_script_counts() -> None:
    assert script_counts("iPhone 的屏幕很好") == {
        "ideograph": 5,
        "latin": 6,
        "kana": 0,
        "hangul": 0,
        "other": 0,
    }
    assert script_counts("Привет 你好")["other"] == 6


def test_thresholds_at_the_boundary() -> None:
    # z = h / (h + l/3): 3 ideographs + 6 letters -> 3/5 = 0.6 -> zh; 7 letters -> mixed
    assert detect_language("你好吗 abcdef") == "zh"
    assert detect_language("你好吗 abcdefg") == "mixed"
    # 1 ideograph + 12 letters -> 1/5 = 0.2 -> en
    assert detect_language("好 abcdefghijkl") == "en"


def test_missing_and_wrong_types() -> None:
    assert detect_language(None) == "empty"  # type: ignore[arg-type]
    assert detect_language(math.nan) == "empty"  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        detect_language(3)  # type: ignore[arg-type]


def test_hostile_inputs() -> None:
    garbage = os.urandom(100_000).decode("utf-8", errors="replace")
    assert detect_language(garbage) in LANGUAGES
    assert detect_language("\x00\ud800" * 1000) == "empty"
    big = "服务很好 good " * 700_000  # 10.5 MB of UTF-8
    assert len(big.encode("utf-8")) > 10_000_000
    assert detect_language(big) == "zh"  # z = 4 / (4 + 4/3) = 0.75


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_always_one_of_the_codes(text: str) -> None:
    assert detect_language(text) in LANGUAGES


def test_real_corpora() -> None:
    shared_file("text/online_shopping_10_cats.csv")
    # Measured on the full corpora: online_shopping 62,754 of 62,773 zh; airline 11,712 of
    # 11,712 en (the rest are English reviews or garbled text). Here: first 3,000 of each.
    zh = pd.read_csv(DATA / "online_shopping_10_cats.csv", usecols=["review"], nrows=3000)
    en = pd.read_csv(DATA / "twitter_us_airline_dev.csv", usecols=["text"], nrows=3000)
    zh_counts = Counter(detect_language(str(t)) for t in zh["review"].dropna())
    en_counts = Counter(detect_language(str(t)) for t in en["text"].dropna())
    assert zh_counts["zh"] / sum(zh_counts.values()) > 0.995
    assert en_counts["en"] / sum(en_counts.values()) > 0.995
