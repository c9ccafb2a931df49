"""Import columns → questions, and file cells → answers, for every question kind."""

from __future__ import annotations

from typing import Any

import pytest

from factories import survey_definition
from manyi.domain.answers import validate_answers
from manyi.domain.survey import SurveyDefinition
from manyi.errors import InvalidInput
from manyi.ingestion.mapping import ColumnMap, Target, build_answers, map_columns, option_lookup


def _definition() -> SurveyDefinition:
    raw = survey_definition()
    for q in raw["questions"]:
        if q["code"] == "csat":
            q["scale"] = {
                "min": 1,
                "max": 5,
                "labels": {
                    "1": {"zh-CN": "非常不满意", "en": "Very dissatisfied"},
                    "5": {"zh-CN": "非常满意", "en": "Very satisfied"},
                },
            }
        if q["code"] == "sq1":
            q["scale"] = {"min": 1, "max": 7, "labels": {"7": {"zh-CN": "非常同意"}}}
    return SurveyDefinition.model_validate(raw)


DEFN = _definition()


def test_columns_are_matched_by_code_part_and_text() -> None:
    headers = [
        "答卷编号",
        "nps",
        "您对本次服务满意吗？",
        "sq1.E",
        "sq1.感知",
        "sq1[I]",
        "grid.a",
        "grid:b",
        "grid.zz",
        "k1.F",
        "k1.反向",
        "k1.E",
        "weather",
    ]
    columns = map_columns(headers, DEFN)
    assert columns.targets == {
        "答卷编号": Target(meta="external_key"),
        "nps": Target(question="nps"),
        "您对本次服务满意吗？": Target(question="csat"),
        "sq1.E": Target(question="sq1", part="expectation"),
        "sq1.感知": Target(question="sq1", part="perception"),
        "sq1[I]": Target(question="sq1", part="importance"),
        "grid.a": Target(question="grid", part="a"),
        "grid:b": Target(question="grid", part="b"),
        "k1.F": Target(question="k1", part="functional"),
        "k1.反向": Target(question="k1", part="dysfunctional"),
    }
    # An unknown matrix row, a SERVQUAL suffix on a Kano question: each kind names its own
    # parts, so these are reported as columns not used rather than guessed.
    assert columns.unmapped == ["grid.zz", "k1.E", "weather"]


def test_cells_of_every_kind_become_valid_answers() -> None:
    headers = [
        "nps",
        "csat",
        "speed",
        "grid",
        "type",
        "good",
        "rank",
        "sq1.E",
        "sq1.P",
        "sq1.I",
        "k1.functional",
        "k1.dysfunctional",
        "comment",
    ]
    row: dict[str, Any] = {
        "nps": " 9 ",
        "csat": "非常满意",
        "speed": 4.0,  # XLSX gives numbers as floats
        "grid": '{"a": 4, "b": 5}',
        "type": "维修",
        "good": "快；礼貌",
        "rank": "速度、价格",
        "sq1.E": "非常同意",
        "sq1.P": "5",
        "sq1.I": "",
        "k1.functional": "喜欢",
        "k1.dysfunctional": "5",
        "comment": 42,
    }
    columns = map_columns(headers, DEFN)
    answers, meta = build_answers(row, columns, DEFN, option_lookup(DEFN))
    assert meta == {}
    assert answers == {
        "nps": "9",
        "csat": 5,
        "speed": 4.0,
        "grid": {"a": 4, "b": 5},
        "type": "repair",
        "good": ["fast", "polite"],
        "rank": ["speed", "price"],
        "sq1": {"expectation": 7, "perception": "5"},
        "k1": {"functional": "喜欢", "dysfunctional": "5"},
        "comment": "42",
    }
    checked = validate_answers(DEFN, answers)
    assert checked.answers["csat"] == 5 and checked.answers["nps"] == 9
    assert checked.answers["sq1"] == {"expectation": 7, "perception": 5}
    assert checked.answers["k1"] == {"functional": "like", "dysfunctional": "dislike"}


def test_option_lookup_holds_option_and_scale_labels() -> None:
    lookup = option_lookup(DEFN)
    assert lookup["type"]["维修"] == "repair" and lookup["type"]["repair"] == "repair"
    assert lookup["type"]["installation"] == "install"
    assert lookup["csat"]["非常满意"] == "5" and lookup["csat"]["verydissatisfied"] == "1"
    assert lookup["comment"] == {} and lookup["k1"] == {}


def test_columns_that_do_not_fit_the_survey_are_clear_errors() -> None:
    with pytest.raises(InvalidInput, match="mapped to neither a field nor a question"):
        build_answers({"x": "1"}, ColumnMap(targets={"x": Target()}), DEFN)
    with pytest.raises(InvalidInput, match="question 'ghost', which this survey does not have"):
        build_answers({"x": "1"}, ColumnMap(targets={"x": Target(question="ghost")}), DEFN)


def test_a_whole_answer_and_a_part_of_it_cannot_be_joined() -> None:
    columns = map_columns(["sq1", "sq1.P"], DEFN)
    with pytest.raises(InvalidInput, match="gives the perception of sq1") as info:
        build_answers({"sq1": "great", "sq1.P": "5"}, columns, DEFN)
    assert [e.loc for e in info.value.errors] == [("answers", "sq1", "perception")]
    # a JSON object in the whole column and a part column still combine, as before
    answers, _ = build_answers({"sq1": '{"expectation": 6}', "sq1.P": "5"}, columns, DEFN)
    assert answers == {"sq1": {"expectation": 6, "perception": "5"}}
