"""Department scoping on the read side: the SQL conditions of storage.scoping through the
services that use them (listings, single items, flagged review, home counts, themes),
and the audit entries of personal data shown."""

from __future__ import annotations

import pytest

from manyi.domain.scope import EVERYTHING, NOTHING, DepartmentScope, Reader
from manyi.enrichment.service import enrich_pending
from manyi.errors import NotFound
from manyi.privacy.audit import audit_log
from manyi.reporting.exclusions import decide_exclusion, flagged_responses
from manyi.reporting.home import home_page
from manyi.reporting.listing import get_feedback, get_response, list_feedback, list_responses
from manyi.reporting.themes import theme_comments
from manyi.storage.database import Database
from scoped_data import PHONE, TOUCHPOINTS, ScopedData, make_scoped_data


def _scope(data: ScopedData, *codes: str) -> DepartmentScope:
    return DepartmentScope(frozenset(data.department_ids[c] for c in codes))


def _tps(data: ScopedData, *departments: str | None) -> set[int]:
    return {data.responses[tp] for tp, dep in TOUCHPOINTS.items() if dep in departments}


def test_listings_keep_to_the_scope(db: Database) -> None:
    data = make_scoped_data(db)
    cases = {
        EVERYTHING: (set(data.responses.values()), set(data.feedback.values())),
        _scope(data, "east", "east_a"): (
            _tps(data, "east", "east_a"),
            {data.feedback["east"], data.feedback["east_a"]},
        ),
        _scope(data, "west"): (_tps(data, "west"), {data.feedback["west"]}),
        NOTHING: (set(), set()),
    }
    for scope, (responses, feedback) in cases.items():
        reader = Reader(scope)
        page = list_responses(db, data.survey_id, reader=reader)
        assert {i["id"] for i in page.items} == responses and page.count == len(responses)
        items = list_feedback(db, reader=reader)
        assert {i["id"] for i in items.items} == feedback and items.count == len(feedback)


def test_one_item_outside_the_scope_is_not_found(db: Database) -> None:
    data = make_scoped_data(db)
    east = Reader(_scope(data, "east"))
    assert get_response(db, data.responses["tp_east"], reader=east)["touchpoint"] == "tp_east"
    assert get_feedback(db, data.feedback["east"], reader=east)["department"] == "east"
    # the same message as for an id that does not exist: nothing leaks
    for rid in (data.responses["tp_west"], data.responses["tp_none"], 10**9):
        with pytest.raises(NotFound, match=f"no response with id {rid}$"):
            get_response(db, rid, reader=east)
    for fid in (data.feedback["east_a"], data.feedback[""]):
        with pytest.raises(NotFound, match=f"no feedback item with id {fid}$"):
            get_feedback(db, fid, reader=east)
    # data without a department: only unscoped readers
    assert get_response(db, data.responses["tp_none"])["touchpoint"] == "tp_none"


def test_flagged_review_and_decisions_keep_to_the_scope(db: Database) -> None:
    data = make_scoped_data(db)
    west, east = _scope(data, "west"), _scope(data, "east")
    target = data.responses["tp_west"]
    with pytest.raises(NotFound):
        decide_exclusion(db, target, excluded=True, reason="spam", scope=east)
    decide_exclusion(db, target, excluded=True, reason="spam", scope=west)
    assert [i.id for i in flagged_responses(db, reader=Reader(west)).items] == [target]
    assert flagged_responses(db, reader=Reader(east)).items == []
    assert [i.id for i in flagged_responses(db).items] == [target]


def test_home_counts_and_theme_comments_keep_to_the_scope(db: Database) -> None:
    data = make_scoped_data(db)
    enrich_pending(db)
    everything = home_page(db)
    (survey,) = everything.surveys
    assert survey.responses == 4 and survey.nps is not None and survey.nps.n == 4
    east = _scope(data, "east", "east_a")
    (scoped,) = home_page(db, scope=east).surveys
    assert scoped.responses == 2 and scoped.responses_window == 2
    assert scoped.nps is not None and scoped.nps.n == 2
    (nothing,) = home_page(db, scope=NOTHING).surveys
    assert (nothing.responses, nothing.nps) == (0, None)
    # the feedback complaints are all about delivery: 5 in all, 2 of east's subtree
    delivery = {a.code: a for a in everything.themes.aspects}["delivery"]
    scoped_delivery = {a.code: a for a in home_page(db, scope=east).themes.aspects}["delivery"]
    assert scoped_delivery.mentions < delivery.mentions
    comments = theme_comments(db, "delivery", scope=east)
    texts = [c.text for c in comments.comments]
    assert texts and all(t.startswith(("east", "tp_east")) for t in texts), texts
    assert comments.total == scoped_delivery.mentions
    assert not theme_comments(db, "delivery", scope=NOTHING).comments


def test_personal_data_shown_is_audited_per_item(db: Database) -> None:
    data = make_scoped_data(db)
    agent = Reader(_scope(data, "east"), personal_data=True, user_id=None, label="agent@x")
    analyst = Reader(_scope(data, "east"), personal_data=False, label="analyst@x")
    shown = get_response(db, data.responses["tp_east"], reader=agent)
    assert PHONE in shown["answers"]["comment"]
    masked = get_response(db, data.responses["tp_east"], reader=analyst)
    assert PHONE not in masked["answers"]["comment"]
    assert PHONE in get_feedback(db, data.feedback["east"], reader=agent)["text"]
    list_responses(db, data.survey_id, reader=agent)
    list_feedback(db, reader=analyst)
    log = audit_log(db, action="personal_data.view")
    seen = sorted((e.subject_kind, e.subject_id, e.actor) for e in log.items)
    east_response = str(data.responses["tp_east"])
    assert seen == [
        ("feedback", str(data.feedback["east"]), "agent@x"),
        ("response", east_response, "agent@x"),
        ("response", east_response, "agent@x"),
    ]


def test_a_customer_is_seen_through_their_departments(db: Database) -> None:
    from manyi.domain.enums import Role
    from manyi.ingestion.feedback import FeedbackIn
    from manyi.ingestion.pipeline import FeedbackBatch, record
    from manyi.privacy.customers import customer_view

    data = make_scoped_data(db)
    record(db, FeedbackBatch([FeedbackIn(text="好", customer="C-east", department="east")]))
    east = Reader(_scope(data, "east"), personal_data=True, label="agent@x")
    assert customer_view(db, "C-east", Role.AGENT, reader=east)["external_id"] == "C-east"
    for scope in (_scope(data, "west"), NOTHING):
        with pytest.raises(NotFound, match="no customer 'C-east'"):
            customer_view(db, "C-east", Role.AGENT, reader=Reader(scope))
    assert customer_view(db, "C-east", Role.ADMIN)["external_id"] == "C-east"
