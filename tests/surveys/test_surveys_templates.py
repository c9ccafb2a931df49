"""The ready survey templates (manyi.surveys.templates)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from manyi.app import create_app
from manyi.config import Settings
from manyi.demo.servqual_items import SERVQUAL_ITEMS
from manyi.domain.answers import validate_answers
from manyi.domain.enums import QuestionKind, SurveyStatus
from manyi.domain.logic import pages, visible_questions
from manyi.domain.survey import SurveyDefinition
from manyi.errors import InvalidInput, NotFound
from manyi.storage.database import Database
from manyi.surveys.service import get_survey
from manyi.surveys.templates import (
    create_from_template,
    list_templates,
    template,
    template_codes,
)

EXPECTED = ["ces", "csat", "followup", "kano", "nps", "servqual"]


def _definition(code: str) -> SurveyDefinition:
    return SurveyDefinition.model_validate(template(code))


def _visible(definition: SurveyDefinition, answers: dict[str, Any]) -> list[str]:
    return [q.code for q in visible_questions(definition, answers)]


def _texts(node: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every (path, value) of a text field in a definition document."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}"
            if key in {"title", "description", "thank_you", "text", "help"} or key.endswith(
                "_text"
            ):
                found.append((where, value))
            if key == "labels":
                found.extend((f"{where}.{point}", text) for point, text in value.items())
            elif key != "show_if":
                found.extend(_texts(value, where))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(_texts(value, f"{path}[{i}]"))
    return found


def test_the_six_templates_are_shipped() -> None:
    assert template_codes() == EXPECTED


@pytest.mark.parametrize("code", EXPECTED)
def test_every_template_is_a_valid_definition_in_both_languages(code: str) -> None:
    document = template(code)
    definition = SurveyDefinition.model_validate(document)
    assert definition.languages == ["zh-CN", "en"]
    texts = _texts(document)
    assert len(texts) > len(definition.questions)
    for where, text in texts:
        assert isinstance(text, dict), f"{code}{where} is not given in both languages"
        assert text.get("zh-CN", "").strip() and text.get("en", "").strip(), f"{code}{where}"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text["zh-CN"]), f"{code}{where}"


def test_template_returns_a_fresh_copy() -> None:
    first = template("nps")
    first["questions"].clear()
    assert len(template("nps")["questions"]) == 4


def test_unknown_template_names_the_known_ones() -> None:
    with pytest.raises(NotFound, match="no survey template 'nope'; templates: ces, csat"):
        template("nope")


def test_list_templates_gives_titles_and_question_counts() -> None:
    infos = {t.code: t for t in list_templates()}
    assert list(infos) == EXPECTED
    assert infos["servqual"].questions == 23
    assert infos["nps"].questions == 4
    assert infos["followup"].title_zh == "服务回访"
    assert infos["followup"].title_en == "Follow-up on your request"
    assert all(t.description_zh and t.description_en for t in infos.values())


@pytest.mark.parametrize("score", range(11))
def test_nps_follow_up_depends_on_the_score(score: int) -> None:
    definition = _definition("nps")
    expected = "went_wrong" if score <= 6 else "liked_most" if score >= 9 else "improve"
    assert _visible(definition, {"nps": score}) == ["nps", expected]


def test_nps_follow_ups_are_on_the_page_after_the_score() -> None:
    # Without JavaScript the follow-up can only depend on a score sent with an earlier page.
    assert [[q.code for q in page] for page in pages(_definition("nps"))] == [
        ["nps"],
        ["went_wrong", "improve", "liked_most"],
    ]
    nps = _definition("nps").by_code["nps"]
    assert (nps.kind, nps.required, nps.scale and (nps.scale.min, nps.scale.max)) == (
        QuestionKind.NPS,
        True,
        (0, 10),
    )


def test_nps_detractor_answers_are_accepted_and_a_hidden_follow_up_refused() -> None:
    definition = _definition("nps")
    checked = validate_answers(definition, {"nps": 3, "went_wrong": "师傅迟到了两个小时"})
    assert checked.answers == {"nps": 3, "went_wrong": "师傅迟到了两个小时"}
    with pytest.raises(InvalidInput) as caught:
        validate_answers(definition, {"nps": 10, "went_wrong": "nothing"})
    assert [e.loc for e in caught.value.errors] == [("answers", "went_wrong")]


def test_servqual_has_the_22_items_in_the_five_dimensions() -> None:
    # Parasuraman, Zeithaml & Berry (1991), J. Retailing 67(4): tangibles 1-4,
    # reliability 5-9, responsiveness 10-13, assurance 14-17, empathy 18-22.
    definition = _definition("servqual")
    items = [q for q in definition.questions if q.kind == QuestionKind.SERVQUAL]
    assert len(items) == 22
    assert Counter(q.dimension.value for q in items if q.dimension) == {
        "tangibles": 4,
        "reliability": 5,
        "responsiveness": 4,
        "assurance": 4,
        "empathy": 5,
    }
    # Same codes, indicators and order as the demo's items, so reports read both alike.
    assert [(q.code, q.indicator, q.dimension) for q in items] == [
        (i.code, i.indicator, i.dimension) for i in SERVQUAL_ITEMS
    ]
    assert all(q.importance and q.expectation_text and q.perception_text for q in items)
    assert len(pages(definition)) == 6  # one page per dimension, then the suggestion


def test_servqual_importance_is_optional() -> None:
    definition = _definition("servqual")
    checked = validate_answers(definition, {"sq_t1": {"expectation": 7, "perception": 5}})
    assert checked.answers == {"sq_t1": {"expectation": 7, "perception": 5}}
    assert [(c.item, c.value) for c in checked.cells] == [("E", 7), ("P", 5)]
    full = validate_answers(
        definition, {"sq_t1": {"expectation": 7, "perception": 5, "importance": 6}}
    )
    assert [c.item for c in full.cells] == ["E", "P", "I"]


def test_kano_block_asks_each_feature_both_ways() -> None:
    items = _definition("kano").questions
    assert len(items) == 3
    assert all(q.kind == QuestionKind.KANO for q in items)
    assert all(q.functional_text and q.dysfunctional_text for q in items)
    checked = validate_answers(
        _definition("kano"),
        {q.code: {"functional": "like", "dysfunctional": "dislike"} for q in items},
    )
    assert len(checked.cells) == 6


def test_csat_and_ces_scales() -> None:
    csat = _definition("csat").by_code["csat"]
    ces = _definition("ces").by_code["ces"]
    assert csat.scale is not None and (csat.scale.min, csat.scale.max) == (1, 5)
    assert ces.scale is not None and (ces.scale.min, ces.scale.max) == (1, 7)
    assert len(csat.scale.labels) == 5 and len(ces.scale.labels) == 7
    assert _visible(_definition("ces"), {"ces": 3}) == ["ces", "harder_than_needed"]
    assert _visible(_definition("ces"), {"ces": 6}) == ["ces"]


def test_follow_up_asks_what_is_unsolved_only_when_not_solved() -> None:
    definition = _definition("followup")
    assert [q.kind for q in definition.questions] == [
        QuestionKind.SINGLE,
        QuestionKind.OPEN,
        QuestionKind.CSAT,
        QuestionKind.NPS,
        QuestionKind.OPEN,
    ]
    rest = ["handling", "nps", "comment"]
    assert _visible(definition, {"solved": "yes"}) == ["solved", *rest]
    assert _visible(definition, {"solved": "partly"}) == ["solved", "unsolved", *rest]
    assert _visible(definition, {"solved": "no"}) == ["solved", "unsolved", *rest]
    with pytest.raises(InvalidInput, match="2 answers could not be accepted"):
        validate_answers(definition, {"solved": "yes"})  # handling and nps are required


def test_create_from_template_copies_it_as_a_draft(db: Database) -> None:
    survey = create_from_template(db, "followup", code="case-followup")
    assert (survey.code, survey.status, survey.version) == (
        "case-followup",
        SurveyStatus.DRAFT,
        1,
    )
    assert survey.title == "服务回访"
    stored = get_survey(db, survey.id).definition
    assert stored == _definition("followup")


def test_create_from_template_with_a_title_and_status(db: Database) -> None:
    survey = create_from_template(
        db, "nps", title={"zh-CN": "门店推荐度", "en": "Store NPS"}, status="active"
    )
    assert survey.status == SurveyStatus.ACTIVE
    assert survey.definition.title.get("en") == "Store NPS"
    assert survey.title == "门店推荐度"
    assert survey.definition.questions == _definition("nps").questions
    plain = create_from_template(db, "csat", title="Store CSAT")
    assert plain.definition.title.get("zh-CN") == "Store CSAT"  # one string serves both


def test_create_from_template_refuses_bad_input(db: Database) -> None:
    with pytest.raises(NotFound, match="no survey template 'gallup'"):
        create_from_template(db, "gallup")
    with pytest.raises(InvalidInput, match="not valid") as caught:
        create_from_template(db, "nps", title="")
    assert caught.value.errors[0].loc[0] == "title"
    with pytest.raises(InvalidInput, match="unknown status 'live'"):
        create_from_template(db, "nps", status="live")


def test_every_template_opens_on_the_respondent_page(db: Database, tmp_path: Path) -> None:
    client = TestClient(create_app(Settings(environment="test", data_dir=tmp_path), db))
    for code in EXPECTED:
        survey = create_from_template(db, code, status="active")
        first = survey.definition.questions[0]
        for language in ("zh-CN", "en"):
            page = client.get(f"/s/{survey.id}", params={"lang": language})
            assert page.status_code == 200, (code, language)
            assert first.text.get(language) in page.text, (code, language)
