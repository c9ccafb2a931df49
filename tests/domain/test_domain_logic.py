"""Display conditions, piping, option order and pages (manyi.domain.logic)."""

from __future__ import annotations

import operator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from manyi.domain.answers import validate_answers
from manyi.domain.logic import (
    drop_hidden,
    is_visible,
    ordered_choices,
    pages,
    pipe_text,
    visible_questions,
)
from manyi.domain.survey import Question, SurveyDefinition
from manyi.errors import InvalidInput

OPTIONS = [
    {"code": "install", "text": {"zh-CN": "安装", "en": "Installation"}},
    {"code": "repair", "text": {"zh-CN": "维修", "en": "Repair"}},
    {"code": "cleaning", "text": {"zh-CN": "清洗", "en": "Cleaning"}},
]


def nps_survey(**why: Any) -> SurveyDefinition:
    """NPS, then "what went wrong?" for detractors, then a page with the service type."""
    return SurveyDefinition.model_validate(
        {
            "title": "NPS",
            "questions": [
                {"code": "nps", "kind": "nps", "text": "推荐意愿", "required": True},
                {
                    "code": "why",
                    "kind": "open",
                    "required": True,
                    "text": {"zh-CN": "哪里做得不好？", "en": "What went wrong?"},
                    "show_if": {"question": "nps", "op": "<=", "value": 6},
                    **why,
                },
                {
                    "code": "type",
                    "kind": "single",
                    "text": "服务类型",
                    "options": OPTIONS,
                    "page_break": True,
                },
                {
                    "code": "good",
                    "kind": "multiple",
                    "text": "做得好的方面",
                    "options": OPTIONS,
                    "show_if": {
                        "any": [
                            {"question": "nps", "op": ">=", "value": 9},
                            {"question": "type", "op": "in", "value": ["repair"]},
                        ]
                    },
                },
                {
                    "code": "more",
                    "kind": "open",
                    "text": "补充",
                    "show_if": {"question": "why", "op": "answered"},
                },
            ],
        }
    )


DEFN = nps_survey()


def codes(questions: list[Question]) -> list[str]:
    return [q.code for q in questions]


# ---- visibility --------------------------------------------------------------------


def test_detractor_branch_is_shown_only_to_detractors() -> None:
    why = DEFN.by_code["why"]
    assert is_visible(why, {"nps": 3})
    assert is_visible(why, {"nps": 6})
    assert not is_visible(why, {"nps": 7})
    assert not is_visible(why, {})  # unanswered: no follow-up
    assert is_visible(why, {"nps": "3"})  # a score from a file cell


def test_any_all_and_chains_through_hidden_questions() -> None:
    assert codes(visible_questions(DEFN, {"nps": 9})) == ["nps", "type", "good"]
    assert codes(visible_questions(DEFN, {"nps": 7, "type": "repair"})) == [
        "nps",
        "type",
        "good",
    ]
    assert codes(visible_questions(DEFN, {"nps": 7, "type": "install"})) == ["nps", "type"]
    # "more" follows "why"; once NPS 9 hides "why", its stale answer no longer shows "more".
    assert "more" in codes(visible_questions(DEFN, {"nps": 2, "why": "慢"}))
    assert "more" not in codes(visible_questions(DEFN, {"nps": 9, "why": "慢"}))


def test_all_and_the_other_operators() -> None:
    defn = SurveyDefinition.model_validate(
        {
            "title": "t",
            "questions": [
                {"code": "csat", "kind": "csat", "text": "满意"},
                {"code": "type", "kind": "single", "text": "类型", "options": OPTIONS},
                {
                    "code": "q",
                    "kind": "open",
                    "text": "问",
                    "show_if": {
                        "all": [
                            {"question": "csat", "op": "!=", "value": 3},
                            {"question": "csat", "op": "<", "value": 5},
                            {"question": "csat", "op": ">", "value": 1},
                            {"question": "type", "op": "not_in", "value": ["install"]},
                            {"question": "type", "op": "==", "value": "repair"},
                        ]
                    },
                },
                {
                    "code": "skipped",
                    "kind": "open",
                    "text": "问",
                    "show_if": {"question": "csat", "op": "not_answered"},
                },
            ],
        }
    )
    q = defn.by_code["q"]
    assert is_visible(q, {"csat": 4, "type": "repair"})
    assert is_visible(q, {"csat": 2, "type": "repair"})
    for csat in (1, 3, 5):
        assert not is_visible(q, {"csat": csat, "type": "repair"})
    assert not is_visible(q, {"csat": 4, "type": "install"})
    assert not is_visible(q, {"csat": 4})  # != and not_in are false when unanswered
    assert is_visible(defn.by_code["skipped"], {})
    assert not is_visible(defn.by_code["skipped"], {"csat": 4})


