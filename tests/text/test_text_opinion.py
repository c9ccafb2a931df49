"""Opinion words (manyi.text.opinion) and how aspects() uses them for per-aspect sentiment."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manyi.errors import InvalidInput
from manyi.text.aspects import aspects
from manyi.text.opinion import LEXICON_PATH, load_opinion_lexicon, opinions


def scores(texts: list[str]) -> list[float | None]:
    return [o.score for o in opinions(texts)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("服务员很热情", 1.0),
        ("菜太难吃了", -1.0),
        ("The staff were attentive", 1.0),
        ("the waiter was rude", -1.0),
        ("性价比高", 1.0),  # an entry that jieba cuts into two tokens
        ("分量太少了", -1.0),  # 太少 glued to a particle inside one token
        ("价格有点小贵额", -1.0),  # a degree prefix glued to a one-character word
        ("菜很好吃，但是服务太慢", 0.0),  # one each way: the clause split is aspects()' job
    ],
)
def test_polarity_of_opinion_words(text: str, expected: float) -> None:
    assert scores([text]) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("服务员不太热情", -1.0),  # negated positive -> negative
        ("服务态度不是很好", -1.0),  # a degree word between negator and opinion word
        ("the food was not very good", -1.0),
        ("the food wasn't good", -1.0),  # contraction expanded by the tokenizer
        ("this place is *not* romantic", -1.0),  # emphasis marks do not break the scope
        ("价格不贵", 1.0),  # negated negative -> (mild) positive
        ("not bad at all", 1.0),
        ("没有问题", None),  # 问题 is not an opinion word: no opinion either way
        ("I never felt rushed", 1.0),  # a copula verb between negator and word
        ("没有很满意哦", -1.0),  # 满意哦 is one jieba token: particle stripped, still negated
    ],
)
def test_negation(text: str, expected: float | None) -> None:
    assert scores([text]) == [expected]


def test_negated_negative_words_count_half() -> None:
    (o,) = opinions(["不贵，但是难吃"])
    # P = 0.5 (不贵), N = 1 (难吃): (0.5 - 1) / 1.5
    assert o.score == pytest.approx(-1 / 3)
    assert [(t.term, t.polarity, t.negated) for t in o.terms] == [
        ("贵", "negative", True),
        ("难吃", "negative", False),
    ]


def test_so_so_words_are_an_explicit_neutral() -> None:
    for text in ("味道一般", "服务还行吧", "The food was ok", "prices are nothing special"):
        (o,) = opinions([text])
        assert (o.score, o.neutral) == (0.0, True), text
    (o,) = opinions(["味道一般，服务很热情"])
    assert o.neutral is False and o.score == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "出差住这里",
        "快递到了",
        "不好意思打扰了",
        "特色菜是鱼",
        "我们点了鱼",
        "We ordered the fish",
        "",
    ],
)
def test_no_opinion_word_gives_none(text: str) -> None:
    # 差 in 出差, 快 in 快递, 不好 in 不好意思, 特色 in 特色菜: whole jieba tokens only
    (o,) = opinions([text])
    assert (o.score, o.neutral, o.terms) == (None, False, ())


def test_mixed_comment_reads_english_words_too() -> None:
    (o,) = opinions(["这家店的 service 很 great"])
    assert o.score == 1.0
    assert [t.term for t in o.terms] == ["great"]


def test_hostile_input_gives_a_result() -> None:
    garbage = bytes(range(256)).decode("latin-1")
    texts = ["", "\x00\x07\x1b[31m", garbage, "😀😀😀", "好" * 10_000_000, "\ud800 bad surrogate"]
    result = opinions(texts)
    assert len(result) == len(texts)
    assert result[0].score is None
    assert result[4].score == 1.0  # only the first MAX_CHARS characters are read


@pytest.mark.parametrize("bad", ["服务很好", None, [None], ["ok", 3]])
def test_bad_input_is_rejected(bad: object) -> None:
    with pytest.raises(InvalidInput):
        opinions(bad)  # type: ignore[arg-type]


def test_bundled_lexicon_has_no_conflicts_and_a_stable_digest() -> None:
    lexicon = load_opinion_lexicon()
    assert lexicon is load_opinion_lexicon()  # compiled once per process
    assert lexicon.version.startswith("opinion-")
    assert len(lexicon.digest) == 12
    assert load_opinion_lexicon(LEXICON_PATH).digest == lexicon.digest


def test_own_lexicon_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "version: mine-1\n"
        "zh: {positive: [丝滑], negative: [], neutral: [], negators: [不], degree: [很]}\n"
        "en: {positive: [], negative: [laggy], neutral: [], negators: [not], degree: []}\n",
        encoding="utf-8",
    )
    mine = load_opinion_lexicon(path)
    assert mine.digest != load_opinion_lexicon().digest
    assert [
        o.score for o in opinions(["手感很丝滑", "不很丝滑", "so laggy", "服务很好"], mine)
    ] == [
        1.0,
        -1.0,
        -1.0,
        None,
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("zh: {}\n", "version"),
        (
            "version: x\nzh: {positive: [好], negative: [好]}\nen: {}\n",
            "both positive and negative",
        ),
        ("version: x\nzh: {postive: [好]}\nen: {}\n", "must map"),
        ("version: x\nzh: [\n", "cannot read"),
    ],
)
def test_bad_lexicon_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput, match=message):
        load_opinion_lexicon(path)
    with pytest.raises(InvalidInput, match="cannot read"):
        load_opinion_lexicon(tmp_path / "missing.yaml")


# ---- aspects(): opinion words first, the whole comment when a mention has none ----


def test_each_aspect_gets_its_own_opinion_words() -> None:
    (result,) = aspects(["菜很好吃，但是服务太慢", "The food was great but the waiter was rude."])[
        :1
    ]
    assert [(m.code, m.label, m.score) for m in result] == [
        ("food_taste", "positive", 1.0),
        ("waiting_time", "negative", -1.0),
    ]
    assert [t.term for t in result[1].clauses[0].opinion] == ["太慢"]


def test_so_so_aspect_stays_neutral_in_a_happy_comment() -> None:
    (result,) = aspects(["味道一般，但是服务员很热情，下次还来"])
    labels = {m.code: m.label for m in result}
    assert labels["food_taste"] == "neutral"
    assert labels["staff_attitude"] == "positive"


def test_only_comments_that_need_context_are_scored_whole() -> None:
    calls: list[list[str]] = []

    def counting(texts: Sequence[str]) -> list[float]:
        calls.append(list(texts))
        return [-0.8] * len(texts)

    result = aspects(
        ["价格实惠", "价格是多少", "环境一般"], scorer=counting, clause_sentiment="opinion"
    )
    # 实惠 decides the first, 一般 (so-so) the third; the second has no opinion word
    assert calls == [["价格是多少"]]
    assert [[(m.code, m.label) for m in r] for r in result] == [
        [("price", "positive")],
        [("price", "negative")],
        [("environment", "neutral")],
    ]
    assert result[1][0].clauses[0].score is None


def test_a_scorer_passed_in_scores_the_clauses() -> None:
    # A model trained on your own feedback is used on the clauses, not the opinion words.
    (result,) = aspects(["价格实惠"], scorer=lambda xs: [-0.9] * len(xs))
    assert result[0].label == "negative"
    assert result[0].clauses[0].opinion == ()
    with pytest.raises(InvalidInput, match="clause_sentiment"):
        aspects(["价格实惠"], clause_sentiment="lexicon")  # type: ignore[arg-type]


def test_enrichment_version_follows_the_lexicon(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from manyi.text import enrich

    before = enrich.enrichment_version()
    changed = dataclasses.replace(load_opinion_lexicon(), digest="000000000000")
    monkeypatch.setattr(enrich, "load_opinion_lexicon", lambda: changed)
    assert enrich.enrichment_version() != before


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=5))
def test_total_and_bounded_on_any_text(texts: list[str]) -> None:
    for o in opinions(texts):
        assert o.score is None or -1.0 <= o.score <= 1.0
        assert not (o.neutral and o.score != 0.0)
        assert all(t.term for t in o.terms)
