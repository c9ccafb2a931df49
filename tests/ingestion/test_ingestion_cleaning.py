from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factories import good_answers, survey_definition
from manyi.domain.survey import SurveyDefinition
from manyi.ingestion.cleaning import is_gibberish, normalize_text, quality_flags

DEFN = SurveyDefinition.model_validate(survey_definition())


def test_normalize_full_width_letters_digits_and_spaces() -> None:
    assert normalize_text("ＡＢＣ１２３\u3000很好，　谢谢！") == "ABC123 很好， 谢谢！"
    assert normalize_text("  a \t b\r\n\r\n\r\nc\x00\u200b ") == "a b\nc"


@given(st.text())
def test_normalize_is_total_and_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@pytest.mark.parametrize(
    "text", ["asdfgh", "111", "。。。。", "哈哈哈哈哈哈哈哈", "qwerty asdf", "zxcvbnm"]
)
def test_gibberish(text: str) -> None:
    assert is_gibberish(text)


@pytest.mark.parametrize(
    "text", ["师傅很专业", "Delivery was late", "ok", "App 很好用 5 星", "good"]
)
def test_not_gibberish(text: str) -> None:
    assert not is_gibberish(text)


def test_flags_speeder_straight_liner_and_gibberish() -> None:
    straight = good_answers(
        csat=4,
        speed=4,
        staff=4,
        price=4,
        app=4,
        grid={"a": 4, "b": 4},
        sq1={"expectation": 4, "perception": 4},
    )
    flags = quality_flags(DEFN, straight, duration_s=5, reference_s=60, speeder_fraction=0.3)
    assert flags == ["speeder", "straight_liner"]
    assert quality_flags(DEFN, good_answers(comment="asdfasdf"), duration_s=50, reference_s=60) == [
        "gibberish"
    ]
    assert quality_flags(DEFN, good_answers(comment="？？？"), duration_s=50, reference_s=60) == [
        "empty_open"
    ]
    assert quality_flags(DEFN, good_answers(), duration_s=50, reference_s=60) == []


def test_straight_lining_counts_rating_items_only() -> None:
    """Ratings, CSAT, matrix rows and SERVQUAL perceptions count (docs/surveys.md);
    NPS, SERVQUAL expectations and importance do not."""
    eight = {
        "csat": 4,
        "speed": 4,
        "staff": 4,
        "price": 4,
        "app": 4,
        "grid": {"a": 4, "b": 4},
        "sq1": {"expectation": 7, "perception": 4, "importance": 1},
        "nps": 10,
    }
    assert quality_flags(DEFN, good_answers(**eight)) == ["straight_liner"]
    seven = {**eight, "grid": {"a": 4}}  # one rating item fewer: below the threshold
    assert quality_flags(DEFN, good_answers(**seven)) == []
    differs = {**eight, "sq1": {"expectation": 4, "perception": 5, "importance": 4}}
    assert quality_flags(DEFN, good_answers(**differs)) == []
