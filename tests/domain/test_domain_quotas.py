"""Quotas in the survey definition: what the definition accepts, and which segment a
response falls in (manyi.domain.quotas; issue #10, "quotas per segment")."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from manyi.domain.quotas import in_segment, quotas_met
from manyi.domain.survey import SurveyDefinition

QUESTIONS: list[dict[str, Any]] = [
    {
        "code": "region",
        "kind": "single",
        "text": "Region",
        "options": [{"code": "north", "text": "North"}, {"code": "south", "text": "South"}],
    },
    {
        "code": "used",
        "kind": "multiple",
        "text": "Services used",
        "options": [{"code": "app", "text": "App"}, {"code": "store", "text": "Store"}],
    },
    {"code": "nps", "kind": "nps", "text": "Recommend?"},
    {"code": "comment", "kind": "open", "text": "Anything else?"},
    {"code": "grid", "kind": "matrix", "text": "Grid", "rows": [{"code": "a", "text": "A"}]},
]


def definition(*quotas: dict[str, Any]) -> SurveyDefinition:
    return SurveyDefinition.model_validate(
        {"title": "Quotas", "questions": QUESTIONS, "quotas": list(quotas)}
    )


def refused(*quotas: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        definition(*quotas)
    return str(caught.value)


def test_a_valid_quota_is_kept_with_its_values_as_lists() -> None:
    parsed = definition(
        {
            "code": "north",
            "segment": {"region": "north", "customer:tier": ["gold", "silver"]},
            "limit": 200,
            "message": {"zh-CN": "名额已满，感谢参与", "en": "This group is full, thank you"},
        },
        {"code": "detractors", "segment": {"nps": [0, 1, 2, 3]}, "limit": 50, "action": "close"},
    )
    north, detractors = parsed.quotas
    assert north.segment == {"region": ["north"], "customer:tier": ["gold", "silver"]}
    assert north.action == "screen_out" and north.message is not None
    assert north.message.get("en") == "This group is full, thank you"
    assert detractors.action == "close" and detractors.limit == 50
    dumped = parsed.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert SurveyDefinition.model_validate(dumped).quotas == parsed.quotas


def test_an_empty_segment_caps_every_response() -> None:
    (total,) = definition({"code": "total", "limit": 1000}).quotas
    assert in_segment(total, {}) and in_segment(total, {"region": "south"})


@pytest.mark.parametrize(
    ("quota", "message"),
    [
        ({"code": "q", "segment": {"nope": "x"}, "limit": 1}, "neither a question"),
        ({"code": "q", "segment": {"region": "east"}, "limit": 1}, "'east' is not among"),
        ({"code": "q", "segment": {"nps": 11}, "limit": 1}, "scores 0–10"),
        ({"code": "q", "segment": {"used": ["app", "web"]}, "limit": 1}, "'web' is not among"),
        ({"code": "q", "segment": {"comment": "x"}, "limit": 1}, "comment is a open"),
        ({"code": "q", "segment": {"grid": "a"}, "limit": 1}, "grid is a matrix"),
        ({"code": "q", "segment": {"region": []}, "limit": 1}, "at least one value"),
        ({"code": "q", "segment": {"nps": True}, "limit": 1}, "true or false"),
        ({"code": "q", "segment": {"region": "north"}, "limit": 0}, "greater than or equal to 1"),
        ({"code": "q", "segment": {"region": "north"}}, "limit"),
        ({"code": "q", "limit": 1, "action": "stop"}, "'screen_out' or 'close'"),
        ({"code": "q q", "limit": 1}, "pattern"),
    ],
)
def test_a_bad_quota_is_refused_with_the_reason(quota: dict[str, Any], message: str) -> None:
    assert message in refused(quota)


def test_quota_codes_are_unique() -> None:
    assert "duplicate quota codes: a" in refused(
        {"code": "a", "limit": 1}, {"code": "a", "limit": 2}
    )


def test_segments_match_choices_scores_and_customer_attributes() -> None:
    north, app_users, detractors, gold = definition(
        {"code": "north", "segment": {"region": "north"}, "limit": 1},
        {"code": "app", "segment": {"used": "app"}, "limit": 1},
        {"code": "det", "segment": {"nps": [0, 1, 2, 3, 4, 5, 6]}, "limit": 1},
        {"code": "gold", "segment": {"customer:tier": "gold", "region": "south"}, "limit": 1},
    ).quotas
    assert in_segment(north, {"region": "north"})
    assert not in_segment(north, {"region": "south"})
    assert not in_segment(north, {}), "a question not answered yet leaves it outside"
    assert in_segment(app_users, {"used": ["store", "app"]})
    assert not in_segment(app_users, {"used": ["store"]})
    assert in_segment(detractors, {"nps": 6}) and in_segment(detractors, {"nps": 6.0})
    assert not in_segment(detractors, {"nps": 7})
    assert in_segment(gold, {"region": "south"}, {"tier": "gold"})
    assert not in_segment(gold, {"region": "south"}, {"tier": "silver"})
    assert not in_segment(gold, {"region": "south"}), "an unknown customer is outside"
    assert not in_segment(gold, {"region": "north"}, {"tier": "gold"}), "every key must match"


def test_customer_attributes_compare_as_text() -> None:
    (level,) = definition({"code": "l3", "segment": {"customer:level": 3}, "limit": 1}).quotas
    assert in_segment(level, {}, {"level": "3"}) and in_segment(level, {}, {"level": 3})
    assert not in_segment(level, {}, {"level": None})


def test_quotas_met_lists_every_matching_quota_in_order() -> None:
    parsed = definition(
        {"code": "total", "limit": 100},
        {"code": "north", "segment": {"region": "north"}, "limit": 10},
        {"code": "south", "segment": {"region": "south"}, "limit": 10},
    )
    assert [q.code for q in quotas_met(parsed, {"region": "north"})] == ["total", "north"]
