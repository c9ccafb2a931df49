"""Metric rule conditions: checked and completed with defaults, refused with the reason,
and described in one line for the hit log and the case."""

from __future__ import annotations

import pytest

from manyi.domain.metric_rules import (
    describe,
    validate_metric_condition,
    validate_metric_conditions,
)


def test_a_drop_is_completed_with_its_defaults() -> None:
    checked = validate_metric_condition({"kind": "metric_drop", "metric": "csi"})
    assert checked == {
        "kind": "metric_drop",
        "survey_id": None,
        "department": None,
        "touchpoint": None,
        "route_to": None,
        "metric": "csi",
        "days": 30,
    }
    assert describe(checked) == "CSI significant drop over 30 days — company"


def test_chart_and_emerging_conditions() -> None:
    chart = validate_metric_condition(
        {"kind": "control_chart", "metric": "ces", "granularity": "week", "touchpoint": "x"}
    )
    assert chart["granularity"] == "week"
    assert describe(chart) == "CES control-chart signal (week) — touchpoint x"
    emerging = validate_metric_condition({"kind": "emerging_aspect", "survey_id": 4})
    assert emerging["aspect"] is None
    assert describe(emerging) == "emerging aspect (any) — survey 4"


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"kind": "metric_drop", "metric": "nps", "days": 5}, "days is one of 7, 14, 30, 90"),
        ({"kind": "metric_drop", "metric": "mood"}, "metric is one of"),
        ({"kind": "control_chart", "metric": "csi"}, "metric is one of nps, csat, ces"),
        ({"kind": "control_chart", "metric": "nps", "granularity": "quarter"}, "granularity"),
        ({"kind": "emerging_aspect"}, "needs a survey_id"),
        ({"kind": "emerging_aspect", "survey_id": True}, "survey_id is a survey's id"),
        ({"kind": "metric_drop", "metric": "nps", "department": 3}, "department is a code"),
        ({"kind": "nps_at_most", "value": 6}, "a metric rule's condition is one of"),
    ],
)
def test_bad_conditions_are_refused_with_the_reason(
    condition: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        validate_metric_condition(condition)


def test_a_metric_rule_has_exactly_one_condition() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        validate_metric_conditions([])
    drop = {"kind": "metric_drop", "metric": "nps"}
    with pytest.raises(ValueError, match="exactly one"):
        validate_metric_conditions([drop, drop])
