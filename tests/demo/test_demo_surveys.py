"""The four demo survey definitions."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from manyi.demo.company import TOUCHPOINTS
from manyi.demo.surveys import SURVEY_KEYS, survey_definition, survey_definitions
from manyi.domain.enums import QuestionKind, ServqualDimension
from manyi.domain.survey import SurveyDefinition
from manyi.errors import InvalidInput


def _texts(node: Any) -> list[dict[str, str]]:
    """Every localised text ({"zh-CN": …, "en": …}) anywhere in a definition."""
    if isinstance(node, dict):
        if "zh-CN" in node or "en" in node:
            return [node]
        return [t for value in node.values() for t in _texts(value)]
    if isinstance(node, list):
        return [t for value in node for t in _texts(value)]
    return []


@pytest.mark.parametrize("key", SURVEY_KEYS)
def test_every_survey_validates_and_is_bilingual(key: str) -> None:
    document = survey_definition(key)
    definition = SurveyDefinition.model_validate(document)
    assert definition.languages == ["zh-CN", "en"]
    texts = _texts(document)
    assert texts
    for text in texts:
        assert text.get("zh-CN") and text.get("en"), text


def test_nps_survey_has_drivers_tied_to_touchpoints() -> None:
    definition = SurveyDefinition.model_validate(survey_definition("nps"))
    kinds = Counter(q.kind for q in definition.questions)
    assert kinds[QuestionKind.NPS] == 1
    assert 6 <= kinds[QuestionKind.RATING] <= 8
    codes = {t.code for t in TOUCHPOINTS}
    for q in definition.questions:
        if q.kind == QuestionKind.RATING:
            assert q.indicator and q.touchpoint in codes
            assert q.scale is not None and (q.scale.min, q.scale.max) == (1, 5)
    reason = definition.question("reason")
    assert reason is not None and reason.text.zh == "主要原因是什么？"


def test_csat_survey_has_the_transactional_shape() -> None:
    definition = SurveyDefinition.model_validate(survey_definition("csat"))
    kinds = Counter(q.kind for q in definition.questions)
    assert kinds[QuestionKind.CSAT] == kinds[QuestionKind.CES] == 1
    assert kinds[QuestionKind.RATING] == 4
    assert (
        kinds[QuestionKind.SINGLE] == kinds[QuestionKind.MULTIPLE] == kinds[QuestionKind.OPEN] == 1
    )
    ces = definition.question("ces")
    assert ces is not None and ces.scale is not None and (ces.scale.min, ces.scale.max) == (1, 7)


def test_servqual_survey_has_the_22_items_of_parasuraman_1988() -> None:
    definition = SurveyDefinition.model_validate(survey_definition("servqual"))
    items = [q for q in definition.questions if q.kind == QuestionKind.SERVQUAL]
    # Parasuraman, Zeithaml & Berry (1988): tangibles 4, reliability 5, responsiveness 4,
    # assurance 4, empathy 5.
    assert Counter(q.dimension for q in items) == {
        ServqualDimension.TANGIBLES: 4,
        ServqualDimension.RELIABILITY: 5,
        ServqualDimension.RESPONSIVENESS: 4,
        ServqualDimension.ASSURANCE: 4,
        ServqualDimension.EMPATHY: 5,
    }
    for q in items:
        assert q.importance and q.expectation_text and q.perception_text
        assert q.scale is not None and (q.scale.min, q.scale.max) == (1, 7)
        assert q.item_codes() == ["E", "P", "I"]
    overall = definition.question("overall")
    assert overall is not None and overall.scale is not None and overall.scale.max == 10
    assert definition.question("loyalty") is not None


def test_kano_survey_pairs_functional_and_dysfunctional_questions() -> None:
    definition = SurveyDefinition.model_validate(survey_definition("kano"))
    assert len(definition.questions) == 6
    for q in definition.questions:
        assert q.kind == QuestionKind.KANO
        assert q.functional_text and q.dysfunctional_text
    labels = {q.text.zh for q in definition.questions}
    assert {
        "上门前30分钟短信提醒",
        "旧机免费回收",
        "安装后清洁现场",
        "24小时报修",
        "视频指导",
    } <= labels


def test_definitions_are_fresh_copies() -> None:
    first = survey_definitions()
    first["nps"]["questions"].clear()
    assert survey_definitions()["nps"]["questions"]
    assert list(first) == list(SURVEY_KEYS)


def test_unknown_survey_key() -> None:
    with pytest.raises(InvalidInput, match="unknown demo survey"):
        survey_definition("ces")
