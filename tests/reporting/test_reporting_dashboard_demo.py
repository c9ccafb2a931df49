"""On the demo data set, the delivery incident (demo/timeline.py: a partner fails 22 weeks
before the end, recovery after six weeks) is a marked drop in the monthly NPS trend of
the overview dashboard, and no month outside the incident is a marked drop."""

from __future__ import annotations

from datetime import date

from manyi.demo.load import load_demo
from manyi.demo.timeline import demo_window
from manyi.reporting.dashboard import build_overview, parse_filters
from manyi.storage.database import Database

END = date(2026, 11, 15)


def test_the_demo_incident_is_a_marked_drop_in_monthly_nps(sqlite_db: Database) -> None:
    load_demo(sqlite_db, n_responses=12_000, n_feedback=1, end=END)
    window = demo_window(END)
    filters = parse_filters(
        {"from": ["2025-12-01"], "to": [END.isoformat()], "granularity": ["month"]}, today=END
    )
    trend = build_overview(sqlite_db, filters).trend("nps")
    assert trend is not None and trend.chart == "xbar"
    drops = [p for p in trend.points if p.drop]
    assert drops, [(p.label, p.value, p.lcl) for p in trend.points]
    # every marked drop lies in a month the incident touches
    for p in drops:
        assert p.end >= window.incident_start and p.start < window.incident_end, p.label
    worst = min((p for p in trend.points if p.value is not None), key=lambda p: p.value or 0)
    assert worst in drops
