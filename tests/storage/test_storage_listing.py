"""Listing reads in storage: filters, newest-first order with a stable tie-break, and
paging that reports the total the filters match (not the page's length)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from manyi.errors import Conflict, NotFound
from manyi.storage.database import Database
from manyi.storage.feedback import count_feedback, feedback_page
from manyi.storage.organisation import add_department
from manyi.storage.references import codes
from manyi.storage.responses import count_responses, response_counts, response_page
from manyi.storage.surveys import (
    add_survey,
    add_survey_version,
    current_survey,
    survey_page,
    version_definition,
)
from manyi.storage.tables import FeedbackItemRow, ResponseRow

T0 = datetime(2026, 3, 1, 9, 0, 0)
DEFINITION: dict[str, Any] = {"title": {"zh-CN": "调查"}, "questions": []}


def _survey(db: Database, code: str, status: str = "active") -> int:
    with db.session() as s:
        return add_survey(s, code=code, title=code, status=status, definition=DEFINITION).id


def _responses(db: Database, survey_id: int, spec: list[tuple[int, list[str]]]) -> list[int]:
    """Store one response per (minutes after T0, quality flags); returns their ids in order."""
    with db.session() as s:
        rows = [
            ResponseRow(
                survey_id=survey_id,
                survey_version=1,
                submitted_at=T0 + timedelta(minutes=minutes),
                answers={},
                quality_flags=flags,
                source="test",
                content_hash=f"h{survey_id}-{i}",
            )
            for i, (minutes, flags) in enumerate(spec)
        ]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def test_response_page_filters_orders_and_counts(db: Database) -> None:
    sid = _survey(db, "s1")
    other = _survey(db, "s2")
    # Two responses share minute 10: the later id comes first.
    ids = _responses(db, sid, [(0, []), (10, ["speeder"]), (10, []), (20, []), (30, ["dup"])])
    _responses(db, other, [(5, [])])
    with db.session() as s:
        rows, total = response_page(s, sid, limit=2, offset=0)
        assert [r.id for r in rows] == [ids[4], ids[3]]
        assert total == 5
        rows, total = response_page(s, sid, limit=2, offset=2)
        assert [r.id for r in rows] == [ids[2], ids[1]]
        assert total == 5
        # since is inclusive, until exclusive
        rows, total = response_page(
            s,
            sid,
            since=T0 + timedelta(minutes=10),
            until=T0 + timedelta(minutes=30),
            limit=10,
            offset=0,
        )
        assert [r.id for r in rows] == [ids[3], ids[2], ids[1]]
        assert total == 3
        rows, total = response_page(s, sid, flagged=True, limit=10, offset=0)
        assert [r.id for r in rows] == [ids[4], ids[1]]
        rows, total = response_page(s, sid, flagged=False, limit=10, offset=0)
        assert [r.id for r in rows] == [ids[3], ids[2], ids[0]]
        assert total == 3
        # a page past the end is empty but still reports the total
        assert response_page(s, sid, limit=10, offset=50) == ([], 5)


def test_response_counts(db: Database) -> None:
    sid = _survey(db, "s1")
    other = _survey(db, "s2")
    empty = _survey(db, "s3")
    _responses(db, sid, [(0, []), (1, ["speeder"]), (2, ["speeder", "straightliner"])])
    _responses(db, other, [(0, [])])
    with db.session() as s:
        assert response_counts(s, survey_ids=[sid, empty]) == {sid: 3}
        assert response_counts(s, survey_ids=[]) == {}
        assert count_responses(s, source="test") == 4
        assert count_responses(s, source="test", flagged_only=True) == 2
        assert count_responses(s, source="demo") == 0


def _feedback(db: Database, items: list[dict[str, Any]]) -> list[int]:
    with db.session() as s:
        rows = [
            FeedbackItemRow(
                kind=item.get("kind", "complaint"),
                text=item["text"],
                occurred_at=T0 + timedelta(minutes=item["minutes"]),
                department_id=item.get("department_id"),
                source="test",
                external_id=str(i),
                content_hash=f"f{i}",
            )
            for i, item in enumerate(items)
        ]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def test_feedback_page_filters(db: Database) -> None:
    with db.session() as s:
        log = add_department(s, code="LOG", name_zh="物流", name_en="Logistics").id
        cs = add_department(s, code="CS", name_zh="客服", name_en="Service").id
    ids = _feedback(
        db,
        [
            {"text": "送货太慢", "minutes": 0, "department_id": log},
            {"text": "100% 满意", "minutes": 5, "kind": "praise"},
            {"text": "1000 满意", "minutes": 6, "kind": "praise"},
            {"text": "a_b 错了", "minutes": 7, "department_id": log},
            {"text": "axb 错了", "minutes": 7},
        ],
    )
    with db.session() as s:
        rows, total = feedback_page(s, limit=10, offset=0)
        assert [r.id for r in rows] == [ids[4], ids[3], ids[2], ids[1], ids[0]]
        assert total == 5
        rows, total = feedback_page(s, kind="praise", limit=1, offset=0)
        assert [r.id for r in rows] == [ids[2]]
        assert total == 2
        rows, _ = feedback_page(s, department="LOG", limit=10, offset=0)
        assert [r.id for r in rows] == [ids[3], ids[0]]
        assert feedback_page(s, department="CS", limit=10, offset=0) == ([], 0)
        # % and _ in the search text match only themselves, not "anything"
        rows, _ = feedback_page(s, q="0%", limit=10, offset=0)
        assert [r.id for r in rows] == [ids[1]]
        rows, _ = feedback_page(s, q="a_b", limit=10, offset=0)
        assert [r.id for r in rows] == [ids[3]]
        rows, _ = feedback_page(
            s, since=T0 + timedelta(minutes=5), until=T0 + timedelta(minutes=7), limit=10, offset=0
        )
        assert [r.id for r in rows] == [ids[2], ids[1]]
        assert count_feedback(s, source="test") == 5
        assert codes(s).departments == {log: "LOG", cs: "CS"}


def test_survey_page_and_versions(db: Database) -> None:
    first = _survey(db, "a", status="active")
    _survey(db, "b", status="draft")
    third = _survey(db, "c", status="active")
    with db.session() as s:
        rows, total = survey_page(s, status="active", limit=1, offset=1)
        assert [r.id for r in rows] == [third]
        assert total == 2
        rows, total = survey_page(s, status=None, limit=10, offset=0)
        assert total == 3
    with pytest.raises(Conflict, match="a survey with code 'a' already exists"):
        _survey(db, "a")
    revised = {**DEFINITION, "questions": [{"code": "nps", "kind": "nps", "text": "推荐"}]}
    with db.session() as s:
        assert add_survey_version(s, first, title="新", definition=revised) == 2
    with db.session() as s:
        current = current_survey(s, first)
        assert (current.version, current.definition, current.survey.title) == (2, revised, "新")
        assert version_definition(s, first, 1) == DEFINITION
        assert version_definition(s, first, 3) is None
        with pytest.raises(NotFound):
            add_survey_version(s, 9999, title="x", definition=DEFINITION)
