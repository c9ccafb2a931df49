"""Clause splitting: sentence punctuation, commas, contrast markers, contrast tails."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manyi.errors import InvalidInput
from manyi.text.clauses import split_clauses


def parts(text: str) -> list[tuple[str, bool]]:
    return [(c.text, c.is_contrast_tail) for c in split_clauses(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("不错，但是太贵了", [("不错", False), ("但是太贵了", True)]),
        ("不错但是太贵了", [("不错", False), ("但是太贵了", True)]),
        ("房间很干净。服务也好！", [("房间很干净", False), ("服务也好", False)]),
        ("虽然贵，但是好吃", [("虽然贵", False), ("但是好吃", True)]),
        (
            "位置很好，不过房间有点旧，隔音差",
            [("位置很好", False), ("不过房间有点旧", True), ("隔音差", True)],
        ),
        ("酒店位置很好只不过房间有点旧", [("酒店位置很好", False), ("只不过房间有点旧", True)]),
        ("房间就是太小了", [("房间", False), ("就是太小了", True)]),
        ("可是服务员态度很差", [("可是服务员态度很差", True)]),
        (
            "Great seats but the food was cold.",
            [("Great seats", False), ("but the food was cold", True)],
        ),
        (
            "Although it was cheap, the room was dirty.",
            [("Although it was cheap", False), ("the room was dirty", True)],
        ),
        (
            "The food was good, though the service was slow",
            [("The food was good", False), ("though the service was slow", True)],
        ),
        ("cheap, yet good", [("cheap", False), ("yet good", True)]),
        ("However, the staff helped.", [("However", True), ("the staff helped", True)]),
    ],
)
def test_rules(text: str, expected: list[tuple[str, bool]]) -> None:
    assert parts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "不但便宜而且好吃",
        "但愿下次好点",
        "再好不过了",
        "不只是便宜",
        "not arrived yet",
        "价格1,299元",
        "房间、早餐都很好",
    ],
)
def test_look_alikes_are_not_cuts(text: str) -> None:
    assert len(split_clauses(text)) == 1
    assert not split_clauses(text)[0].is_contrast_tail


def test_tail_ends_with_the_sentence() -> None:
    assert parts("还行，但是贵。早餐好吃") == [
        ("还行", False),
        ("但是贵", True),
        ("早餐好吃", False),
    ]


def test_offsets_and_feature_span() -> None:
    text = "  不错，但是太贵了!! "
    clauses = split_clauses(text)
    assert [text[c.start : c.end] for c in clauses] == ["不错", "但是太贵了"]
    assert text[clauses[1].start : clauses[1].feature_end].rstrip() == "但是太贵了!!"


@pytest.mark.parametrize("text", ["", "   ", "!!!", "。。，，"])
def test_nothing_to_split(text: str) -> None:
    assert split_clauses(text) == []


def test_emoji_only_is_a_clause() -> None:
    assert parts("👍") == [("👍", False)]


def test_not_a_string() -> None:
    with pytest.raises(InvalidInput, match="needs a str"):
        split_clauses(None)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("好差但是不过,，。!? abcbut虽然\n1")), max_size=40))
def test_offsets_always_index_the_text(text: str) -> None:
    previous_end = 0
    for clause in split_clauses(text):
        assert text[clause.start : clause.end] == clause.text
        assert clause.text.strip()
        assert previous_end <= clause.start < clause.end <= clause.feature_end <= len(text)
        previous_end = clause.end