PYTHON_OPERATORS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@given(
    st.sampled_from(sorted(PYTHON_OPERATORS)),
    st.integers(min_value=0, max_value=10),
    st.integers(min_value=0, max_value=10),
)
def test_score_comparisons_agree_with_python(op: str, score: int, threshold: int) -> None:
    q = Question.model_validate(
        {"code": "f", "kind": "open", "text": "问"}
        | {"show_if": {"question": "nps", "op": op, "value": threshold}}
    )
    expected = PYTHON_OPERATORS[op](score, threshold)
    assert is_visible(q, {"nps": score}) is expected
    assert is_visible(q, {"nps": str(score)}) is expected  # a score typed in a file cell


ANSWERED = [
    {"code": f"q{i}", "kind": "open", "text": "问"}
    | ({"show_if": {"question": f"q{i - 1}", "op": "answered"}} if i else {})
    for i in range(6)
]
CHAIN = SurveyDefinition.model_validate({"title": "t", "questions": ANSWERED})


@given(
    st.dictionaries(st.sampled_from([f"q{i}" for i in range(6)]), st.text(min_size=1)),
    st.dictionaries(st.sampled_from([f"q{i}" for i in range(6)]), st.text(min_size=1)),
)
def test_answering_more_never_hides_an_answered_condition(
    some: dict[str, str], more: dict[str, str]
) -> None:
    """With only `answered` conditions, visibility is monotone in the answers given."""
    fewer = codes(visible_questions(CHAIN, some))
    assert set(fewer) <= set(codes(visible_questions(CHAIN, more | some)))


@given(st.integers(min_value=0, max_value=10), st.text(min_size=1))
def test_drop_hidden_keeps_exactly_the_visible_answers(score: int, why: str) -> None:
    kept = drop_hidden(DEFN, {"nps": score, "why": why, "ghost": 1})
    assert ("why" in kept) == (score <= 6)
    assert kept["nps"] == score and kept["ghost"] == 1  # unknown codes are left to validation


def test_changed_answer_drops_the_follow_up() -> None:
    assert drop_hidden(DEFN, {"nps": 9, "why": "太慢", "more": "x"}) == {"nps": 9}


# ---- validation honours visibility ---------------------------------------------------


def test_hidden_question_is_never_required() -> None:
    assert validate_answers(DEFN, {"nps": 9}).answers == {"nps": 9}
    with pytest.raises(InvalidInput) as info:
        validate_answers(DEFN, {"nps": 3})
    assert [(tuple(e.loc), e.msg) for e in info.value.errors] == [
        (("answers", "why"), "this question requires an answer")
    ]


def test_answer_to_a_hidden_question_is_refused_with_its_reason() -> None:
    with pytest.raises(InvalidInput) as info:
        validate_answers(DEFN, {"nps": 9, "why": "慢"})
    [error] = info.value.errors
    assert tuple(error.loc) == ("answers", "why")
    assert "hidden by its condition" in error.msg
    assert error.type == "hidden"


def test_visibility_is_decided_on_canonical_answers() -> None:
    checked = validate_answers(DEFN, {"nps": "3", "why": "慢"})
    assert checked.answers == {"nps": 3, "why": "慢"}


# ---- definition errors ---------------------------------------------------------------


def survey_with(*questions: dict[str, Any]) -> dict[str, Any]:
    first = {"code": "nps", "kind": "nps", "text": "推荐"}
    pick = {"code": "type", "kind": "single", "text": "类型", "options": OPTIONS}
    many = {"code": "good", "kind": "multiple", "text": "好", "options": OPTIONS}
    grid = {"code": "grid", "kind": "matrix", "text": "评", "rows": OPTIONS}
    return {"title": "t", "questions": [first, pick, many, grid, *questions]}


