"""The survey builder's use cases: the question form of every kind, the edits, saving
(in place for an unanswered draft, a new version once published), import and status."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from manyi.domain.enums import QuestionKind, SurveyStatus
from manyi.domain.questions import KINDS
from manyi.domain.survey import Question
from manyi.errors import InvalidInput, NotFound
from manyi.ingestion.responses import ResponseIn, record_response
from manyi.storage.database import Database
from manyi.surveys.builder import (
    add_question,
    change_status,
    delete_question,
    edit_survey,
    export_definition,
    first_question_kinds,
    import_definition,
    move_question,
    new_survey,
    problems_of,
    save_document,
    save_question,
    toggle_page_break,
)
from manyi.surveys.builder_form import (
    FormRefused,
    describe_condition,
    form_rows,
    kind_fields,
    parse_question,
    question_values,
    suggest_code,
    unknown_kind_fields,
)
from manyi.surveys.schedule import set_schedule
from manyi.surveys.service import create_survey, get_survey, parse_definition
from manyi.surveys.templates import template


def _text(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


#: One question of every kind with every field its kind has, to go through the form.
SAMPLES: dict[str, dict[str, Any]] = {
    "rating": {
        "code": "r1",
        "kind": "rating",
        "text": _text("评分", "Rate us"),
        "help": _text("提示", "A hint"),
        "scale": {"min": 1, "max": 7, "labels": {"1": _text("差", "Poor"), "7": {"en": "Great"}}},
        "required": True,
        "indicator": "R.1",
        "touchpoint": "store",
    },
    "nps": {
        "code": "nps",
        "kind": "nps",
        "text": _text("推荐", "Recommend?"),
        "scale": {"min": 0, "max": 10, "labels": {"0": _text("不会", "Never")}},
    },
    "csat": {"code": "csat", "kind": "csat", "text": {"zh-CN": "满意吗"}, "page_break": True},
    "ces": {"code": "ces", "kind": "ces", "text": {"en": "Easy?"}, "dimension": "reliability"},
    "likert": {"code": "lk", "kind": "likert", "text": _text("同意", "Agree")},
    "matrix": {
        "code": "m1",
        "kind": "matrix",
        "text": _text("各方面", "Aspects"),
        "rows": [
            {"code": "speed", "text": _text("速度", "Speed")},
            {"code": "price", "text": {"en": "Price"}},
        ],
        "randomize": True,
    },
    "single": {
        "code": "reason",
        "kind": "single",
        "text": _text("原因", "Reason"),
        "options": [
            {"code": "late", "text": _text("迟到", "Late")},
            {"code": "rude", "text": _text("无礼", "Rude")},
            {"code": "other", "text": _text("其他", "Other"), "anchor": True},
        ],
        "randomize": True,
    },
    "multiple": {
        "code": "good",
        "kind": "multiple",
        "text": _text("好的方面", "What was good"),
        "options": [
            {"code": "fast", "text": _text("快", "Fast")},
            {"code": "clean", "text": _text("干净", "Clean")},
            {"code": "kind", "text": _text("友善", "Kind")},
        ],
        "min_choices": 1,
        "max_choices": 2,
    },
    "ranking": {
        "code": "rank",
        "kind": "ranking",
        "text": _text("排序", "Rank"),
        "options": [
            {"code": "a", "text": _text("甲", "A")},
            {"code": "b", "text": _text("乙", "B")},
        ],
    },
    "open": {"code": "why", "kind": "open", "text": _text("为什么", "Why"), "max_length": 300},
    "servqual": {
        "code": "sq1",
        "kind": "servqual",
        "text": _text("设备现代化", "Modern equipment"),
        "dimension": "tangibles",
        "importance": True,
        "expectation_text": _text("期望", "Expected"),
        "perception_text": _text("感知", "Received"),
    },
    "kano": {
        "code": "k1",
        "kind": "kano",
        "text": _text("上门服务", "Home visits"),
        "functional_text": _text("有上门服务", "With home visits"),
        "dysfunctional_text": _text("没有上门服务", "Without home visits"),
    },
}


def _posted(values: dict[str, str]) -> dict[str, list[str]]:
    return {name: [value] for name, value in values.items()}


def test_every_registered_kind_has_a_sample_and_every_field_an_input() -> None:
    assert set(SAMPLES) == {k.value for k in KINDS}
    for kind in KINDS:
        assert unknown_kind_fields(kind) == set(), kind


@pytest.mark.parametrize("kind", [k.value for k in QuestionKind])
def test_every_kind_round_trips_through_its_form(kind: str) -> None:
    question = Question.model_validate(SAMPLES[kind])
    values = question_values(question)
    back = Question.model_validate(parse_question(kind, values))
    assert back == question


@pytest.mark.parametrize("kind", ["single", "matrix", "servqual", "kano", "open", "nps"])
def test_a_kind_shows_only_its_fields(kind: str) -> None:
    shown = set(kind_fields(kind))
    assert shown == set(KINDS[QuestionKind(kind)].fields) | (
        {"randomize"} if kind in ("single", "matrix") else set()
    )


def test_conditions_round_trip_flat_and_nested() -> None:
    flat = {
        "code": "why",
        "kind": "open",
        "text": "why",
        "show_if": {
            "any": [
                {"question": "nps", "op": "<=", "value": 6},
                {"question": "reason", "op": "in", "value": ["late", "rude"]},
            ]
        },
    }
    values = question_values(Question.model_validate(flat))
    assert values["cond_join"] == "any" and values["cond-1-value"] == "late, rude"
    assert parse_question("open", values)["show_if"] == flat["show_if"]
    nested = {**flat, "show_if": {"all": [{"any": [{"question": "nps", "op": "answered"}]}]}}
    values = question_values(Question.model_validate(nested))
    assert "cond-0-question" not in values
    assert json.loads(values["show_if_json"]) == nested["show_if"]
    assert parse_question("open", values)["show_if"] == nested["show_if"]
    assert describe_condition(Question.model_validate(flat).show_if) == (
        "(nps <= 6 or reason in [late, rude])"
    )


def test_form_reading_makes_codes_and_reports_every_problem() -> None:
    document = parse_question(
        "single",
        {
            "text_zh": "原因",
            "option-0-zh": "迟到",
            "option-1-code": "rude",
            "option-1-en": "Rude",
            "option-2-code": "",  # a blank line is ignored
            "option-3-zh": "其他",
            "option-3-anchor": "1",
        },
        taken=["single"],
    )
    assert document["code"] == "single_2"
    assert [o["code"] for o in document["options"]] == ["o1", "rude", "o2"]
    assert document["options"][2]["anchor"] is True
    with pytest.raises(FormRefused) as refused:
        parse_question(
            "rating",
            {
                "scale_min": "one",
                "label-0-point": "x",
                "label-0-zh": "差",
                "cond-0-question": "nps",
                "cond-0-op": "<=",
            },
        )
    found = {(p.field, p.code) for p in refused.value.problems}
    assert found == {
        ("text_zh", "text_missing"),
        ("scale_min", "whole_number"),
        ("labels", "label_point"),
        ("show_if", "condition_incomplete"),
    }
    with pytest.raises(FormRefused) as refused:
        parse_question("open", {"text_en": "x", "show_if_json": "{nope"})
    assert refused.value.problems[0].code == "condition_json"


def test_form_rows_keep_filled_rows_in_order_and_add_blank_ones() -> None:
    values = {"option-5-code": "b", "option-1-code": "a", "option-1-zh": "甲", "option-2-zh": " "}
    rows = form_rows(values, "option")
    assert [r["code"] for r in rows] == ["a", "b", "", ""]


def test_suggested_codes_are_free() -> None:
    assert suggest_code("nps", []) == "nps"
    assert suggest_code("nps", ["nps", "nps_2"]) == "nps_3"


def _nps() -> dict[str, Any]:
    return template("nps")


def test_moves_step_over_questions_and_page_breaks_and_stop_at_the_ends() -> None:
    doc = _nps()
    codes = lambda d: [q["code"] for q in d["questions"]]  # noqa: E731
    pages = lambda d: [[q.code for q in page] for page in parse_definition(d).page_groups()]  # noqa: E731
    # within a page: the question moves to the top of it
    moved = move_question(doc, "improve", "up")
    assert pages(moved) == [["nps"], ["improve", "went_wrong", "liked_most"]]
    # the first question of a page moves to the end of the page before, and back
    moved = move_question(doc, "went_wrong", "up")
    assert pages(moved) == [["nps", "went_wrong"], ["improve", "liked_most"]]
    assert pages(move_question(moved, "went_wrong", "down")) == pages(doc)
    assert codes(move_question(doc, "nps", "up")) == codes(doc)
    assert codes(move_question(doc, "liked_most", "down")) == codes(doc)
    assert doc == _nps()  # the edits are on copies


def test_explicit_pages_become_page_breaks_and_titled_pages_refuse_moves() -> None:
    doc = _nps()
    for q in doc["questions"]:
        q.pop("page_break", None)
    doc["pages"] = [{"questions": ["nps"]}, {"questions": ["liked_most", "went_wrong"]}]
    moved = move_question(doc, "went_wrong", "up")
    assert "pages" not in moved
    parsed = parse_definition(moved)
    assert [[q.code for q in page] for page in parsed.page_groups()] == [
        ["nps"],
        ["went_wrong", "liked_most"],
        ["improve"],  # the question the pages left out stays on a last page
    ]
    doc["pages"][0]["title"] = {"en": "Start"}
    with pytest.raises(FormRefused) as refused:
        move_question(doc, "nps", "down")
    assert refused.value.problems[0].code == "titled_pages"


def test_page_break_toggles_and_delete_keeps_the_page() -> None:
    doc = _nps()
    assert toggle_page_break(doc, "improve")["questions"][2]["page_break"] is True
    assert "page_break" not in toggle_page_break(doc, "went_wrong")["questions"][1]
    # deleting the question that started page 2: the next one starts it now
    after = delete_question(doc, "went_wrong")
    assert after["questions"][1]["code"] == "improve" and after["questions"][1]["page_break"]
    single = {**doc, "questions": doc["questions"][:1]}
    with pytest.raises(FormRefused) as refused:
        delete_question(single, "nps")
    assert refused.value.problems[0].code == "last_question"
    with pytest.raises(NotFound):
        delete_question(doc, "ghost")


def test_domain_errors_land_next_to_their_field() -> None:
    doc = add_question(
        _nps(), {"code": "m", "kind": "matrix", "text": "m", "scale": {"min": 3, "max": 2}}
    )
    with pytest.raises(InvalidInput) as exc:
        parse_definition(doc)
    problems = problems_of(exc.value, 4)
    assert {p.field for p in problems} == {"scale_min"}
    bad_condition = add_question(
        _nps(),
        {"code": "x", "kind": "open", "text": "x", "show_if": {"question": "zz", "op": "answered"}},
    )
    with pytest.raises(InvalidInput) as exc:
        parse_definition(bad_condition)
    (problem,) = problems_of(exc.value, 4)
    assert problem.field == "" and "zz" in problem.detail


def test_a_draft_is_saved_in_place_and_a_published_survey_gets_a_new_version(
    db: Database,
) -> None:
    survey = create_survey(db, _nps())
    form = _posted({"text_zh": "新问题", "option-0-zh": "甲", "option-1-zh": "乙"})
    saved = save_question(db, survey.id, "single", form)
    assert not saved.new_version and saved.survey.version == 1
    assert saved.survey.definition.questions[-1].code == "single"
    edit_survey(db, survey.id, "up", code="single")
    assert [q.code for q in get_survey(db, survey.id).definition.questions][-2] == "single"

    change_status(db, survey.id, "active")
    record_response(db, survey.id, ResponseIn(answers={"nps": 9}))
    values = question_values(get_survey(db, survey.id).definition.by_code["nps"])
    values.update(text_en="How likely are you to recommend us?", code="renamed")
    saved = save_question(db, survey.id, "nps", _posted(values), original="nps")
    assert saved.new_version and saved.previous_version == 1 and saved.survey.version == 2
    # a published question keeps its code: the stored answers are filed under it
    assert saved.survey.definition.questions[0].code == "nps"
    assert get_survey(db, survey.id, version=1).definition.questions[0].text.en != (
        "How likely are you to recommend us?"
    )


def test_settings_change_titles_and_refuse_a_form_without_title_or_language(db: Database) -> None:
    survey = create_survey(db, _nps())
    form = {
        "title_zh": ["新标题"],
        "title_en": [""],
        "languages": ["zh-CN"],
        "thank_you_en": ["Thanks!"],
        "expected_seconds": ["60"],
    }
    saved = edit_survey(db, survey.id, "settings", form=form)
    definition = saved.survey.definition
    assert definition.title.zh == "新标题" and definition.title.en is None
    assert definition.languages == ["zh-CN"] and definition.expected_seconds == 60
    assert definition.thank_you is not None and definition.thank_you.en == "Thanks!"
    assert definition.description is None
    with pytest.raises(FormRefused) as refused:
        edit_survey(db, survey.id, "settings", form={"expected_seconds": ["soon"]})
    assert {p.code for p in refused.value.problems} == {
        "title_missing",
        "languages_missing",
        "whole_number",
    }


def test_new_survey_from_a_template_or_blank(db: Database) -> None:
    from_template = new_survey(db, {"template": ["kano"]})
    assert from_template.status == SurveyStatus.DRAFT
    assert from_template.definition == parse_definition(template("kano"))
    blank = new_survey(db, {"title_en": ["Store visit"], "kind": ["csat"], "text_zh": ["满意吗？"]})
    assert blank.definition.questions[0].kind == QuestionKind.CSAT
    with pytest.raises(FormRefused) as refused:
        new_survey(db, {"kind": ["single"]})
    assert {p.code for p in refused.value.problems} == {"title_missing", "invalid", "text_missing"}
    with pytest.raises(FormRefused):
        new_survey(db, {"template": ["nope"]})
    assert "single" not in first_question_kinds() and "open" in first_question_kinds()


def test_import_export_round_trip_and_clear_refusals(db: Database) -> None:
    source = create_survey(db, template("servqual"))
    target = create_survey(db, _nps())
    name, content = export_definition(db, source.id)
    assert name == f"survey-{source.id}-v1.json"
    saved = import_definition(db, target.id, content)
    assert saved.survey.definition == source.definition
    wrapped = json.dumps({"id": 9, "definition": json.loads(content)}).encode()
    assert import_definition(db, target.id, wrapped).survey.definition == source.definition
    cases = {
        b"  ": "file_empty",
        b"\xff\xfe{": "file_encoding",
        b'{"title": "x",': "file_json",
        b"[1, 2]": "file_not_object",
        b'{"title": "x", "questions": []}': "file_invalid",
        b"{" + b" " * 1_000_001 + b"}": "file_too_large",
    }
    for raw, code in cases.items():
        with pytest.raises(FormRefused) as refused:
            import_definition(db, target.id, raw)
        assert refused.value.problems[0].code == code, raw[:20]
    assert get_survey(db, target.id).definition == source.definition  # nothing changed


def test_status_buttons(db: Database) -> None:
    survey = create_survey(db, _nps())
    with pytest.raises(InvalidInput):
        change_status(db, survey.id, "paused")  # only an open survey pauses
    with pytest.raises(InvalidInput):
        change_status(db, survey.id, "draft")
    assert change_status(db, survey.id, "active").status == SurveyStatus.ACTIVE
    assert change_status(db, survey.id, "paused").status == SurveyStatus.PAUSED
    assert change_status(db, survey.id, "closed").status == SurveyStatus.CLOSED


def test_a_scheduled_survey_can_be_paused(db: Database) -> None:
    survey = create_survey(db, _nps())
    set_schedule(db, survey.id, datetime.now(UTC) + timedelta(days=3), None)
    assert change_status(db, survey.id, "active").status == SurveyStatus.SCHEDULED
    assert change_status(db, survey.id, "paused").status == SurveyStatus.PAUSED


def test_saving_an_invalid_document_changes_nothing(db: Database) -> None:
    survey = create_survey(db, _nps())
    # past the page break, then past went_wrong, whose condition names nps
    broken = move_question(move_question(_nps(), "nps", "down"), "nps", "down")
    with pytest.raises(FormRefused) as refused:
        save_document(db, survey.id, broken)
    assert "not a question asked before it" in refused.value.problems[0].detail
    assert get_survey(db, survey.id).definition == parse_definition(_nps())
