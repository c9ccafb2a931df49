"""The reports' closed-loop section (issue #12 points 3 and 5, the periodic review): every
number of :func:`report_loop` equals a count made here on the stored cases, for the
company and for a department, whose report counts its subtree's cases only."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from statistics import median

import pytest
from sqlalchemy import select

from manyi.reporting.reports.model import CaseSummary, ShareLine
from manyi.storage.database import Database
from manyi.storage.tables import CaseRow
from manyi.workflow.report_loop import report_loop, report_loop_provider
from workflow.report_loop_data import END, NOW, START, LoopWorld, make_loop_cases


@pytest.fixture
def loop(db: Database) -> LoopWorld:
    return make_loop_cases(db)


def _rows(db: Database) -> list[CaseRow]:
    with db.session() as s:
        rows = list(s.scalars(select(CaseRow)))
        s.expunge_all()
    return [r for r in rows if r.merged_into_id is None]


def _share(hits: int, n: int) -> ShareLine:
    return ShareLine(hits, n, hits / n if n >= 10 else None)


def _expected(rows: list[CaseRow], departments: set[int] | None) -> dict[str, object]:
    """The section's numbers counted directly on the stored cases."""
    mine = [r for r in rows if departments is None or r.department_id in departments]
    opened = [r for r in mine if START <= r.opened_at < END]

    def finished(r: CaseRow) -> datetime | None:
        return r.resolved_at or r.closed_at

    closed = [r for r in mine if (f := finished(r)) is not None and START <= f < END]
    backlog = [r for r in mine if r.opened_at < END and (finished(r) or END) >= END]
    ages = Counter()
    for r in backlog:
        days = (END - r.opened_at).total_seconds() / 86400
        ages[next((b for e, b in ((1, "<1d"), (3, "1-3d"), (7, "3-7d"), (30, "7-30d"))
                   if days < e), "30d+")] += 1  # fmt: skip
    timed_first = [r for r in opened if r.first_responded_at is not None]
    timed_resolved = [r for r in opened if r.resolved_at is not None]
    overdue = [
        r for r in backlog
        if (r.resolution_due_at is not None and r.resolution_due_at < END)
        or (r.first_response_due_at < END
            and (r.first_responded_at is None or r.first_responded_at > END))
    ]  # fmt: skip
    hours = [(r.first_responded_at - r.opened_at).total_seconds() / 3600 for r in timed_first]
    causes = Counter(r.root_cause_code for r in closed if r.root_cause_code)
    return {
        "opened": len(opened),
        "closed": len(closed),
        "backlog": len(backlog),
        "overdue": len(overdue),
        "ages": {k: ages.get(k, 0) for k in ("<1d", "1-3d", "3-7d", "7-30d", "30d+")},
        "first": _share(
            sum(1 for r in timed_first if r.first_responded_at <= r.first_response_due_at),
            len(timed_first),
        ),
        "resolution": _share(
            sum(1 for r in timed_resolved if r.resolved_at <= r.resolution_due_at),
            len(timed_resolved),
        ),
        "reopen": _share(sum(1 for r in timed_resolved if r.reopen_count), len(timed_resolved)),
        "repeat": _share(sum(1 for r in opened if r.repeat_of_id is not None), len(opened)),
        "median": median(hours) if len(hours) >= 10 else None,
        "causes": causes,
    }


def _check(summary: CaseSummary, want: dict[str, object]) -> None:
    assert summary.opened == want["opened"]
    assert summary.closed == want["closed"]
    assert summary.backlog == want["backlog"]
    assert summary.overdue == want["overdue"]
    assert dict(summary.backlog_ageing) == want["ages"]
    assert summary.first_response_sla == want["first"]
    assert summary.resolution_sla == want["resolution"]
    assert summary.reopen == want["reopen"]
    assert summary.repeat == want["repeat"]
    assert summary.first_response_median_h == pytest.approx(want["median"])
    causes = want["causes"]
    assert isinstance(causes, Counter)
    assert {c.code: c.count for c in summary.root_causes} == dict(causes.most_common(5))
    assert [c.count for c in summary.root_causes] == sorted(causes.values(), reverse=True)[:5]


def test_the_company_summary_counts_every_stored_case(db: Database, loop: LoopWorld) -> None:
    summary = report_loop(db, None, START, END, now=NOW)
    want = _expected(_rows(db), None)
    _check(summary, want)
    # The data has something in each number, so the checks above are not 0 == 0.
    assert summary.opened > 20 and summary.closed > 10 and summary.backlog > 5
    assert summary.overdue > 0 and summary.root_causes
    assert summary.resolution_sla.share is not None and summary.resolution_sla.hits > 0
    assert summary.repeat.hits > 0 and summary.reopen.hits > 0
    assert not summary.no_cases


def test_a_department_counts_only_its_subtree(db: Database, loop: LoopWorld) -> None:
    world = loop.world
    rows = _rows(db)
    log = report_loop(db, world.logistics, START, END, now=NOW)
    _check(log, _expected(rows, {world.logistics, loop.sub}))
    north = report_loop(db, loop.sub, START, END, now=NOW)
    _check(north, _expected(rows, {loop.sub}))
    care = report_loop(db, world.care, START, END, now=NOW)
    _check(care, _expected(rows, {world.care}))
    company = report_loop(db, None, START, END, now=NOW)
    # Cases without a department are the company's only: the departments add up to less.
    assert log.opened + care.opened < company.opened
    assert north.opened < log.opened


def test_plans_in_progress_and_done_in_the_period(db: Database, loop: LoopWorld) -> None:
    log = report_loop(db, loop.world.logistics, START, END, now=NOW)
    # LOG's subtree: 缩短配送时间 and 北区加派司机 in progress; 北区旧计划 done in November;
    # 早已完成 was done in October, 十二月才开始 started after the period, 已取消 cancelled.
    assert (log.plans_active, log.plans_done) == (2, 1)
    assert [p.title for p in log.plans] == ["缩短配送时间", "北区加派司机", "北区旧计划"]
    first = log.plans[0]
    assert first.status == "active" and first.overdue  # due 14 November
    assert first.metric_kind == "negative_share" and first.target_value == 20.0
    assert first.verdict is None, "no change date: the effect is not measured yet"
    north = report_loop(db, loop.sub, START, END, now=NOW)
    assert [p.title for p in north.plans] == ["北区加派司机", "北区旧计划"]
    company = report_loop(db, None, START, END, now=NOW)
    assert (company.plans_active, company.plans_done) == (3, 1)


def test_a_period_without_cases_says_so(db: Database, loop: LoopWorld) -> None:
    summary = report_loop(db, loop.world.care, datetime(2025, 1, 1), datetime(2025, 2, 1))
    assert summary.no_cases and summary.opened == summary.closed == summary.backlog == 0
    assert summary.first_response_sla == ShareLine(0, 0, None)


def test_the_provider_is_the_function(db: Database, loop: LoopWorld) -> None:
    provide = report_loop_provider(db)
    assert provide(loop.sub, START, END, NOW) == report_loop(db, loop.sub, START, END, now=NOW)
    # A period still running: the backlog is that of now, not of the period's end.
    running = provide(None, datetime(2026, 12, 1), datetime(2027, 1, 1), NOW)
    rows = [r for r in _rows(db) if r.opened_at < NOW]
    assert running.backlog == sum(1 for r in rows if (r.resolved_at or r.closed_at or NOW) >= NOW)
