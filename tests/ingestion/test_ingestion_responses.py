from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from factories import good_answers, make_reference_data, make_survey
from manyi.errors import Conflict, InvalidInput
from manyi.ingestion.responses import ResponseIn, record_response
from manyi.storage.database import Database
from manyi.storage.tables import AnswerRow, CustomerRow, ResponseRow


def _count(db: Database, table: type) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_record_response_stores_response_and_answer_cells(db: Database) -> None:
    make_reference_data(db)
    survey = make_survey(db)
    recorded = record_response(
        db,
        survey.id,
        ResponseIn(answers=good_answers(), customer="C001", channel="web", touchpoint="repair"),
    )
    assert recorded.created and recorded.survey_version == 1 and recorded.quality_flags == []
    assert _count(db, ResponseRow) == 1
    assert (
        _count(db, AnswerRow) == 19
    )  # 1 per scalar, 2 matrix rows, 2+1 choices, 3 servqual, 2 kano, 1 open
    assert _count(db, CustomerRow) == 1


def test_unknown_channel_and_bad_answers_listed_together(db: Database) -> None:
    survey = make_survey(db)
    with pytest.raises(InvalidInput) as info:
        record_response(db, survey.id, ResponseIn(answers=good_answers(nps=42), channel="pigeon"))
    locs = {tuple(e.loc) for e in info.value.errors}
    assert locs == {("answers", "nps"), ("channel",)}
    assert _count(db, ResponseRow) == 0


def test_inactive_survey_refuses_responses(db: Database) -> None:
    survey = make_survey(db, status="draft")
    with pytest.raises(Conflict, match="draft"):
        record_response(db, survey.id, ResponseIn(answers=good_answers()))


def test_idempotency_key_returns_same_id_and_stores_once(db: Database) -> None:
    survey = make_survey(db)
    item = ResponseIn(answers=good_answers())
    first = record_response(db, survey.id, item, idempotency_key="k-1")
    again = record_response(db, survey.id, item, idempotency_key="k-1")
    assert again.id == first.id and not again.created
    assert _count(db, ResponseRow) == 1
    with pytest.raises(Conflict, match="different request body"):
        record_response(
            db, survey.id, ResponseIn(answers=good_answers(nps=3)), idempotency_key="k-1"
        )


def test_concurrent_retries_with_one_key_store_exactly_one(db: Database) -> None:
    survey = make_survey(db)
    item = ResponseIn(answers=good_answers())

    def submit(_: int) -> int:
        return record_response(db, survey.id, item, idempotency_key="same-key").id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(submit, range(16)))
    assert len(set(ids)) == 1
    assert _count(db, ResponseRow) == 1
    assert _count(db, AnswerRow) == 19


def test_exact_duplicate_is_stored_but_flagged(db: Database) -> None:
    survey = make_survey(db)
    item = ResponseIn(answers=good_answers(), customer="C9")
    assert record_response(db, survey.id, item).quality_flags == []
    assert "duplicate" in record_response(db, survey.id, item).quality_flags
    assert _count(db, ResponseRow) == 2


def test_speeder_flag_uses_expected_seconds(db: Database) -> None:
    survey = make_survey(db)
    now = datetime(2026, 1, 1, 12, 0, 0)
    fast = ResponseIn(
        answers=good_answers(), started_at=now - timedelta(seconds=5), submitted_at=now
    )
    assert "speeder" in record_response(db, survey.id, fast).quality_flags
    with pytest.raises(InvalidInput, match="field"):
        record_response(
            db,
            survey.id,
            ResponseIn(
                answers=good_answers(), started_at=now, submitted_at=now - timedelta(seconds=1)
            ),
        )
