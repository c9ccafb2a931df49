from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factories import good_answers, survey_definition
from manyi.domain.answers import validate_answers
from manyi.domain.enums import QuestionKind
from manyi.domain.survey import Question, SurveyDefinition
from manyi.errors import InvalidInput

DEFN = SurveyDefinition.model_validate(survey_definition())


def test_good_answers_give_canonical_answers_and_cells() -> None:
    checked = validate_answers(DEFN, good_answers())
    assert checked.answers["k1"] == {"functional": "like", "dysfunctional": "live-with"}
    cells = {(c.question, c.item): c for c in checked.cells}
    assert cells[("nps", "")].value == 9
    assert (
        cells[("sq1", "E")].value == 6
        and cells[("sq1", "P")].value == 5
        and cells[("sq1", "I")].value == 7
    )
    assert cells[("grid", "b")].value == 5
    assert cells[("rank", "speed")].value == 1 and cells[("rank", "price")].value == 2
    assert cells[("type", "")].text == "repair"
    assert cells[("comment", "")].text.startswith("师傅")


def test_every_bad_field_is_reported_with_its_path() -> None:
    bad = good_answers(
        nps=11,
        csat="great",
        unknown_q=3,
        grid={"a": 9, "zz": 1},
        type="other",
        k1={"functional": "maybe"},
    )
    with pytest.raises(InvalidInput) as info:
        validate_answers(DEFN, bad)
    locs = {tuple(e.loc) for e in info.value.errors}
    assert ("answers", "nps") in locs
    assert ("answers", "csat") in locs
    assert ("answers", "unknown_q") in locs
    assert ("answers", "grid", "a") in locs
    assert ("answers", "grid", "zz") in locs
    assert ("answers", "type") in locs
    assert ("answers", "k1", "functional") in locs
    assert ("answers", "k1", "dysfunctional") in locs
    nps_error = next(e for e in info.value.errors if tuple(e.loc) == ("answers", "nps"))
    assert "outside the scale 0–10" in nps_error.msg


def test_required_question_missing() -> None:
    answers = good_answers()
    del answers["nps"]
    with pytest.raises(InvalidInput) as info:
        validate_answers(DEFN, answers)
    assert [tuple(e.loc) for e in info.value.errors] == [("answers", "nps")]


@pytest.mark.parametrize("value", [True, 3.5, float("nan"), "1e400", None, [9], {"v": 9}])
def test_non_integer_scores_are_refused(value: object) -> None:
    answers = good_answers(csat=value)
    if value is None:
        assert "csat" not in validate_answers(DEFN, answers).answers  # unanswered optional question
        return
    with pytest.raises(InvalidInput):
        validate_answers(DEFN, answers)


@given(st.integers(min_value=-100, max_value=100))
def test_nps_range_is_exactly_0_to_10(score: int) -> None:
    answers = good_answers(nps=score)
    if 0 <= score <= 10:
        assert validate_answers(DEFN, answers).answers["nps"] == score
    else:
        with pytest.raises(InvalidInput):
            validate_answers(DEFN, answers)


@given(
    st.dictionaries(
        st.text(max_size=10),
        st.one_of(st.none(), st.integers(), st.text(max_size=20), st.lists(st.text(max_size=5))),
    )
)
def test_arbitrary_payloads_never_crash(payload: dict[str, object]) -> None:
    try:
        validate_answers(DEFN, payload)
    except InvalidInput as exc:
        assert exc.errors


def test_survey_definition_rejects_duplicates_and_bad_nps_scale() -> None:
    with pytest.raises(ValueError, match="duplicate question codes"):
        SurveyDefinition.model_validate(
            survey_definition(questions=[{"code": "a", "kind": "open", "text": "x"}] * 2)
        )
    with pytest.raises(ValueError, match="0–10"):
        SurveyDefinition.model_validate(
            survey_definition(
                questions=[{"code": "a", "kind": "nps", "text": "x", "scale": {"min": 1, "max": 5}}]
            )
        )


def test_a_question_without_its_scale_is_a_clear_error_not_an_assert() -> None:
    """A Question built around its validator (``model_construct``) has no default scale;
    validation says so instead of failing an ``assert`` (which ``python -O`` would skip)."""
    unscaled = Question.model_construct(code="q", kind=QuestionKind.RATING, text="x", scale=None)
    definition = SurveyDefinition.model_construct(title="t", questions=[unscaled])
    with pytest.raises(InvalidInput, match=r"question 'q' \(rating\) has no scale"):
        validate_answers(definition, {"q": 3})


def test_item_codes_per_kind() -> None:
    by_code = DEFN.by_code
    assert by_code["nps"].item_codes() == [""]
    assert by_code["grid"].item_codes() == ["a", "b"]
    assert by_code["good"].item_codes() == ["fast", "clean", "polite"]
    assert by_code["rank"].item_codes() == ["price", "speed"]
    assert by_code["sq1"].item_codes() == ["E", "P", "I"]
    assert by_code["k1"].item_codes() == ["functional", "dysfunctional"]
    assert by_code["comment"].item_codes() == [""]
