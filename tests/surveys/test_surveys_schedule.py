"""Scheduled opening and closing: setting the schedule, publishing under it, the job that
stores the status, and the respondent form at request time with an injected clock,
including a survey that closes while a respondent answers (issue #10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from factories import make_survey
from manyi.errors import Conflict, InvalidInput
from manyi.ingestion.pipeline import IntakeOptions, ResponseBatch, record
from manyi.ingestion.responses import ResponseIn
from manyi.storage.database import Database
from manyi.storage.tables import ResponseRow, SurveyDraftRow
from manyi.storage.types import utcnow
from manyi.surveys.respond import not_open_any_more, open_form, post_page
from manyi.surveys.schedule import StatusChange, apply_schedules, parse_time, set_schedule
from manyi.surveys.service import get_survey, list_surveys, set_status

NOW = utcnow().replace(second=0, microsecond=0)
HOUR = timedelta(hours=1)
TWO_PAGES = {
    "title": "Two pages",
    "questions": [
        {"code": "nps", "kind": "nps", "text": "Recommend?", "required": True},
        {"code": "csat", "kind": "csat", "text": "Satisfied?", "page_break": True},
        {"code": "why", "kind": "open", "text": "Why?"},
    ],
}


def stored(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(ResponseRow)) or 0)


def test_a_schedule_is_stored_in_utc_and_shown_in_the_list(db: Database) -> None:
    survey = make_survey(db, status="draft")
    beijing = timezone(timedelta(hours=8))
    opens = datetime(2030, 1, 1, 9, 0, tzinfo=beijing)
    done = set_schedule(db, survey.id, opens, datetime(2030, 1, 31, 18, 0), now=NOW)
    assert done.opens_at == datetime(2030, 1, 1, 1, 0)  # 09:00 in Beijing is 01:00 UTC
    assert done.closes_at == datetime(2030, 1, 31, 18, 0)  # no offset: taken as UTC
    assert done.status == "draft", "a schedule does not publish a draft"
    (listed,), _ = list_surveys(db)
    assert (listed.opens_at, listed.closes_at) == (done.opens_at, done.closes_at)
    cleared = set_schedule(db, survey.id, None, None, now=NOW)
    assert (cleared.opens_at, cleared.closes_at) == (None, None)


def test_a_bad_schedule_is_refused(db: Database) -> None:
    survey = make_survey(db)
    with pytest.raises(InvalidInput, match="must be after opens_at") as after:
        set_schedule(db, survey.id, NOW + 2 * HOUR, NOW + HOUR, now=NOW)
    assert after.value.errors[0].loc == ("closes_at",)
    with pytest.raises(InvalidInput, match="is in the past"):
        set_schedule(db, survey.id, None, NOW - HOUR, now=NOW)
    assert get_survey(db, survey.id).closes_at is None


def test_parse_time_reads_iso_8601_and_names_a_bad_value() -> None:
    assert parse_time("2026-12-05T09:00+08:00", "opens") == datetime(2026, 12, 5, 1, 0)
    assert parse_time(" 2026-12-05 09:00 ", "opens") == datetime(2026, 12, 5, 9, 0)
    with pytest.raises(InvalidInput, match="'tomorrow' is not a time") as bad:
        parse_time("tomorrow", "closes")
    assert bad.value.errors[0].loc == ("closes",)


def test_publishing_before_the_opening_makes_it_scheduled(db: Database) -> None:
    survey = make_survey(db, status="draft")
    set_schedule(db, survey.id, NOW + HOUR, NOW + 5 * HOUR, now=NOW)
    assert set_status(db, survey.id, "active", now=NOW).status == "scheduled"
    # Moving the opening to the past opens it at once.
    assert set_schedule(db, survey.id, NOW - HOUR, NOW + 5 * HOUR, now=NOW).status == "active"
    # Moving it to the future again makes it wait.
    assert set_schedule(db, survey.id, NOW + HOUR, None, now=NOW).status == "scheduled"
    assert set_schedule(db, survey.id, None, None, now=NOW).status == "active"


def test_a_survey_past_its_closing_cannot_be_reopened_without_moving_it(db: Database) -> None:
    survey = make_survey(db)
    set_schedule(db, survey.id, None, NOW + HOUR, now=NOW)
    with pytest.raises(InvalidInput, match="move or clear closes_at"):
        set_status(db, survey.id, "active", now=NOW + 2 * HOUR)
    assert set_status(db, survey.id, "closed").status == "closed"


def test_the_job_opens_and_closes_surveys_as_time_passes(db: Database) -> None:
    opening = make_survey(db, status="draft")
    closing = make_survey(db)
    paused = make_survey(db, status="paused")
    plain = make_survey(db)
    set_schedule(db, opening.id, NOW + HOUR, NOW + 3 * HOUR, now=NOW)
    set_status(db, opening.id, "active", now=NOW)
    set_schedule(db, closing.id, None, NOW + 2 * HOUR, now=NOW)
    set_schedule(db, paused.id, None, NOW + HOUR, now=NOW)
    assert apply_schedules(db, now=NOW) == []
    assert apply_schedules(db, now=NOW + HOUR) == [StatusChange(opening.id, "scheduled", "active")]
    assert apply_schedules(db, now=NOW + 2 * HOUR) == [StatusChange(closing.id, "active", "closed")]
    assert apply_schedules(db, now=NOW + 3 * HOUR) == [StatusChange(opening.id, "active", "closed")]
    assert apply_schedules(db, now=NOW + 4 * HOUR) == []
    statuses = {s.id: s.status for s in list_surveys(db)[0]}
    assert statuses == {
        opening.id: "closed",
        closing.id: "closed",
        paused.id: "paused",  # a paused survey is left as the manager set it
        plain.id: "active",
    }


def test_the_form_follows_the_schedule_at_request_time(db: Database) -> None:
    survey = make_survey(db, status="draft", **TWO_PAGES)
    set_schedule(db, survey.id, NOW + HOUR, NOW + 2 * HOUR, now=NOW)
    set_status(db, survey.id, "active", now=NOW)
    early = open_form(db, survey.id, None, language="en", now=NOW)
    assert early.state == "not_yet" and early.draft is None
    assert early.survey.opens_at == NOW + HOUR
    # Opened by the clock alone: the stored status is still "scheduled" (no job ran).
    on_time = open_form(db, survey.id, None, language="en", now=NOW + HOUR)
    assert get_survey(db, survey.id).status == "scheduled"
    assert on_time.state == "open" and on_time.new_token is not None
    late = open_form(db, survey.id, on_time.new_token, language="en", now=NOW + 2 * HOUR)
    assert late.state == "closed" and late.draft is not None


def test_the_pipeline_checks_the_schedule_itself(db: Database) -> None:
    survey = make_survey(db, **TWO_PAGES)
    set_schedule(db, survey.id, NOW + HOUR, NOW + 2 * HOUR, now=NOW)
    batch = ResponseBatch(survey.id, [ResponseIn(answers={"nps": 9})])
    opens = f"{NOW + HOUR:%Y-%m-%d %H:%M}"
    with pytest.raises(Conflict, match=f"opens at {opens} UTC, not accepting responses yet"):
        record(db, batch, IntakeOptions(at=NOW))
    assert record(db, batch, IntakeOptions(at=NOW + HOUR)).created == 1
    closed = f"{NOW + 2 * HOUR:%Y-%m-%d %H:%M}"
    with pytest.raises(Conflict, match=f"closed at {closed} UTC"):
        record(db, batch, IntakeOptions(at=NOW + 2 * HOUR))
    # An import back-fills whatever the schedule says.
    back_fill = IntakeOptions(source="import", require_active=False, at=NOW + 3 * HOUR)
    assert record(db, batch, back_fill).created == 1


def test_closed_mid_answer_keeps_every_answer_and_stores_nothing(db: Database) -> None:
    """Open the form, answer page 1; the closing time passes; page 2 is posted."""
    survey = make_survey(db, **TWO_PAGES)
    set_schedule(db, survey.id, None, NOW + HOUR, now=NOW)
    opened = open_form(db, survey.id, None, language="en", now=NOW)
    token = opened.new_token
    assert token is not None
    page_2 = post_page(
        db, survey.id, token, {"q.nps": ["4"]}, action="next", language="en", now=NOW
    )
    assert page_2.page == 1
    after = NOW + HOUR
    refused = post_page(
        db,
        survey.id,
        token,
        {"q.csat": ["2"], "q.why": ["排队太久"]},
        action="next",
        language="en",
        now=after,
    )
    assert refused.state == "closed" and refused.submission is None
    assert stored(db) == 0
    with db.session() as s:
        draft = s.scalars(select(SurveyDraftRow).where(SurveyDraftRow.survey_id == survey.id)).one()
        # page 1 as saved before, and page 2 as posted after the close
        assert draft.answers == {"nps": 4, "csat": 2, "why": "排队太久"}
        assert draft.page == 1 and draft.response_id is None
    # Resumed later, the form still says closed and keeps the answers.
    resumed = open_form(db, survey.id, token, language="en", now=after)
    assert resumed.state == "closed" and resumed.draft is not None
    assert resumed.draft.answers == {"nps": 4, "csat": 2, "why": "排队太久"}


def test_closed_between_the_last_page_and_the_store(db: Database) -> None:
    """The last page is accepted just before closes_at; the store runs just after."""
    survey = make_survey(db, **TWO_PAGES)
    set_schedule(db, survey.id, None, NOW + HOUR, now=NOW)
    token = open_form(db, survey.id, None, language="en", now=NOW).new_token
    assert token is not None
    post_page(db, survey.id, token, {"q.nps": ["8"]}, action="next", language="en", now=NOW)
    last = post_page(db, survey.id, token, {"q.csat": ["4"]}, action="next", language="en", now=NOW)
    done = last.submission
    assert done is not None
    after = NOW + HOUR
    batch = ResponseBatch(survey.id, [ResponseIn(answers=done.answers)], done.idempotency_key)
    with pytest.raises(Conflict):
        record(db, batch, IntakeOptions(source="web", at=after))
    shown = not_open_any_more(db, last, now=after)
    assert shown.state == "closed" and shown.answers == {"nps": 8, "csat": 4}
    assert stored(db) == 0
    with db.session() as s:
        kept = s.scalars(select(SurveyDraftRow)).one()
        assert kept.answers == {"nps": 8, "csat": 4} and kept.response_id is None


def test_utcnow_is_the_clock_by_default(db: Database) -> None:
    survey = make_survey(db)
    real_now = datetime.now(UTC).replace(tzinfo=None)
    set_schedule(db, survey.id, real_now + HOUR, None)
    assert get_survey(db, survey.id).status == "scheduled"
    assert open_form(db, survey.id, None, language="en").state == "not_yet"
