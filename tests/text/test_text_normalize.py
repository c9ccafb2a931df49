"""Tests for manyi.text.normalize."""

from __future__ import annotations

import math
import os
import unicodedata

import pytest
import zhconv
from hypothesis import given, settings
from hypothesis import strategies as st

from manyi.errors import InvalidInput
from manyi.text.normalize import normalize, traditional_characters


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３！？（）", "ABC123!?()"),
        ("服务　很好", "服务 很好"),  # ideographic space
        ("《服务》“很好”、「快」。", "《服务》“很好”、“快”。"),  # 「」→“” is zhconv's zh-cn rule
        ("太慢了。。。。", "太慢了…"),
        ("等等......", "等等…"),
        ("好吧……", "好吧…"),
        ("什么？？？？", "什么??"),
        ("真的吗？！？！", "真的吗?!"),
        ("好评！！！！！", "好评!!"),
        ("赞👍🏻👍👍👍", "赞👍👍"),
        ("爱❤️", "爱❤"),
        ("a\x00b\x07c", "abc"),
        ("line1\nline2\r\n\tline3", "line1 line2 line3"),
        ("见 https://shop.example.com/a?b=1&c=2 和 www.x.cn/p", "见 URL 和 URL"),
        ("mail me: li.wei@example.com", "mail me: li.wei@example.com"),
        ("don’t ‘引号’", "don't ‘引号’"),
        ("  \u200b\ufeff  ", ""),
        ("1.5 倍..", "1.5 倍.."),
        ("哈哈哈哈哈", "哈哈哈哈哈"),
        ("", ""),
    ],
)
def test_normalize_examples(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_traditional_converted_like_zhconv() -> None:
    # Reference: zhconv 1.4 itself on a traditional sentence.
    trad = "這個服務態度真的很差，為什麼沒有人回覆"
    assert normalize(trad) == zhconv.convert(trad, "zh-cn").replace("，", ",")
    assert normalize(trad) == "这个服务态度真的很差,为什么没有人回复"


def test_simplified_text_not_corrupted_by_zhconv_phrases() -> None:
    # zhconv alone rewrites simplified 为什么爸爸 to 为什幺爸爸; the gate prevents it.
    text = "为什么爸爸不喜欢,怎么女儿也不喜欢"
    assert zhconv.convert(text, "zh-cn") != text
    assert normalize(text) == text


def test_traditional_gate_contents() -> None:
    chars = traditional_characters()
    assert {"這", "們", "麼", "說"} <= chars
    assert not ({"这", "们", "说", "的", "服"} & chars)


def test_missing_values_and_wrong_types() -> None:
    assert normalize(None) == ""  # type: ignore[arg-type]
    assert normalize(math.nan) == ""  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="needs a str"):
        normalize(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        normalize(5)  # type: ignore[arg-type]


def test_hostile_inputs_do_not_raise() -> None:
    garbage = os.urandom(200_000).decode("utf-8", errors="replace")
    out = normalize(garbage)
    assert "\ufffd" not in out and "\x00" not in out
    assert normalize("\ud800\udfff\x00" * 1000) == ""
    assert normalize("!" * 100_000 + "?") == "?!"
    big = "服务很好！ ok " * 550_000  # 10.4 MB of UTF-8
    assert len(big.encode("utf-8")) > 10_000_000
    assert normalize(big).startswith("服务很好! ok 服务很好!")


def test_output_is_valid_utf8_and_has_no_controls() -> None:
    out = normalize("\x1b[31mred\x1b[0m \u202eevil\u202c \x85next")
    out.encode("utf-8")
    assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in out)
    assert out == "[31mred[0m evil next"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_total_and_idempotent(text: str) -> None:
    once = normalize(text)
    assert isinstance(once, str)
    assert normalize(once) == once
    assert once == once.strip()
    assert "  " not in once
    once.encode("utf-8")  # no lone surrogates left


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_ascii_letters_and_digits_are_never_deleted(text: str) -> None:
    if "://" in text or "www." in text.lower():
        return  # a URL is replaced on purpose
    before = sum(c.isascii() and c.isalnum() for c in text)
    after = sum(c.isascii() and c.isalnum() for c in normalize(text))
    assert after >= before  # full-width letters become ASCII, so it can only grow


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("AT&amp;T &lt;b&gt;", "AT & T <b>"),
        ("补充点评：&#32431;&#20013;&#26041;", "补充点评:纯中方"),
        ("&#36889;個", "这个"),
        ("&#0;x&#xD800;y&#x200b;", "xy"),
        ("&unknown; &amp", "&unknown; &amp"),
        ("&amp;lt;", "& lt;"),
    ],
)
def test_html_character_references(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="&#;ltgampx0123456789ＡＢ＆ .。!？", max_size=40))
def test_idempotent_on_reference_soup(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
