"""The respondent form's use cases (manyi.surveys.respond): pages and display logic,
reading each kind's form fields, the draft, the submission (issue #10)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from factories import make_survey, survey_definition
from manyi.domain.questions import KINDS
from manyi.domain.survey import SurveyDefinition
from manyi.ingestion.pipeline import IntakeOptions, ResponseBatch, record
from manyi.ingestion.responses import ResponseIn
from manyi.storage.database import Database
from manyi.surveys.respond import (
    Form,
    form_token,
    open_form,
    post_page,
    read_page,
    resume_hash,
    submitted,
)
from manyi.surveys.service import set_status

BRANCHING: dict[str, Any] = {
    "title": {"zh-CN": "推荐度", "en": "Recommendation"},
    "questions": [
        {"code": "nps", "kind": "nps", "text": "How likely are you to recommend us?"},
        {
            "code": "wrong",
            "kind": "open",
            "text": "What went wrong?",
            "page_break": True,
            "show_if": {"question": "nps", "op": "<=", "value": 6},
        },
        {
            "code": "fix",
            "kind": "single",
            "text": "What should we fix first, after {answer:nps} points?",
            "options": [
                {"code": "wait", "text": "Waiting"},
                {"code": "price", "text": "Price"},
                {"code": "staff", "text": "Staff"},
                {"code": "other", "text": "Other", "anchor": True},
            ],
            "randomize": True,
            "show_if": {"question": "nps", "op": "<=", "value": 6},
        },
        {"code": "csat", "kind": "csat", "text": "How satisfied are you?", "page_break": True},
    ],
}


def start(db: Database, definition: dict[str, Any] | None = None) -> tuple[int, str]:
    survey = make_survey(db, **(definition or BRANCHING))
    form = open_form(db, survey.id, None, language="en")
    assert form.new_token is not None
    return survey.id, form.new_token


def test_every_kind_names_its_macro() -> None:
    macros = {spec.form_macro for spec in KINDS.values()}
    assert macros == {
        "scale",
        "single",
        "multiple",
        "ranking",
        "matrix",
        "open",
        "servqual",
        "kano",
    }


def test_a_new_draft_stores_only_the_hash_of_its_token(sqlite_db: Database) -> None:
    survey_id, token = start(sqlite_db)
    assert resume_hash(token) == hashlib.sha256(token.encode()).hexdigest()
    again = open_form(sqlite_db, survey_id, token, language="en")
    assert again.new_token is None and again.draft is not None
    assert form_token("s", token) != form_token("t", token)


def test_promoter_skips_the_detractor_page(db: Database) -> None:
    survey_id, token = start(db)
    form = post_page(db, survey_id, token, {"q.nps": ["9"]}, action="next", language="en")
    assert form.page == 2
    assert [q.code for q in form.questions] == ["csat"]
    last = post_page(db, survey_id, token, {"q.csat": ["5"]}, action="next", language="en")
    assert last.submission is not None
    assert last.submission.answers == {"nps": 9, "csat": 5}


def test_detractor_branch_pipes_and_keeps_its_option_order(db: Database) -> None:
    survey_id, token = start(db)
    form = post_page(db, survey_id, token, {"q.nps": ["3"]}, action="next", language="en")
    assert form.page == 1
    assert [q.code for q in form.questions] == ["wrong", "fix"]
    fix = form.questions[1]
    assert form.text(fix.text, "en") == "What should we fix first, after 3 points?"
    order = [o.code for o in form.choices(fix)]
    assert order[-1] == "other"  # the anchored option stays last
    resumed = open_form(db, survey_id, token, language="en")
    assert [o.code for o in resumed.choices(fix)] == order  # the same order on every visit


def test_changing_the_score_drops_the_hidden_answer(db: Database) -> None:
    survey_id, token = start(db)
    post_page(db, survey_id, token, {"q.nps": ["3"]}, action="next", language="en")
    page_2 = {"q.wrong": ["Late"], "q.fix": ["wait"]}
    post_page(db, survey_id, token, page_2, action="next", language="en")
    # back twice to the score, which becomes a promoter's
    post_page(db, survey_id, token, {"q.csat": ["4"]}, action="back", language="en")
    post_page(db, survey_id, token, page_2, action="back", language="en")
    form = post_page(db, survey_id, token, {"q.nps": ["10"]}, action="next", language="en")
    assert form.page == 2
    last = post_page(db, survey_id, token, {"q.csat": ["4"]}, action="next", language="en")
    assert last.submission is not None
    assert last.submission.answers == {"nps": 10, "csat": 4}


def test_bad_page_is_not_saved(sqlite_db: Database) -> None:
    survey_id, token = start(sqlite_db)
    form = post_page(sqlite_db, survey_id, token, {"q.nps": ["11"]}, action="next", language="en")
    assert form.page == 0
    assert [kind for kind, _ in form.errors["nps"]] == ["range"]
    assert form.answers["nps"] == "11"  # the input is shown again
    assert open_form(sqlite_db, survey_id, token, language="en").answers == {}


def test_submitted_draft_shows_thanks(sqlite_db: Database) -> None:
    survey_id, token = start(sqlite_db, {"questions": survey_definition()["questions"][:1]})
    form = post_page(sqlite_db, survey_id, token, {"q.nps": ["8"]}, action="next", language="en")
    assert form.submission is not None
    # the web channel records the submission through the pipeline, then marks the draft
    result = record(
        sqlite_db,
        ResponseBatch(survey_id, [ResponseIn(answers=form.submission.answers)]),
        IntakeOptions(source="web"),
    )
    done = submitted(sqlite_db, form, result.stored[0].id)
    assert done.state == "submitted"
    assert open_form(sqlite_db, survey_id, token, language="en").state == "submitted"


@pytest.mark.parametrize(
    ("code", "fields", "answer"),
    [
        ("nps", {"q.nps": ["7"]}, "7"),
        ("grid", {"q.grid.a": ["4"], "q.grid.b": ["5"]}, {"a": "4", "b": "5"}),
        ("type", {"q.type": ["repair"]}, "repair"),
        ("good", {"q.good": ["fast", "clean"]}, ["fast", "clean"]),
        ("rank", {"q.rank.price": ["2"], "q.rank.speed": ["1"]}, ["speed", "price"]),
        ("rank", {"q.rank.price": ["1"], "q.rank.speed": ["1"]}, ["price", "speed", "price"]),
        (
            "sq1",
            {"q.sq1.expectation": ["6"], "q.sq1.perception": ["5"]},
            {"expectation": "6", "perception": "5"},
        ),
        (
            "k1",
            {"q.k1.functional": ["like"], "q.k1.dysfunctional": ["dislike"]},
            {"functional": "like", "dysfunctional": "dislike"},
        ),
        ("comment", {"q.comment": ["  fine  "]}, "fine"),
        ("comment", {"q.comment": ["   "]}, None),
    ],
)
def test_read_page_per_kind(code: str, fields: dict[str, list[str]], answer: Any) -> None:
    definition = SurveyDefinition.model_validate(survey_definition())
    question = definition.by_code[code]
    assert read_page([question], fields) == {code: answer}


def test_form_of_a_closed_survey_keeps_the_draft(sqlite_db: Database) -> None:
    survey_id, token = start(sqlite_db)
    post_page(sqlite_db, survey_id, token, {"q.nps": ["3"]}, action="next", language="en")
    set_status(sqlite_db, survey_id, "closed")
    form: Form = open_form(sqlite_db, survey_id, token, language="en")
    assert form.state == "closed"
    assert form.draft is not None and form.draft.answers == {"nps": 3}
