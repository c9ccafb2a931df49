from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from manyi.demo.load import load_demo
from manyi.reporting.home import survey_overview
from manyi.storage.database import Database
from manyi.storage.tables import AnswerRow, FeedbackItemRow, ResponseRow


def test_demo_loads_through_intake_and_is_idempotent(db: Database) -> None:
    first = load_demo(db, n_responses=400, n_feedback=150, end=date(2026, 11, 15))
    assert first.responses == 400
    assert first.feedback_items == 150
    assert first.admin_created
    assert set(first.surveys) == {"nps", "csat", "servqual", "kano"}
    again = load_demo(db, n_responses=400, n_feedback=150, end=date(2026, 11, 15))
    assert (again.responses, again.feedback_items, again.admin_created) == (400, 150, False)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ResponseRow)) == 400
        assert s.scalar(select(func.count()).select_from(FeedbackItemRow)) == 150
        assert (s.scalar(select(func.count()).select_from(AnswerRow)) or 0) > 400 * 5
    overview = {o.code: o for o in survey_overview(db, now=datetime(2026, 11, 15, 23, 0))}
    nps = overview["demo-nps"].nps
    assert nps is not None
    assert -100 <= nps.score <= 100
    assert nps.ci_low < nps.score < nps.ci_high
