"""The one intake pipeline: redaction at intake, partial and all-or-nothing batches,
idempotency, and the enrichment it asks for."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from factories import good_answers, make_reference_data, make_survey
from manyi.errors import Conflict, InvalidInput
from manyi.ingestion.feedback import FeedbackIn
from manyi.ingestion.importer import import_feedback
from manyi.ingestion.pipeline import (
    FeedbackBatch,
    IntakeOptions,
    ResponseBatch,
    record,
    redact_text,
)
from manyi.ingestion.responses import ResponseIn
from manyi.storage.database import Database
from manyi.storage.tables import AnswerRow, FeedbackItemRow, ResponseRow

PHONE_TEXT = "师傅很专业，请回电13812345678"


class Calls:
    """Stands in for the job queue: counts how often intake asked for enrichment."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> bool:
        self.count += 1
        return True


def test_redact_text_picks_the_labels_of_the_text_language() -> None:
    assert redact_text("请回电13812345678") == "请回电[手机号]"
    assert redact_text("mail me at li@example.com") == "mail me at [EMAIL]"
    assert redact_text("no personal data") == "no personal data"


def test_feedback_text_is_redacted_at_intake_and_the_original_kept_apart(db: Database) -> None:
    calls = Calls()
    result = record(db, FeedbackBatch([FeedbackIn(text=PHONE_TEXT)]), enqueue=calls)
    assert result.created == 1 and result.to_enrich == 1 and result.enqueued
    assert calls.count == 1
    with db.session() as s:
        row = s.get(FeedbackItemRow, result.stored[0].id)
        assert row is not None
        assert row.text == "师傅很专业，请回电[手机号]"
        assert row.raw_text == PHONE_TEXT


def test_raw_text_is_not_kept_when_switched_off(db: Database) -> None:
    result = record(
        db, FeedbackBatch([FeedbackIn(text=PHONE_TEXT)]), IntakeOptions(keep_raw_text=False)
    )
    with db.session() as s:
        row = s.get(FeedbackItemRow, result.stored[0].id)
        assert row is not None and row.raw_text is None and "138" not in row.text


def test_text_without_personal_data_has_no_raw_copy(db: Database) -> None:
    result = record(db, FeedbackBatch([FeedbackIn(text="送货很快")]))
    with db.session() as s:
        row = s.get(FeedbackItemRow, result.stored[0].id)
        assert row is not None and row.text == "送货很快" and row.raw_text is None


def test_open_answer_is_redacted_in_the_cell_and_in_the_stored_answers(db: Database) -> None:
    make_reference_data(db)
    survey = make_survey(db)
    answers = good_answers(comment="上门很准时，有问题发邮件 li@example.com")
    result = record(db, ResponseBatch(survey.id, [ResponseIn(answers=answers)]))
    rid = result.stored[0].id
    with db.session() as s:
        response = s.get(ResponseRow, rid)
        assert response is not None
        assert response.answers["comment"] == "上门很准时，有问题发邮件 [邮箱]"
        assert response.raw_answers == {"comment": "上门很准时，有问题发邮件 li@example.com"}
        cell = s.scalar(
            select(AnswerRow.text).where(
                AnswerRow.response_id == rid, AnswerRow.question == "comment"
            )
        )
        assert cell == "上门很准时，有问题发邮件 [邮箱]"
    assert result.to_enrich == 1


def test_a_batch_is_all_or_nothing_by_default(db: Database) -> None:
    items = [FeedbackIn(text="好"), FeedbackIn(text=" "), FeedbackIn(text="差", kind="nonsense")]
    with pytest.raises(InvalidInput) as caught:
        record(db, FeedbackBatch(items))
    locs = [e.loc for e in caught.value.errors]
    assert ("items", 1, "text") in locs and ("items", 2, "kind") in locs
    assert "nothing was stored" in caught.value.message
    with db.session() as s:
        assert s.scalars(select(FeedbackItemRow)).all() == []


def test_a_partial_batch_stores_good_items_and_returns_bad_ones(db: Database) -> None:
    items = [FeedbackIn(text="好", external_id="a"), FeedbackIn(text=" ", external_id="b")]
    result = record(db, FeedbackBatch(items), IntakeOptions(all_or_nothing=False))
    assert [s.index for s in result.stored] == [0]
    assert [r.index for r in result.rejected] == [1]
    assert result.rejected[0].errors[0].loc == ("text",)


