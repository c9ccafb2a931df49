"""Quotas on the respondent form and at intake: screen-out as soon as the screening answer
is posted, the claim when the response is stored, concurrent respondents filling a quota
exactly (SQLite and PostgreSQL), closing when a "close" quota fills (issue #10)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from factories import make_survey
from manyi.errors import Conflict, QuotaFull
from manyi.ingestion.pipeline import IntakeOptions, IntakeResult, ResponseBatch, record
from manyi.ingestion.responses import ResponseIn
from manyi.storage.database import Database
from manyi.storage.tables import ResponseRow, SurveyDraftRow, SurveyQuotaCountRow
from manyi.surveys.quotas import quota_status
from manyi.surveys.respond import (
    Form,
    not_open_any_more,
    open_form,
    post_page,
    screened_out,
    submitted,
)
from manyi.surveys.service import get_survey

REGION = {
    "code": "region",
    "kind": "single",
    "text": {"zh-CN": "您所在的地区", "en": "Your region"},
    "required": True,
    "options": [
        {"code": "north", "text": {"zh-CN": "北方", "en": "North"}},
        {"code": "south", "text": {"zh-CN": "南方", "en": "South"}},
    ],
}
NPS = {"code": "nps", "kind": "nps", "text": "Recommend?", "required": True, "page_break": True}
FULL_MESSAGE = {"zh-CN": "北方名额已满，谢谢！", "en": "The north group is full, thank you!"}


def quota_survey(db: Database, *quotas: dict[str, Any]) -> int:
    return make_survey(db, title="Quota", questions=[REGION, NPS], quotas=list(quotas)).id


def north(limit: int, action: str = "screen_out", code: str = "north") -> dict[str, Any]:
    return {
        "code": code,
        "segment": {"region": "north"},
        "limit": limit,
        "action": action,
        "message": FULL_MESSAGE,
    }


def answer_pages(db: Database, survey_id: int, region: str) -> tuple[str, Form]:
    """Open the form and answer both pages; the form after the last post."""
    opened = open_form(db, survey_id, None, language="en")
    assert opened.new_token is not None
    token = opened.new_token
    first = post_page(db, survey_id, token, {"q.region": [region]}, action="next", language="en")
    if first.state != "open":
        return token, first
    return token, post_page(db, survey_id, token, {"q.nps": ["8"]}, action="next", language="en")


def store(db: Database, form: Form) -> Form:
    """Record the finished form as the web channel does (web.respondent._record)."""
    done = form.submission
    assert done is not None
    item = ResponseIn(answers=done.answers, started_at=done.started_at, language=done.language)
    batch = ResponseBatch(done.survey_id, [item], idempotency_key=done.idempotency_key)
    try:
        result = record(db, batch, IntakeOptions(source="web"))
    except QuotaFull as full:
        return screened_out(db, form, full.quota)
    except Conflict:
        return not_open_any_more(db, form)
    return submitted(db, form, result.stored[0].id)


def respond(db: Database, survey_id: int, region: str) -> Form:
    _, form = answer_pages(db, survey_id, region)
    return store(db, form) if form.submission is not None else form


def stored_count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(ResponseRow)) or 0)


def counts(db: Database, survey_id: int) -> dict[str, int]:
    return {q.code: q.count for q in quota_status(db, survey_id)}


def test_a_full_quota_screens_out_when_the_screening_answer_is_posted(db: Database) -> None:
    survey_id = quota_survey(db, north(2))
    assert [respond(db, survey_id, "north").state for _ in range(2)] == ["submitted"] * 2
    token, form = answer_pages(db, survey_id, "north")
    # Screened out on page 1, before being asked anything else.
    assert form.state == "screened_out" and form.submission is None
    assert form.quota is not None and form.quota.code == "north"
    assert form.quota.message is not None
    assert form.quota.message.get("zh-CN") == "北方名额已满，谢谢！"
    # The draft keeps its answer and is marked; the same link says so again.
    again = open_form(db, survey_id, token, language="en")
    assert again.state == "screened_out" and again.draft is not None
    assert again.draft.answers == {"region": "north"}
    assert again.draft.screened_out == "north" and again.draft.response_id is None
    # Posting again (a back button, a changed answer) changes nothing.
    retry = post_page(db, survey_id, token, {"q.region": ["south"]}, action="next", language="en")
    assert retry.state == "screened_out"
    assert respond(db, survey_id, "south").state == "submitted"
    assert stored_count(db) == 3
    assert counts(db, survey_id) == {"north": 2}


def test_a_quota_filled_between_the_last_page_and_the_store_screens_out(db: Database) -> None:
    survey_id = quota_survey(db, north(1))
    _, first = answer_pages(db, survey_id, "north")
    token, second = answer_pages(db, survey_id, "north")
    assert first.submission is not None and second.submission is not None  # both pass page 1
    assert store(db, first).state == "submitted"
    refused = store(db, second)
    assert refused.state == "screened_out" and refused.quota is not None
    assert stored_count(db) == 1
    with db.session() as s:
        draft = s.scalars(
            select(SurveyDraftRow).where(SurveyDraftRow.id == second.submission.draft_id)
        ).one()
        assert draft.answers == {"region": "north", "nps": 8}
        assert draft.screened_out == "north" and draft.response_id is None
    assert open_form(db, survey_id, token, language="en").state == "screened_out"


def test_concurrent_respondents_fill_a_quota_exactly(db: Database) -> None:
    """N respondents submit at the same moment into a quota of K, each on its own
    connection: exactly K are stored, the others screened out, none lost or doubled."""
    respondents, limit = 16, 5
    survey_id = quota_survey(db, north(limit))
    forms = [answer_pages(db, survey_id, "north")[1] for _ in range(respondents)]
    assert all(f.submission is not None for f in forms)  # the quota was empty on page 1
    start = threading.Barrier(respondents)

    def submit(form: Form) -> tuple[str, IntakeResult | str]:
        done = form.submission
        assert done is not None
        item = ResponseIn(answers=done.answers, started_at=done.started_at, language="en")
        batch = ResponseBatch(survey_id, [item], idempotency_key=done.idempotency_key)
        start.wait()
        try:
            return "stored", record(db, batch, IntakeOptions(source="web"))
        except QuotaFull as full:
            screened_out(db, form, full.quota)
            return "screened_out", full.message

    with ThreadPoolExecutor(respondents) as pool:
        outcomes = list(pool.map(submit, forms))
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("stored") == limit
    assert kinds.count("screened_out") == respondents - limit
    messages = {str(m) for k, m in outcomes if k == "screened_out"}
    assert messages == {f"quota 'north' of survey {survey_id} is full"}
    assert stored_count(db) == limit
    assert counts(db, survey_id) == {"north": limit}
    with db.session() as s:
        drafts = list(
            s.scalars(select(SurveyDraftRow).where(SurveyDraftRow.survey_id == survey_id))
        )
        assert sum(d.response_id is not None for d in drafts) == 0  # submitted() not called here
        assert sum(d.screened_out == "north" for d in drafts) == respondents - limit
        assert all(d.answers == {"region": "north", "nps": 8} for d in drafts)
    # A stored respondent's submit sent again is the same response: no second claim.
    replayed = next(
        form for form, (kind, _) in zip(forms, outcomes, strict=True) if kind == "stored"
    )
    done = replayed.submission
    assert done is not None
    item = ResponseIn(answers=done.answers, started_at=done.started_at, language="en")
    again = record(
        db, ResponseBatch(survey_id, [item], done.idempotency_key), IntakeOptions(source="web")
    )
    assert again.created == 0 and again.already_stored == 1
    assert stored_count(db) == limit and counts(db, survey_id) == {"north": limit}


def test_a_refused_store_gives_back_the_places_it_claimed(db: Database) -> None:
    # Claimed in code order: a_total first, then b_north, which is full.
    survey_id = quota_survey(db, {"code": "a_total", "limit": 10}, north(1, code="b_north"))
    assert respond(db, survey_id, "north").state == "submitted"
    assert counts(db, survey_id) == {"a_total": 1, "b_north": 1}
    _, form = answer_pages(db, survey_id, "south")
    assert store(db, form).state == "submitted"
    assert counts(db, survey_id) == {"a_total": 2, "b_north": 1}
    answers = {"region": "north", "nps": 5}
    with pytest.raises(QuotaFull):
        record(db, ResponseBatch(survey_id, [ResponseIn(answers=answers)]), IntakeOptions())
    # The response and its claim on a_total were rolled back together.
    assert counts(db, survey_id) == {"a_total": 2, "b_north": 1}
    assert stored_count(db) == 2


def test_a_close_quota_closes_the_survey_when_it_fills(db: Database) -> None:
    survey_id = quota_survey(db, north(2, action="close"))
    assert respond(db, survey_id, "north").state == "submitted"
    assert get_survey(db, survey_id).status == "active"
    assert respond(db, survey_id, "north").state == "submitted"
    assert get_survey(db, survey_id).status == "closed"
    assert open_form(db, survey_id, None, language="en").state == "closed"
    with pytest.raises(Conflict, match="not accepting responses"):
        record(db, ResponseBatch(survey_id, [ResponseIn(answers={"region": "south", "nps": 9})]))
    assert stored_count(db) == 2 and counts(db, survey_id) == {"north": 2}


def test_a_close_quota_filled_by_a_concurrent_respondent_says_closed(db: Database) -> None:
    survey_id = quota_survey(db, north(1, action="close"))
    _, first = answer_pages(db, survey_id, "north")
    _, second = answer_pages(db, survey_id, "north")
    assert store(db, first).state == "submitted"
    late = store(db, second)
    assert late.state == "closed" and late.draft is not None
    assert late.answers == {"region": "north", "nps": 8}
    with db.session() as s:
        kept = s.get(SurveyDraftRow, late.draft.id)
        assert kept is not None and kept.answers == {"region": "north", "nps": 8}
        assert kept.response_id is None and kept.screened_out is None
    assert stored_count(db) == 1


def test_customer_attribute_quotas_use_the_given_or_stored_segments(db: Database) -> None:
    survey_id = quota_survey(db, {"code": "gold", "segment": {"customer:tier": "gold"}, "limit": 1})
    answers = {"region": "south", "nps": 7}
    given = ResponseIn(answers=answers, customer="c-1", customer_segments={"tier": "gold"})
    assert record(db, ResponseBatch(survey_id, [given])).created == 1
    # c-1 is stored with tier gold: a later response without segments is in the quota too.
    with pytest.raises(QuotaFull) as full:
        record(db, ResponseBatch(survey_id, [ResponseIn(answers=answers, customer="c-1")]))
    assert full.value.quota == "gold" and full.value.status == 409
    silver = ResponseIn(answers=answers, customer="c-2", customer_segments={"tier": "silver"})
    assert record(db, ResponseBatch(survey_id, [silver])).created == 1
    assert record(db, ResponseBatch(survey_id, [ResponseIn(answers=answers)])).created == 1
    assert counts(db, survey_id) == {"gold": 1}


def test_imports_back_fill_without_claiming(db: Database) -> None:
    survey_id = quota_survey(db, north(1))
    items = [ResponseIn(answers={"region": "north", "nps": n}) for n in range(3)]
    result = record(
        db,
        ResponseBatch(survey_id, items, idempotency_key="file-1"),
        IntakeOptions(source="import", all_or_nothing=False, require_active=False),
    )
    assert result.created == 3
    assert counts(db, survey_id) == {"north": 0}
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(SurveyQuotaCountRow)) == 0


def test_quota_status_lists_every_quota_of_the_current_definition(db: Database) -> None:
    survey_id = quota_survey(db, north(3), {"code": "total", "limit": 100, "action": "close"})
    respond(db, survey_id, "north")
    respond(db, survey_id, "south")
    status = {q.code: q for q in quota_status(db, survey_id)}
    assert (status["north"].count, status["north"].limit, status["north"].full) == (1, 3, False)
    assert status["north"].segment == {"region": ["north"]}
    assert (status["total"].count, status["total"].action) == (2, "close")
