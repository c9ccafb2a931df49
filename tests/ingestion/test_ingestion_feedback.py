from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factories import make_reference_data
from manyi.errors import InvalidInput
from manyi.ingestion.feedback import FeedbackIn, record_feedback
from manyi.storage.database import Database
from manyi.storage.tables import FeedbackItemRow


def _count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(FeedbackItemRow)) or 0)


def test_batch_is_atomic_and_errors_name_the_item(db: Database) -> None:
    make_reference_data(db)
    items = [
        FeedbackIn(text="送货太慢了", kind="complaint", department="care"),
        FeedbackIn(text="  ", kind="complaint"),
        FeedbackIn(text="ok", kind="rumour", department="nowhere"),
    ]
    with pytest.raises(InvalidInput) as info:
        record_feedback(db, items)
    locs = {tuple(e.loc) for e in info.value.errors}
    assert locs == {("items", 1, "text"), ("items", 2, "kind"), ("items", 2, "department")}
    assert _count(db) == 0


def test_idempotent_batch_and_duplicates(db: Database) -> None:
    make_reference_data(db)
    items = [
        FeedbackIn(text="客服电话打不通", kind="complaint", customer="C1"),
        FeedbackIn(text="Great installer!", kind="praise"),
    ]
    first = record_feedback(db, items, idempotency_key="batch-1")
    again = record_feedback(db, items, idempotency_key="batch-1")
    assert [r.id for r in first] == [r.id for r in again]
    assert all(r.created for r in first) and not any(r.created for r in again)
    third = record_feedback(db, items[:1])
    assert third[0].created and third[0].is_duplicate
    assert _count(db) == 3


def test_external_id_dedupes_per_source(db: Database) -> None:
    item = FeedbackIn(text="退款一直没到账", kind="complaint", external_id="T-100")
    a = record_feedback(db, [item])
    b = record_feedback(db, [item])
    assert a[0].id == b[0].id and not b[0].created
    assert _count(db) == 1
