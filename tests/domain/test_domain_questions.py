"""The question-kind registry and each kind's spec."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from factories import good_answers, survey_definition
from manyi.domain.answers import validate_answers
from manyi.domain.enums import KanoAnswer, QuestionKind
from manyi.domain.questions import KINDS, AnswerProblems, QuestionKindSpec, _registry, kind_spec
from manyi.domain.questions.kano import KANO_CODES
from manyi.domain.questions.scale import RATING, coerce_score, scale_label_lookup
from manyi.domain.questions.spec import COMMON_FIELDS
from manyi.domain.survey import CHOICE_KINDS, DEFAULT_SCALES, Question, SurveyDefinition
from manyi.errors import InvalidInput

DEFN = SurveyDefinition.model_validate(survey_definition())
SURVEYS_DOC = Path(__file__).parents[2] / "docs" / "surveys.md"


def question(**fields: Any) -> Question:
    return Question.model_validate({"code": "q", "text": "问题", **fields})


def check(q: Question, value: Any) -> tuple[Any, AnswerProblems]:
    problems = AnswerProblems()
    return kind_spec(q.kind).check_answer(q, value, problems), problems


# ---- the registry ---------------------------------------------------------------------


def test_every_question_kind_has_a_registered_spec() -> None:
    """A new QuestionKind value without a module and a registration fails here."""
    assert set(KINDS) == set(QuestionKind)
    for kind in QuestionKind:
        spec = kind_spec(kind)
        assert isinstance(spec, QuestionKindSpec)
        assert spec.kind is kind
        assert kind_spec(kind.value) is spec


def test_unknown_kind_names_the_kinds() -> None:
    with pytest.raises(InvalidInput, match=r"unknown question kind 'stars'; kinds are rating, nps"):
        kind_spec("stars")


def test_a_kind_registered_twice_is_refused() -> None:
    with pytest.raises(RuntimeError, match="two specs are registered for the question kind rating"):
        _registry((RATING, RATING))


def test_spec_fields_are_question_fields() -> None:
    """``fields`` is what the survey builder will offer; it must name real Question fields."""
    question_fields = set(Question.model_fields)
    assert question_fields >= COMMON_FIELDS
    for spec in KINDS.values():
        assert spec.fields <= question_fields - COMMON_FIELDS, spec.kind
        assert ("scale" in spec.fields) == (spec.default_scale is not None), spec.kind


def test_survey_module_views_of_the_registry() -> None:
    assert DEFAULT_SCALES == {
        QuestionKind.NPS: (0, 10),
        QuestionKind.CSAT: (1, 5),
        QuestionKind.CES: (1, 7),
        QuestionKind.LIKERT: (1, 5),
        QuestionKind.RATING: (1, 5),
        QuestionKind.MATRIX: (1, 5),
        QuestionKind.SERVQUAL: (1, 7),
    }
    assert {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING} == CHOICE_KINDS


def test_docs_describe_every_kind() -> None:
    """docs/surveys.md has a row for each kind in its answer and import tables, so the
    page cannot fall behind the registry."""
    text = SURVEYS_DOC.read_text(encoding="utf-8")
    for heading in ("## Question kinds and their answers", "### In file imports"):
        section = text.split(heading, 1)[1].split("\n#", 1)[0]
        first_cells = re.findall(r"^\| (.+?) \|", section, re.M)
        named = {k for cell in first_cells for k in re.findall(r"`([a-z]+)`", cell)}
        assert {k.value for k in QuestionKind} <= named, heading


def test_cells_are_among_the_item_codes_for_every_kind() -> None:
    checked = validate_answers(DEFN, good_answers())
    by_code = DEFN.by_code
    assert {by_code[c.question].kind for c in checked.cells} >= set(QuestionKind) - {
        QuestionKind.CES,
        QuestionKind.LIKERT,
    }
    for cell in checked.cells:
        assert cell.item in by_code[cell.question].item_codes(), cell


# ---- scale kinds: rating, nps, csat, ces, likert ------------------------------------------


@pytest.mark.parametrize(
    ("kind", "low", "high", "straight"),
    [
        ("rating", 1, 5, True),
        ("nps", 0, 10, False),
        ("csat", 1, 5, True),
        ("ces", 1, 7, False),
        ("likert", 1, 5, True),
    ],
)
def test_scale_kinds(kind: str, low: int, high: int, straight: bool) -> None:
    q = question(kind=kind)
    assert q.scale is not None and (q.scale.min, q.scale.max) == (low, high)
    assert q.item_codes() == [""]
    answer, problems = check(q, str(high))
    assert answer == high and not problems.errors
    spec = kind_spec(kind)
    assert [(c.item, c.value, c.text) for c in spec.cells(q, answer)] == [("", float(high), None)]
    assert spec.scores(q, answer) == {"": float(high)}
    assert spec.straight_line_scores(q, answer) == ([float(high)] if straight else [])
    assert not spec.is_open_text
    _, problems = check(q, high + 1)
    assert [e.msg for e in problems.errors] == [f"{high + 1} is outside the scale {low}–{high}"]


def test_only_nps_has_a_fixed_scale() -> None:
    assert question(kind="ces", scale={"min": 1, "max": 5}).scale is not None
    with pytest.raises(ValueError, match="an nps question uses the 0–10 scale"):
        question(kind="nps", scale={"min": 1, "max": 10})


LABELLED = {
    "min": 1,
    "max": 5,
    "labels": {
        "1": {"zh-CN": "非常不满意", "en": "Very dissatisfied"},
        "3": {"zh-CN": "一般", "en": "OK"},
        "4": {"zh-CN": "一般", "en": "Satisfied"},  # 一般 labels two points: left out
        "5": {"zh-CN": "非常满意", "en": "Very satisfied"},
        "top": {"en": "ignored: not a point"},
    },
}


def test_scale_labels_in_import_cells_become_points() -> None:
    q = question(kind="csat", scale=LABELLED)
    lookup = scale_label_lookup(q)
    assert lookup["非常满意"] == "5" and lookup["verysatisfied"] == "5"
    assert "一般" not in lookup and "ignored: not a point" not in lookup
    assert coerce_score(" 非常满意 ", lookup) == 5
    assert coerce_score("Very Dissatisfied", lookup) == 1  # loosely keyed
    assert coerce_score(" 9 ", lookup) == "9"  # a number stays a number, even if out of range
    assert coerce_score("一般", lookup) == "一般"  # ambiguous: left for validation to refuse
    assert coerce_score(4.0, lookup) == 4.0


# ---- matrix ---------------------------------------------------------------------------------


def test_matrix() -> None:
    with pytest.raises(ValueError, match="a matrix question needs rows"):
        question(kind="matrix")
    q = question(kind="matrix", rows=[{"code": "a", "text": "准时"}, {"code": "b", "text": "专业"}])
    spec = kind_spec("matrix")
    assert q.item_codes() == ["a", "b"]
    answer, problems = check(q, {"a": "4", "b": 5, "zz": 1})
    assert answer == {"a": 4, "b": 5}
    assert [e.loc for e in problems.errors] == [("answers", "q", "zz")]
    assert [(c.item, c.value) for c in spec.cells(q, answer)] == [("a", 4.0), ("b", 5.0)]
    assert spec.straight_line_scores(q, answer) == [4.0, 5.0]
    assert spec.import_part(q, "b") == "b" and spec.import_part(q, "zz") is None
    assert spec.coerce_cell(q, '{"a": 4}', {}) == {"a": 4}
    assert spec.coerce_cell(q, "not json", {}) == "not json"


# ---- choice kinds ---------------------------------------------------------------------------

OPTIONS = [
    {"code": "fast", "text": {"zh-CN": "快", "en": "Fast"}},
    {"code": "clean", "text": {"zh-CN": "干净", "en": "Clean work"}},
    {"code": "polite", "text": "礼貌"},
]


@pytest.mark.parametrize("kind", ["single", "multiple", "ranking"])
def test_choice_kinds_need_two_options(kind: str) -> None:
    with pytest.raises(ValueError, match=f"a {kind} question needs at least two options"):
        question(kind=kind, options=OPTIONS[:1])


def test_single_choice() -> None:
    q = question(kind="single", options=OPTIONS)
    spec = kind_spec("single")
    lookup = spec.import_lookup(q)
    assert spec.coerce_cell(q, " 干净 ", lookup) == "clean"
    assert spec.coerce_cell(q, "clean_work", lookup) == "clean"  # loosely keyed English text
    assert spec.coerce_cell(q, "其他", lookup) == "其他"  # kept for validation to refuse
    answer, problems = check(q, "clean")
    assert [(c.item, c.value, c.text) for c in spec.cells(q, answer)] == [("", 2.0, "clean")]
    _, problems = check(q, "其他")
    assert [e.msg for e in problems.errors] == ["expected one of fast, clean, polite"]


def test_multiple_choice_and_ranking() -> None:
    multiple = question(kind="multiple", options=OPTIONS, max_choices=2)
    ranking = question(kind="ranking", options=OPTIONS)
    for q in (multiple, ranking):
        spec = kind_spec(q.kind)
        assert q.item_codes() == ["fast", "clean", "polite"]
        assert spec.coerce_cell(q, "礼貌；快", spec.import_lookup(q)) == ["polite", "fast"]
        assert spec.coerce_cell(q, "fast|Clean work, 礼貌", spec.import_lookup(q)) == [
            "fast",
            "clean",
            "polite",
        ]
    answer, _ = check(ranking, ["polite", "fast", "clean"])
    assert [(c.item, c.value) for c in kind_spec("ranking").cells(ranking, answer)] == [
        ("polite", 1.0),
        ("fast", 2.0),
        ("clean", 3.0),
    ]
    answer, _ = check(multiple, ["polite", "fast"])
    assert [(c.item, c.value) for c in kind_spec("multiple").cells(multiple, answer)] == [
        ("polite", 1.0),
        ("fast", 1.0),
    ]
    _, problems = check(multiple, ["polite", "fast", "clean"])
    assert [e.msg for e in problems.errors] == ["choose at most 2"]
    _, problems = check(ranking, ["fast", "fast"])
    assert [e.msg for e in problems.errors] == ["an option is given twice"]


# ---- open -------------------------------------------------------------------------------------


def test_open() -> None:
    q = question(kind="open", max_length=10)
    spec = kind_spec("open")
    assert spec.is_open_text
    assert [s.kind for s in KINDS.values() if s.is_open_text] == [QuestionKind.OPEN]
    assert spec.coerce_cell(q, 5, {}) == "5"  # a spreadsheet number in a comment column
    answer, _ = check(q, "  ")
    assert spec.cells(q, answer) == []
    _, problems = check(q, "x" * 11)
    assert [e.msg for e in problems.errors] == ["text is longer than 10 characters"]
    assert spec.straight_line_scores(q, "5") == []


# ---- SERVQUAL -------------------------------------------------------------------------------


def test_servqual() -> None:
    spec = kind_spec("servqual")
    asked = question(kind="servqual", importance=True, required=True)
    plain = question(kind="servqual", required=True)
    assert asked.item_codes() == ["E", "P", "I"] and plain.item_codes() == ["E", "P"]
    answer, problems = check(asked, {"expectation": 7, "perception": "5", "importance": 6})
    assert not problems.errors
    assert [(c.item, c.value) for c in spec.cells(asked, answer)] == [
        ("E", 7.0),
        ("P", 5.0),
        ("I", 6.0),
    ]
    # expectations of an excellent company are high everywhere: only P counts
    assert spec.straight_line_scores(asked, answer) == [5.0]
    _, problems = check(plain, {"perception": 5, "importance": 6})
    assert [(e.loc, e.msg) for e in problems.errors] == [
        (("answers", "q", "importance"), "unknown part; parts are expectation, perception"),
        (("answers", "q", "expectation"), "required"),
    ]
    for part, key in [("E", "expectation"), ("期望", "expectation"), ("P", "perception")]:
        assert spec.import_part(asked, part) == key
    assert spec.import_part(asked, "感知") == "perception"
    assert spec.import_part(asked, "I") == "importance"
    assert spec.import_part(asked, "functional") is None  # a Kano part is not a SERVQUAL part
    labelled = question(kind="servqual", scale={"min": 1, "max": 7, "labels": {"7": "非常同意"}})
    assert spec.coerce_part(labelled, "perception", "非常同意", spec.import_lookup(labelled)) == 7


# ---- Kano -----------------------------------------------------------------------------------


def test_kano_codes_follow_berger_1993() -> None:
    """Berger et al. (1993), "Kano's methods for understanding customer-defined quality",
    Center for Quality Management Journal 2(4): the questionnaire's five answers in the
    order "I like it", "it must be", "I am neutral", "I can live with it", "I dislike it"."""
    assert {a.value: c for a, c in KANO_CODES.items()} == {
        "like": 1,
        "must-be": 2,
        "neutral": 3,
        "live-with": 4,
        "dislike": 5,
    }


def test_kano() -> None:
    q = question(kind="kano")
    spec = kind_spec("kano")
    assert q.item_codes() == ["functional", "dysfunctional"]
    answer, problems = check(q, {"functional": "喜欢", "dysfunctional": "4"})
    assert answer == {"functional": "like", "dysfunctional": "live-with"} and not problems.errors
    assert [(c.item, c.value, c.text) for c in spec.cells(q, answer)] == [
        ("functional", 1.0, KanoAnswer.LIKE.value),
        ("dysfunctional", 4.0, KanoAnswer.LIVE_WITH.value),
    ]
    assert spec.scores(q, answer) == {} and spec.straight_line_scores(q, answer) == []
    assert (
        spec.import_part(q, "F") == "functional" and spec.import_part(q, "反向") == "dysfunctional"
    )
    assert spec.import_part(q, "E") is None  # a SERVQUAL part is not a Kano part
    _, problems = check(q, {"functional": "maybe"})
    assert [e.loc for e in problems.errors] == [
        ("answers", "q", "functional"),
        ("answers", "q", "dysfunctional"),
    ]
