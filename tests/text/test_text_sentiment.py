"""sentiment(): labels, negation, clauses and mixed verdicts, routing, hostile input."""

from __future__ import annotations

import random
import time

import pytest

from manyi.errors import InvalidInput
from manyi.text.sentiment import (
    MAX_CHARS,
    Sentiment,
    load_models,
    model_version,
    sentiment,
)


def labels(texts: list[str]) -> list[str]:
    return [s.label for s in sentiment(texts)]


def test_clear_cases_both_languages() -> None:
    texts = [
        "服务很好，下次还来",
        "太差了，再也不来了",
        "质量很好，物流也快，五星好评",
        "Thank you so much, the crew was amazing!",
        "Worst airline ever. Lost my bag and nobody helps.",
    ]
    assert labels(texts) == ["positive", "negative", "positive", "positive", "negative"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("不好", "negative"),
        ("不错", "positive"),
        ("很好", "positive"),
        ("不满意", "negative"),
        ("满意", "positive"),
        ("not good", "negative"),
        ("good", "positive"),
    ],
)
def test_negation(text: str, expected: str) -> None:
    assert labels([text]) == [expected]


def test_negation_flips_the_score() -> None:
    good, not_good, bad_zh, good_zh = sentiment(["good", "not good", "不好", "好"])
    assert good.score > 0 > not_good.score
    assert bad_zh.score < 0 < good_zh.score


def test_contrast_is_mixed_with_its_own_clause_verdicts() -> None:
    s = sentiment(["不错，但是太贵了"])[0]
    assert s.mixed
    assert [(c.text, c.label, c.is_contrast_tail) for c in s.clauses] == [
        ("不错", "positive", False),
        ("但是太贵了", "negative", True),
    ]
    assert s.language == "zh"


def test_contrast_tail_weighs_more() -> None:
    # The same two clauses in both orders: the one in the tail pulls the score its way.
    praise_last, praise_first = sentiment(["太贵了，但是质量很好", "质量很好，但是太贵了"])
    assert praise_last.score > praise_first.score


def test_single_opinion_is_not_mixed() -> None:
    results = sentiment(["房间干净，服务热情，早餐丰富", "Great flight, friendly crew."])
    assert [r.mixed for r in results] == [False, False]


def test_english_three_classes_and_mixed() -> None:
    neutral, mixed = sentiment(
        [
            "@united what time does the flight to Denver leave tomorrow?",
            "The crew was wonderful and friendly but the delay was horrible and we missed our connection",
        ]
    )
    assert neutral.label == "neutral"
    assert neutral.language == "en"
    assert mixed.mixed


def test_result_ranges_and_label_rule() -> None:
    texts = ["一般般吧", "还行", "酒店", "ok", "非常满意！", "太失望了"]
    for s in sentiment(texts):
        assert -1.0 <= s.score <= 1.0
        assert 0.5 <= s.confidence <= 1.0
        band = 0.2  # the shipped Chinese model's neutral band
        if s.language == "zh":
            expected = (
                "positive" if s.score >= band else "negative" if s.score <= -band else "neutral"
            )
            assert s.label == expected


def test_single_clause_score_equals_its_clause() -> None:
    s = sentiment(["服务很周到"])[0]
    assert len(s.clauses) == 1
    assert s.score == pytest.approx(s.clauses[0].score, abs=1e-6)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("👍👍", "empty"),
        ("とても良いサービスでした", "other"),
        ("서비스 좋아요", "other"),
    ],
)
def test_unscored_languages_are_neutral_zero(text: str, language: str) -> None:
    s = sentiment([text])[0]
    assert s == Sentiment("neutral", 0.0, language, 0.0, False, ())


def test_mixed_language_uses_the_chinese_model() -> None:
    s = sentiment(["the 客服 was so rude 太差了 terrible"])[0]
    assert s.language == "mixed"
    assert s.label == "negative"


def test_empty_batch() -> None:
    assert sentiment([]) == []


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ("不错", "list of comments"),
        (b"bytes", "list of comments"),
        (["好", None], r"texts\[1\] is NoneType"),
        (["好", b"\xff\xfe"], r"texts\[1\] is bytes"),
        ([1.5], r"texts\[0\] is float"),
        (42, "list of comments"),
    ],
)
def test_bad_input_is_a_clear_error(texts: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        sentiment(texts)  # type: ignore[arg-type]


def test_hostile_strings_never_crash() -> None:
    rng = random.Random(0)
    garbage = bytes(rng.randrange(256) for _ in range(5000)).decode("latin-1")
    replaced = bytes(rng.randrange(256) for _ in range(5000)).decode("utf-8", errors="replace")
    controls = "".join(chr(c) for c in range(32)) + "好\x00差\x1b[31m\u202e\ufeff"
    surrogate = "服务\ud800很好"
    results = sentiment([garbage, replaced, controls, surrogate, "\x00" * 100, "?" * 10_000])
    assert len(results) == 6
    for s in results:
        assert s.label in ("negative", "neutral", "positive")
        assert -1.0 <= s.score <= 1.0


def test_ten_megabyte_text_is_cut_and_fast() -> None:
    big = "房间很好，但是早餐太差了。" * 800_000  # 10.4 M characters
    start = time.perf_counter()
    s = sentiment([big, "很好"])[0]
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0
    assert s.clauses[-1].end <= MAX_CHARS
    assert s.label in ("negative", "neutral", "positive")


def test_models_load_once_and_share() -> None:
    assert load_models() is load_models()
    assert model_version().startswith("zh-")
