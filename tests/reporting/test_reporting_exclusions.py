"""Analysts' exclusion decisions and the incentive-bias comparison (issue #10): a decision
changes the response and its answers together, so the home page's NPS follows it, and
incentivised responses can be compared with the others."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from sqlalchemy import select

from manyi.errors import InvalidInput, NotFound
from manyi.ingestion.responses import ResponseIn, record_response
from manyi.reporting.exclusions import (
    decide_exclusion,
    flagged_responses,
    incentive_bias,
    is_counted,
)
from manyi.reporting.home import survey_overview
from manyi.storage.database import Database
from manyi.storage.exclusions import COUNTED, EXCLUDED, FLAGGED
from manyi.storage.tables import AnswerRow, ResponseRow
from manyi.surveys.service import create_survey

RATINGS = [f"r{i}" for i in range(8)]


def quality_definition(**extra: Any) -> dict[str, Any]:
    """NPS and eight ratings: all eight equal makes a straight-liner."""
    questions: list[dict[str, Any]] = [
        {"code": "nps", "kind": "nps", "text": "推荐", "required": True}
    ]
    questions += [{"code": code, "kind": "rating", "text": code} for code in RATINGS]
    questions.append({"code": "comment", "kind": "open", "text": "建议"})
    return {"title": {"zh-CN": "质量", "en": "Quality"}, "questions": questions, **extra}


def answer(nps: int, *, straight: bool = False, **extra: Any) -> dict[str, Any]:
    ratings = {code: 3 if straight else 1 + i % 5 for i, code in enumerate(RATINGS)}
    return {"nps": nps, **ratings, **extra}


_customers = itertools.count()


def submit(db: Database, survey_id: int, answers: dict[str, Any], **item: Any) -> Any:
    """Record a response; each from its own customer, so none is a duplicate."""
    item.setdefault("customer", f"c{next(_customers)}")
    return record_response(db, survey_id, ResponseIn(answers=answers, **item))


def nps_of(db: Database, *, include_flagged: bool = False) -> float | None:
    (overview,) = survey_overview(db, include_flagged=include_flagged)
    return overview.nps.score if overview.nps else None


def qualities(db: Database, response_id: int) -> tuple[int, set[int]]:
    with db.session() as s:
        row = s.get(ResponseRow, response_id)
        assert row is not None
        answers = set(
            s.scalars(select(AnswerRow.quality).where(AnswerRow.response_id == response_id))
        )
        return row.quality, answers


def test_an_excluded_straight_liner_no_longer_changes_the_nps(db: Database) -> None:
    survey = create_survey(db, quality_definition(), status="active")
    for score in (10, 10, 9, 0):
        assert submit(db, survey.id, answer(score)).quality_flags == []
    liner = submit(db, survey.id, answer(0, straight=True))
    assert liner.quality_flags == ["straight_liner"]
    assert qualities(db, liner.id) == (FLAGGED, {FLAGGED})
    clean = nps_of(db)
    assert clean == pytest.approx(50.0)  # 3 promoters, 1 detractor of 4
    assert nps_of(db, include_flagged=True) == pytest.approx(20.0)  # 3 - 2 of 5

    kept = decide_exclusion(db, liner.id, excluded=False, reason="real customer", user_id=None)
    assert is_counted(kept) and qualities(db, liner.id) == (COUNTED, {COUNTED})
    assert nps_of(db) == pytest.approx(20.0)  # kept: counted by default

    excluded = decide_exclusion(db, liner.id, excluded=True, reason="all 3s", user_id=None)
    assert not is_counted(excluded) and qualities(db, liner.id) == (EXCLUDED, {EXCLUDED})
    assert nps_of(db) == pytest.approx(clean)
    assert nps_of(db, include_flagged=True) == pytest.approx(clean)  # excluded is never counted
    (overview,) = survey_overview(db)
    assert (overview.flagged_window, overview.excluded_window) == (0, 1)

    decide_exclusion(db, liner.id, excluded=None, user_id=None)  # undo: the flags decide
    assert qualities(db, liner.id) == (FLAGGED, {FLAGGED})
    with db.session() as s:
        row = s.get(ResponseRow, liner.id)
        assert row is not None
        assert (row.excluded, row.exclusion_reason, row.reviewed_at) == (None, None, None)


def test_flagged_list_filters_and_decisions(db: Database) -> None:
    survey = create_survey(db, quality_definition(), status="active")
    other = create_survey(db, quality_definition(), status="active")
    plain = submit(db, survey.id, answer(9))
    liner = submit(db, survey.id, answer(5, straight=True))
    mashed = submit(db, other.id, answer(7, comment="asdfgh qwerty zxcvbn"))
    assert "gibberish" in mashed.quality_flags
    listed = flagged_responses(db)
    assert [i.id for i in listed.items] == [mashed.id, liner.id] and listed.count == 2
    assert plain.id not in [i.id for i in listed.items]
    assert [i.id for i in flagged_responses(db, survey_id=survey.id).items] == [liner.id]
    assert [i.id for i in flagged_responses(db, flag="gibberish").items] == [mashed.id]
    assert flagged_responses(db, flag="speeder").items == []
    decide_exclusion(db, liner.id, excluded=True, reason="x", user_id=None)
    assert [i.id for i in flagged_responses(db, decision="excluded").items] == [liner.id]
    assert [i.id for i in flagged_responses(db, decision="open").items] == [mashed.id]
    with pytest.raises(InvalidInput, match="unknown quality flag"):
        flagged_responses(db, flag="nonsense")
    with pytest.raises(InvalidInput, match="unknown decision"):
        flagged_responses(db, decision="maybe")


def test_exclusion_of_an_unknown_response_or_with_a_long_reason(db: Database) -> None:
    survey = create_survey(db, quality_definition(), status="active")
    stored = submit(db, survey.id, answer(9))
    with pytest.raises(NotFound):
        decide_exclusion(db, 10**9, excluded=True, user_id=None)
    with pytest.raises(InvalidInput, match="longer than 500"):
        decide_exclusion(db, stored.id, excluded=True, reason="x" * 501, user_id=None)
    assert qualities(db, stored.id) == (COUNTED, {COUNTED})


def test_incentivised_responses_are_recorded_and_compared(db: Database) -> None:
    rewarded = create_survey(
        db, quality_definition(incentive={"kind": "code", "prefix": "MY"}), status="active"
    )
    plain = create_survey(db, quality_definition(), status="active")
    assert submit(db, rewarded.id, answer(9)).id
    assert submit(db, plain.id, answer(9)).id
    with db.session() as s:
        flags = dict(s.execute(select(ResponseRow.survey_id, ResponseRow.incentivised)).all())
    assert flags == {rewarded.id: True, plain.id: False}

    # One survey, some respondents offered a reward by their channel (API: incentivised).
    for score in (10, 9, 10, 9):
        submit(db, plain.id, answer(score), incentivised=True)
    for score in (6, 7, 8):
        submit(db, plain.id, answer(score), incentivised=False)
    bias = incentive_bias(db, plain.id, "nps")
    assert (bias.n_incentivised, bias.n_other) == (4, 4)
    assert bias.mean_incentivised == pytest.approx(9.5)
    assert bias.mean_other == pytest.approx(7.5)
    assert bias.difference == pytest.approx(2.0)
    assert bias.p_value is not None and bias.p_value < 0.05
    assert bias.ci_low is not None and bias.ci_low > 0

    # An excluded response is left out of the comparison too.
    low = submit(db, plain.id, answer(0), incentivised=True)
    decide_exclusion(db, low.id, excluded=True, user_id=None)
    assert incentive_bias(db, plain.id, "nps").n_incentivised == 4

    empty = incentive_bias(db, rewarded.id, "nps")
    assert (empty.n_incentivised, empty.n_other, empty.difference) == (1, 0, None)
    with pytest.raises(NotFound):
        incentive_bias(db, 10**9, "nps")
