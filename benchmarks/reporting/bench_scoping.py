"""What department scoping costs on the read side: the same reads unscoped (an
administrator) and scoped to one department, on the demo data set.

Usage:  .venv/bin/python benchmarks/reporting/bench_scoping.py [--db sqlite:///demo.db]
        [--department INS] [--repeat 15]

Without ``--db`` the demo (20,000 responses, 10,000 feedback items) is loaded into a fresh
SQLite file through the intake pipeline and enriched by the real text enrichment; with
``--db`` an existing demo database is used (enriched if it is not yet). The window ends on
the demo's last day. On a warm database it times, unscoped and scoped:

- ``home_page``: the survey overview (counts, NPS, CSAT) and the themes panel;
- ``theme_comments``: the first page of the comments of the most mentioned aspect;
- ``list_responses``: the first page (100) of the department's biggest survey.

A restricted scope adds one semi-join per query (responses through their touchpoints,
answers and mentions through their responses); the unscoped query is unchanged.
Figures go to docs/permissions.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from manyi.demo.load import load_demo
from manyi.demo.timeline import demo_window
from manyi.domain.scope import EVERYTHING, DepartmentScope, Reader
from manyi.enrichment.service import enrich_pending
from manyi.reporting.home import home_page
from manyi.reporting.listing import list_responses
from manyi.reporting.themes import theme_comments
from manyi.storage.database import Database
from manyi.storage.migrate import upgrade
from manyi.storage.organisation import department_ids


def _times(read: Callable[[], object], repeat: int) -> tuple[float, float]:
    read()  # warm
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        read()
        runs.append((time.perf_counter() - start) * 1000)
    runs.sort()
    return statistics.median(runs), runs[round(0.95 * (repeat - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing demo database URL")
    parser.add_argument("--department", default="INS")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'demo.db'}"
    db = Database(url)
    upgrade(db)
    if not args.db:
        load_demo(db, seed=42)
    enrich_pending(db)
    with db.session() as s:
        scoped = DepartmentScope(frozenset({department_ids(s)[args.department]}))
    now = datetime.combine(demo_window().end, datetime.min.time()) + timedelta(days=1)
    # the survey with the most responses in the department: both sides list a full page
    surveys = home_page(db, now=now, scope=scoped).surveys
    biggest = max(surveys, key=lambda o: o.responses).id
    aspect = home_page(db, now=now).themes.aspects[0].code
    print(f"{url}; survey {biggest}, aspect {aspect}, department {args.department}")
    for name, scope in (("unscoped", EVERYTHING), (args.department, scoped)):
        reader = Reader(scope)
        page = home_page(db, now=now, scope=scope)
        n = next(o.responses for o in page.surveys if o.id == biggest)
        line = [f"{name:9s} responses {n:5d}"]
        for label, read in (
            ("home_page", lambda s=scope: home_page(db, now=now, scope=s)),
            ("theme_comments", lambda s=scope: theme_comments(db, aspect, now=now, scope=s)),
            ("list_responses", lambda r=reader: list_responses(db, biggest, reader=r)),
        ):
            p50, p95 = _times(read, args.repeat)
            line.append(f"{label} p50 {p50:.1f} ms p95 {p95:.1f} ms")
        print(" | ".join(line))


if __name__ == "__main__":
    main()