def follow_up(condition: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"code": "f", "kind": "open", "text": "问", "show_if": condition, **extra}


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"question": "ghost", "op": "answered"}, "'ghost', which is not a question asked before"),
        ({"question": "f", "op": "answered"}, "refers to the question itself"),
        ({"question": "nps", "op": "<=", "value": 11}, "11 is not among the scores 0–10"),
        ({"question": "nps", "op": "<=", "value": True}, "True is not among the scores"),
        ({"question": "nps", "op": "<=", "value": "6"}, "'6' is not among the scores"),
        ({"question": "nps", "op": "answered", "value": 1}, "answered takes no value"),
        ({"question": "type", "op": "==", "value": "other"}, "'other' is not among the option"),
        ({"question": "type", "op": "<", "value": "repair"}, "< compares numbers"),
        ({"question": "type", "op": "in", "value": "repair"}, "in needs a non-empty list"),
        ({"question": "type", "op": "in", "value": []}, "in needs a non-empty list"),
        ({"question": "good", "op": "==", "value": "repair"}, "use in or not_in"),
        ({"question": "grid", "op": ">", "value": 3}, "only be tested with answered"),
        ({"all": [{"question": "ghost", "op": "answered"}]}, "'ghost'"),
        ({"question": "nps", "op": "like", "value": 3}, "show_if"),
        ({"all": []}, "show_if"),
    ],
)
def test_bad_conditions_are_refused_clearly(condition: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SurveyDefinition.model_validate(survey_with(follow_up(condition)))


def test_condition_on_a_later_question_is_refused() -> None:
    definition = survey_with(follow_up({"question": "late", "op": "answered"}))
    definition["questions"].append({"code": "late", "kind": "open", "text": "后"})
    with pytest.raises(ValidationError, match="'late', which is not a question asked before"):
        SurveyDefinition.model_validate(definition)


def test_condition_on_a_question_of_a_later_page_is_refused() -> None:
    """With explicit pages the asking order is the pages' order, not the list's."""
    definition = survey_with(follow_up({"question": "nps", "op": "answered"}))
    definition["pages"] = [{"questions": ["f"]}, {"questions": ["nps"]}]
    with pytest.raises(ValidationError, match="'nps', which is not a question asked before"):
        SurveyDefinition.model_validate(definition)
    definition["pages"] = [{"questions": ["nps", "f"]}]
    defn = SurveyDefinition.model_validate(definition)
    assert codes(visible_questions(defn, {"nps": 1})) == ["nps", "f", "type", "good", "grid"]


def test_a_question_on_two_pages_is_refused() -> None:
    definition = survey_with()
    definition["pages"] = [{"questions": ["nps", "type"]}, {"questions": ["type"]}]
    with pytest.raises(ValidationError, match="on more than one page: type"):
        SurveyDefinition.model_validate(definition)


def test_randomize_needs_options_or_rows() -> None:
    with pytest.raises(ValidationError, match="a nps question has neither"):
        Question.model_validate({"code": "n", "kind": "nps", "text": "推荐", "randomize": True})


def test_pages_and_page_break_are_not_mixed() -> None:
    definition = survey_with({"code": "x", "kind": "open", "text": "问", "page_break": True})
    definition["pages"] = [{"questions": ["nps"]}]
    with pytest.raises(ValidationError, match="either with pages or with page_break"):
        SurveyDefinition.model_validate(definition)


def test_conditions_survive_the_stored_json() -> None:
    """Definitions are stored as model_dump(by_alias=True, exclude_none=True)."""
    stored = DEFN.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert stored["questions"][3]["show_if"]["any"][0] == {
        "question": "nps",
        "op": ">=",
        "value": 9,
    }
    assert SurveyDefinition.model_validate(stored) == DEFN


# ---- piping --------------------------------------------------------------------------


def test_pipe_answers_in_the_page_language_and_customer_fields() -> None:
    text = "{customer:name}，您选择了{answer:type}（{answer:good}），打分 {answer:nps}。"
    answers = {"type": "repair", "good": ["install", "cleaning"], "nps": 9.0}
    zh = pipe_text(text, answers, {"name": "王女士"}, definition=DEFN)
    assert zh == "王女士，您选择了维修（安装、清洗），打分 9。"
    en = pipe_text(
        "You chose {answer:type} ({answer:good})", answers, definition=DEFN, language="en"
    )
    assert en == "You chose Repair (Installation, Cleaning)"


def test_unknown_placeholders_stay_and_values_are_plain_text() -> None:
    text = "{answer:ghost} {other:x} {answer:why} {customer:city}|{answer:nps}"
    piped = pipe_text(text, {"why": "<script>x</script>"}, {"city": None}, definition=DEFN)
    assert piped == "{answer:ghost} {other:x} <script>x</script> |"
    # Without a definition, codes are shown as given.
    assert pipe_text("{answer:type}", {"type": "repair"}) == "repair"


def test_piping_a_later_or_unknown_answer_into_a_question_is_refused() -> None:
    for name in ("late", "ghost", "f"):
        definition = survey_with(
            {"code": "f", "kind": "open", "text": {"en": f"Why {{answer:{name}}}?"}},
            {"code": "late", "kind": "open", "text": "后"},
        )
        with pytest.raises(ValidationError, match=f"{{answer:{name}}} names a question not"):
            SurveyDefinition.model_validate(definition)
    fine = survey_with(
        {"code": "f", "kind": "open", "text": "为什么{answer:nps}分？{customer:x}{other:y}"}
    )
    assert SurveyDefinition.model_validate(fine).by_code["f"].text.zh == (
        "为什么{answer:nps}分？{customer:x}{other:y}"
    )


def test_object_answers_are_not_piped() -> None:
    defn = SurveyDefinition.model_validate(survey_with())
    assert pipe_text("{answer:grid}", {"grid": {"install": 4}}, definition=defn) == (
        "{answer:grid}"
    )


# ---- option order --------------------------------------------------------------------

SHUFFLED = Question.model_validate(
    {
        "code": "s",
        "kind": "single",
        "text": "选",
        "randomize": True,
        "options": [
            *({"code": f"o{i}", "text": f"选项{i}"} for i in range(8)),
            {"code": "other", "text": "其他", "anchor": True},
        ],
    }
)


@given(st.one_of(st.integers(), st.text()))
def test_ordered_choices_is_a_stable_permutation_with_anchors_in_place(seed: int | str) -> None:
    order = ordered_choices(SHUFFLED, seed)
    assert sorted(o.code for o in order) == sorted(o.code for o in SHUFFLED.options)
    assert order[-1].code == "other"
    assert order == ordered_choices(SHUFFLED, seed)


def test_ordered_choices_shuffles_by_seed_and_keeps_order_without_randomize() -> None:
    orders = {tuple(o.code for o in ordered_choices(SHUFFLED, s)) for s in range(50)}
    assert len(orders) > 40  # 8! orders: fifty seeds almost never repeat one
    plain = DEFN.by_code["type"]
    assert ordered_choices(plain, 7) == plain.options
    grid = Question.model_validate(
        {"code": "g", "kind": "matrix", "text": "评", "rows": OPTIONS, "randomize": True}
    )
    assert {r.code for r in ordered_choices(grid, "r")} == {"install", "repair", "cleaning"}


def test_the_order_does_not_depend_on_the_process() -> None:
    """A str seed is hashed with SHA-512, not Python's per-process hash: pinned here."""
    assert [o.code for o in ordered_choices(SHUFFLED, "draft-1")] == PINNED_ORDER


PINNED_ORDER = ["o1", "o4", "o6", "o3", "o0", "o5", "o7", "o2", "other"]


# ---- pages ---------------------------------------------------------------------------


def test_pages_split_at_page_break() -> None:
    assert [codes(p) for p in pages(DEFN)] == [["nps", "why"], ["type", "good", "more"]]


def test_page_break_on_the_first_question_changes_nothing() -> None:
    definition = survey_with()
    definition["questions"][0]["page_break"] = True
    definition["questions"][2]["page_break"] = True
    defn = SurveyDefinition.model_validate(definition)
    assert [codes(p) for p in pages(defn)] == [["nps", "type"], ["good", "grid"]]


def test_explicit_pages_win_and_leftovers_go_last() -> None:
    definition = survey_with()
    definition["pages"] = [{"questions": ["type"]}, {"questions": ["nps", "grid"]}]
    defn = SurveyDefinition.model_validate(definition)
    assert [codes(p) for p in pages(defn)] == [["type"], ["nps", "grid"], ["good"]]
