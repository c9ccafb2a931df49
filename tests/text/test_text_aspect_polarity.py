"""Regression tests for issue #9: praise in service feedback read as a complaint.

Each case comes from the demo feedback (``manyi.demo``), where the aspect labels were
wrong at commit 7cce9be. The causes, and what each test pins:

- a word that names a problem (故障, "complaint") counted as a full negative, so
  "师傅很快找到了故障原因" (found the cause of the fault quickly) came out 0 and took the
  comment's sentiment; it now weighs half (``PROBLEM_WEIGHT``);
- negation missed "without a single complaint" (determiners between the negator and the
  word) and the clause-final Chinese 没有 of "一句怨言都没有";
- 好 and 快 before a quantity are adverbs (好几次 "several times", 快6天 "almost six
  days"), 好好 is "properly", and 没装 + 好 is "not installed properly": all were praise;
- a comment whose only opinion words are so-so ("还行吧，一般般") lent the model's
  positive reading of it to mentions without an opinion of their own.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from manyi.text import opinion as opinion_module
from manyi.text.aspects import aspects
from manyi.text.opinion import load_opinion_lexicon, opinions


def labels(text: str) -> dict[str, str]:
    return {m.code: m.label for m in aspects([text])[0]}


@pytest.mark.parametrize(
    ("text", "code", "label"),
    [
        ("师傅很快找到了故障原因", "after_sales", "positive"),
        ("师傅很快找到了故障原因，一次就修好了", "after_sales", "positive"),
        ("They carried it up six floors without a single complaint.", "after_sales", "positive"),
        ("等配件等了快6天", "waiting_time", "negative"),
        ("师傅装了两个多小时都没装好", "after_sales", "negative"),
        ("配送员没有提前打电话", "delivery", "negative"),
        ("配送员没有提前打电话，不过安装师傅很专业", "delivery", "negative"),
    ],
)
def test_demo_feedback_aspect_labels(text: str, code: str, label: str) -> None:
    assert labels(text)[code] == label


def test_praise_that_was_already_right_stays_right() -> None:
    assert labels("退款很快")["after_sales"] == "positive"
    assert labels("退款很快，第二天就原路退回了")["after_sales"] == "positive"


def whole(score: float):  # type: ignore[no-untyped-def]
    def scorer(texts: Sequence[str]) -> list[float]:
        return [score] * len(texts)

    return scorer


def test_a_so_so_comment_is_a_neutral_context_whatever_the_model_says() -> None:
    # The model reads "还行吧，一般般" as clearly positive (0.62); the customer said so-so.
    found = aspects(
        ["师傅上门安装了，还行吧，一般般"], scorer=whole(0.9), clause_sentiment="opinion"
    )[0]
    assert [(m.code, m.label, m.score) for m in found] == [("after_sales", "neutral", 0.0)]
    # A comment with a real opinion word still lends it (mean of model and words).
    found = aspects(["师傅上门安装了，很满意"], scorer=whole(0.9), clause_sentiment="opinion")[0]
    assert found[0].score == pytest.approx((0.9 + 1.0) / 2)


def scores(*texts: str) -> list[float | None]:
    return [o.score for o in opinions(list(texts))]


def test_problem_words_weigh_half_a_negative_word() -> None:
    assert opinion_module.PROBLEM_WEIGHT == 0.5
    # 很快 (+1) against 故障 (−0.5): (1 − 0.5) / 1.5
    assert scores("师傅很快找到了故障原因") == [pytest.approx(1 / 3)]
    # alone, a problem word is still a complaint; "slow" (a judgement) still cancels "quick"
    assert scores("空调又出故障了", "my only complaint is the noise") == [-1.0, -1.0]
    assert scores("quick but slow") == [0.0]
    terms = opinions(["师傅很快找到了故障原因"])[0].terms
    assert [(t.term, t.problem) for t in terms] == [("很快", False), ("故障", True)]


def test_negation_reaches_over_determiners_and_clause_final_meiyou() -> None:
    assert scores(
        "without a single complaint",
        "without any fuss",
        "not a good experience",
        "一句怨言都没有",
        "毛病也没有",
        "一点没刁难",
        "没有强行推销",
    ) == [1.0, 1.0, -1.0, 1.0, 1.0, 1.0, 1.0]
    # 没有 followed by more is not a clause-final negation: 投诉没有处理 is a complaint.
    assert scores("投诉没有处理") == [-1.0]


def test_hao_and_kuai_before_a_quantity_are_not_praise() -> None:
    assert scores("回访电话打了好几次", "等了快6天", "快一个月了", "好多人在排队") == [
        None,
        None,
        None,
        None,
    ]
    assert scores("上菜很快", "服务好", "快") == [1.0, 1.0, 1.0]


def test_reduplication_and_negated_result_complements() -> None:
    assert scores("师傅暗示要加钱才肯好好装") == [None]
    assert scores("师傅装了两个多小时都没装好") == [-1.0]


def test_bundled_lexicon_version_and_lists() -> None:
    lexicon = load_opinion_lexicon()
    assert lexicon.version == "opinion-2026.12-1"
    assert {"故障", "投诉", "怨言"} <= lexicon.problems["zh"]
    assert {"complaint", "problem", "fuss"} <= lexicon.problems["en"]
    assert lexicon.entries["zh"]["故障"] == "negative"