def test_a_repeated_batch_stores_nothing_new_and_asks_for_no_enrichment(db: Database) -> None:
    calls = Calls()
    items = [
        FeedbackIn(text="送货很快", external_id="x1"),
        FeedbackIn(text="太慢", external_id="x2"),
    ]
    first = record(db, FeedbackBatch(items), enqueue=calls)
    second = record(db, FeedbackBatch(items), enqueue=calls)
    assert first.created == 2 and second.created == 0 and second.already_stored == 2
    assert [s.id for s in first.stored] == [s.id for s in second.stored]
    assert calls.count == 1 and not second.enqueued


def test_responses_without_text_ask_for_no_enrichment(db: Database) -> None:
    make_reference_data(db)
    survey = make_survey(db)
    calls = Calls()
    answers = good_answers()
    del answers["comment"]
    result = record(db, ResponseBatch(survey.id, [ResponseIn(answers=answers)]), enqueue=calls)
    assert result.created == 1 and result.to_enrich == 0 and calls.count == 0


def test_idempotency_key_returns_the_stored_response(db: Database) -> None:
    make_reference_data(db)
    survey = make_survey(db)
    item = ResponseIn(answers=good_answers())
    first = record(db, ResponseBatch(survey.id, [item], "order-1"))
    again = record(db, ResponseBatch(survey.id, [item], "order-1"))
    assert again.stored[0].id == first.stored[0].id and not again.stored[0].created
    other = ResponseIn(answers=good_answers(nps=3))
    with pytest.raises(Conflict, match="different request body"):
        record(db, ResponseBatch(survey.id, [other], "order-1"))


def test_partial_response_batch_with_external_keys(db: Database) -> None:
    make_reference_data(db)
    survey = make_survey(db)
    items = [
        ResponseIn(answers=good_answers(), external_key="r1"),
        ResponseIn(answers=good_answers(nps=11), external_key="r2"),
        ResponseIn(answers=good_answers(nps=2), external_key="r3"),
    ]
    options = IntakeOptions(all_or_nothing=False)
    result = record(db, ResponseBatch(survey.id, items), options)
    assert [s.index for s in result.stored] == [0, 2]
    assert [r.index for r in result.rejected] == [1]
    again = record(db, ResponseBatch(survey.id, items), options)
    assert again.created == 0 and again.already_stored == 2
    assert [s.id for s in again.stored] == [s.id for s in result.stored]


def test_a_survey_that_is_not_active_refuses_api_responses(db: Database) -> None:
    make_reference_data(db)
    survey = make_survey(db, status="closed")
    with pytest.raises(Conflict, match="closed"):
        record(db, ResponseBatch(survey.id, [ResponseIn(answers=good_answers())]))


def test_an_empty_batch_is_refused(db: Database) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        record(db, FeedbackBatch([]))


def test_file_import_redacts_and_enqueues_through_the_pipeline(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "complaints.csv"
    path.write_text("编号,内容\n1,请打13812345678联系我\n2,服务很好\n", encoding="utf-8")
    calls = Calls()
    result = import_feedback(db, path, error_dir=tmp_path / "errors", enqueue=calls)
    assert result.imported == 2 and calls.count == 1
    with db.session() as s:
        texts = sorted(s.scalars(select(FeedbackItemRow.text)).all())
    assert texts == ["服务很好", "请打[手机号]联系我"]


def test_a_key_repeated_within_a_batch_is_stored_once(db: Database) -> None:
    make_reference_data(db)
    survey = make_survey(db)
    items = [ResponseIn(answers=good_answers(), external_key="same") for _ in range(2)]
    result = record(db, ResponseBatch(survey.id, items), IntakeOptions(all_or_nothing=False))
    assert [(s.index, s.created) for s in result.stored] == [(0, True), (1, False)]
    assert result.stored[0].id == result.stored[1].id
    with db.session() as s:
        cells = s.scalars(
            select(AnswerRow.id).where(
                AnswerRow.response_id == result.stored[0].id, AnswerRow.question == "nps"
            )
        ).all()
    assert len(cells) == 1


def test_the_error_file_holds_only_the_cells_of_the_file(db: Database, tmp_path: Path) -> None:
    import csv
    import json

    path = tmp_path / "complaints.csv"
    path.write_text("编号,内容\n1,送货慢\n2,太差了,多出来的一格\n", encoding="utf-8")
    result = import_feedback(db, path, error_dir=tmp_path / "errors")
    assert (result.imported, result.errors) == (1, 1)
    assert result.error_file is not None
    with result.error_file.open(encoding="utf-8-sig") as fh:
        (rejected,) = list(csv.DictReader(fh))
    assert rejected["line"] == "3"
    assert not [k for k in json.loads(rejected["row"]) if k.startswith("__")]
    assert not [c for c in result.unmapped_columns if c.startswith("__")]
