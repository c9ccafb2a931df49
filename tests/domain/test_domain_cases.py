"""Case states, the priority matrix, the root-cause code book and alert-rule matching."""

from __future__ import annotations

import pytest

from manyi.domain.alert_rules import ItemFacts, match, validate_actions, validate_condition
from manyi.domain.cases import (
    PRIORITY_MATRIX,
    ROOT_CAUSES,
    CaseState,
    check_transition,
    priority_of,
    root_cause,
)


def test_priority_matrix() -> None:
    assert priority_of(3, 3) == "P1"
    assert priority_of(1, 1) == "P4"
    assert priority_of(2, 3) == priority_of(3, 2) == "P2"
    assert len(PRIORITY_MATRIX) == 9
    with pytest.raises(ValueError, match="importance and urgency"):
        priority_of(4, 1)


def test_transitions() -> None:
    check_transition(CaseState.NEW, CaseState.ACKNOWLEDGED)
    check_transition(CaseState.CLOSED, CaseState.IN_PROGRESS)  # reopen
    with pytest.raises(ValueError, match="cannot move to new"):
        check_transition(CaseState.RESOLVED, CaseState.NEW)
    with pytest.raises(ValueError, match="cannot move to waiting_customer"):
        check_transition(CaseState.NEW, CaseState.WAITING_CUSTOMER)


def test_root_causes_are_unique_and_bilingual() -> None:
    codes = [c.code for c in ROOT_CAUSES]
    assert len(codes) == len(set(codes))
    assert all(c.name_zh and c.name_en for c in ROOT_CAUSES)
    assert root_cause("LOGI-DELAY").name_en == "Delivery delay"
    with pytest.raises(ValueError, match="unknown root-cause code"):
        root_cause("NOPE")


def test_rule_matching() -> None:
    detractor = [validate_condition({"kind": "nps_at_most", "value": 6})]
    gold = [*detractor, validate_condition({"kind": "tier", "in": ["gold"]})]
    facts = ItemFacts("response", 1, nps=(3.0,), segments={"tier": "gold"}, text="快递太慢了")
    assert match(detractor, facts) == ["NPS 3 ≤ 6"]
    assert match(gold, facts) == ["NPS 3 ≤ 6", "tier gold"]
    assert match(detractor, ItemFacts("response", 2, nps=(9.0,))) is None
    words = [validate_condition({"kind": "keywords", "any": ["太慢", "退款"]})]
    assert match(words, facts) == ["mentions 太慢"]
    aspect = [validate_condition({"kind": "negative_aspect", "aspect": "delivery"})]
    assert match(aspect, facts) is None  # waits for enrichment
    enriched = ItemFacts("feedback", 3, negative_aspects=frozenset({"delivery"}), enriched=True)
    assert match(aspect, enriched) == ["negative on delivery"]
    answer = [validate_condition({"kind": "answer", "question": "solved", "values": ["no"]})]
    assert match(answer, ItemFacts("response", 4, answers={"solved": "no"})) == ["solved = no"]


def test_bad_rules_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="unknown condition kind"):
        validate_condition({"kind": "mood"})
    with pytest.raises(ValueError, match="needs a number"):
        validate_condition({"kind": "nps_at_most", "value": "six"})
    with pytest.raises(ValueError, match="at least one action"):
        validate_actions({})
    with pytest.raises(ValueError, match="importance"):
        validate_actions({"open_case": True, "importance": 5})
    assert validate_actions({"tag": "vip"})["tag"] == "vip"
