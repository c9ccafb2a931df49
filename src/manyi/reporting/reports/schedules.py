"""Report schedules: who gets which report when, and the job that sends them.

A schedule names the company or one department, weekly or monthly, the full report or
the one-page executive summary, a language and a list of addresses. It is due when its
period ends (Monday 00:00 or the 1st, 00:00 UTC): :func:`send_due_reports` (the
``report-schedule`` job) then renders the report of the period that just ended and hands
it to ``deliver`` (the job wires that to ``manyi.surveys.email.send_file_email``).

Sent once per period: the due schedule is moved on by a conditional UPDATE on its old
``next_run_at`` and the (schedule, period) run is claimed by a unique INSERT, both in one
transaction, so of two workers one sends. A job that was down for weeks sends the latest
period only (a stale backlog helps nobody). A failed send is tried again at the next
runs, up to :data:`MAX_ATTEMPTS` in all; its error is kept on the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from manyi.domain.contact import normalise_email
from manyi.domain.scope import EVERYTHING, DepartmentScope
from manyi.errors import ChannelError, InvalidInput, NotAllowed, NotFound
from manyi.i18n import LANGUAGES
from manyi.reporting.reports.build import (
    KINDS,
    ReportRequest,
    ReportTarget,
    render_report,
    report_target,
)
from manyi.reporting.reports.model import CaseSummaryProvider
from manyi.reporting.reports.periods import (
    FREQUENCIES,
    Frequency,
    ReportPeriod,
    last_complete_period,
    period_containing,
)
from manyi.reporting.reports.texts import mail_texts
from manyi.storage.audit import add_audit_entry
from manyi.storage.database import Database
from manyi.storage.reports import (
    add_schedule,
    advance_schedule,
    claim_run,
    department_rows,
    due_schedule_ids,
    failed_runs,
    finish_run,
    run_row,
    run_rows,
    schedule_row,
    schedule_rows,
    set_schedule_active,
)
from manyi.storage.tables import ReportRunRow, ReportScheduleRow
from manyi.storage.types import as_utc_naive, utcnow

log = logging.getLogger("manyi.reports")

MAX_ATTEMPTS = 3
MAX_RECIPIENTS = 50


@dataclass(frozen=True)
class ScheduleIn:
    """A new schedule. ``department``: a department code, or None for the company."""

    department: str | None
    frequency: str
    language: str
    recipients: list[str]
    kind: str = "report"


@dataclass(frozen=True)
class ReportSchedule:
    id: int
    target: ReportTarget
    frequency: str
    kind: str
    language: str
    recipients: list[str]
    next_run_at: datetime
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class ReportRun:
    id: int
    schedule_id: int
    period_start: datetime
    period_end: datetime
    status: str
    attempts: int
    error: str | None
    sent_at: datetime | None
    kept: bool

    @property
    def last_day(self) -> date:
        return (self.period_end - timedelta(days=1)).date()


@dataclass(frozen=True)
class ReportMail:
    """A rendered report on its way to its recipients."""

    to: list[str]
    subject: str
    text: str
    pdf: bytes
    filename: str
    language: str


Deliver = Callable[[ReportMail], object]


@dataclass(frozen=True)
class ScheduleRun:
    """What one pass of the job did."""

    sent: int = 0
    failed: int = 0


def _recipients(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        if not value.strip():
            continue
        try:
            address = normalise_email(value)
        except ValueError as error:
            raise InvalidInput(str(error)) from None
        if address not in out:
            out.append(address)
    if not out:
        raise InvalidInput("a report schedule needs at least one recipient e-mail address")
    if len(out) > MAX_RECIPIENTS:
        raise InvalidInput(f"a report schedule has at most {MAX_RECIPIENTS} recipients")
    return out


def create_schedule(
    db: Database,
    data: ScheduleIn,
    *,
    scope: DepartmentScope,
    user_id: int | None,
    actor: str,
    now: datetime | None = None,
) -> ReportSchedule:
    """Store a schedule; its first report is due when the current period ends.

    InvalidInput for a bad frequency, kind, language or address; NotFound for a department
    the user does not see (or that does not exist); NotAllowed for a company report by a
    user who sees only some departments."""
    if data.frequency not in FREQUENCIES:
        raise InvalidInput(f"a report schedule is weekly or monthly, not {data.frequency!r}")
    if data.kind not in KINDS:
        raise InvalidInput(f"a scheduled report is one of {', '.join(KINDS)}, not {data.kind!r}")
    if data.language not in LANGUAGES:
        raise InvalidInput(f"a report is in zh-CN or en, not {data.language!r}")
    recipients = _recipients(data.recipients)
    at = as_utc_naive(now) if now else utcnow()
    target = report_target(db, data.department, scope)
    frequency: Frequency = "weekly" if data.frequency == "weekly" else "monthly"
    with db.session() as s:
        row = add_schedule(
            s,
            scope="department" if target.department_id is not None else "company",
            department_id=target.department_id,
            frequency=frequency,
            kind=data.kind,
            language=data.language,
            recipients=recipients,
            next_run_at=period_containing(frequency, at).end,
            active=True,
            created_by=user_id,
            created_at=at,
            updated_at=at,
        )
        add_audit_entry(
            s,
            action="report-schedule-created",
            subject_kind="report_schedule",
            subject_id=row.id,
            detail={
                "department": target.code,
                "frequency": frequency,
                "kind": data.kind,
                "recipients": len(recipients),
            },
            actor=actor,
            actor_user_id=user_id,
            at=at,
        )
        return _schedule(row, target)


def list_schedules(db: Database, scope: DepartmentScope) -> list[ReportSchedule]:
    """The schedules the user sees: all of them, or those of their departments."""
    with db.session() as s:
        rows = schedule_rows(s, scope.department_ids)
        names = {d.id: d for d in department_rows(s)}
        return [_schedule(r, ReportTarget.of(names.get(r.department_id or 0))) for r in rows]


def set_schedule_paused(
    db: Database,
    schedule_id: int,
    paused: bool,
    *,
    scope: DepartmentScope,
    user_id: int | None,
    actor: str,
    now: datetime | None = None,
) -> None:
    """Pause (no more sends) or resume a schedule; NotFound when the user does not see it."""
    at = as_utc_naive(now) if now else utcnow()
    with db.session() as s:
        row = schedule_row(s, schedule_id)
        if row is None or not _visible(row, scope):
            raise NotFound(f"no report schedule with id {schedule_id}")
        if not paused and row.next_run_at <= at:
            # Resumed after its time: the next report is that of the period now running.
            row.next_run_at = period_containing(_frequency(row.frequency), at).end
        set_schedule_active(s, schedule_id, not paused, at)
        add_audit_entry(
            s,
            action="report-schedule-paused" if paused else "report-schedule-resumed",
            subject_kind="report_schedule",
            subject_id=schedule_id,
            actor=actor,
            actor_user_id=user_id,
            at=at,
        )


def list_runs(db: Database, scope: DepartmentScope, *, limit: int = 30) -> list[ReportRun]:
    with db.session() as s:
        ids = None
        if scope.department_ids is not None:
            ids = [r.id for r in schedule_rows(s, scope.department_ids)]
        return [_run(r) for r in run_rows(s, ids, limit=limit)]


def run_file(db: Database, reports_dir: Path, run_id: int, scope: DepartmentScope) -> Path:
    """The kept PDF of a run; NotFound when the run is not the user's to see or its file
    was not kept."""
    with db.session() as s:
        run = run_row(s, run_id)
        schedule = schedule_row(s, run.schedule_id) if run else None
        if run is None or schedule is None or not _visible(schedule, scope) or not run.file_name:
            raise NotFound(f"no kept report file for run {run_id}")
        name = run.file_name
    path = reports_dir / name
    if not path.is_file():
        raise NotFound(f"the report file of run {run_id} is no longer kept")
    return path


def send_due_reports(
    db: Database,
    *,
    deliver: Deliver,
    reports_dir: Path | None = None,
    now: datetime | None = None,
    cases: CaseSummaryProvider | None = None,
) -> ScheduleRun:
    """Render and deliver every report that is due at ``now`` (and retry failed ones).

    ``reports_dir``: keep each sent PDF there as ``run-<id>.pdf`` (None: keep nothing);
    ``cases``: the closed loop's summary for the reports (None: no closed-loop section).
    """
    at = as_utc_naive(now) if now else utcnow()
    sent = failed = 0
    claims: list[tuple[int, int, ReportPeriod]] = []
    with db.session() as s:
        # Failed runs first, so a run that fails in this pass waits for the next one.
        for schedule_id, start in failed_runs(s, MAX_ATTEMPTS):
            row = schedule_row(s, schedule_id)
            if row is None:
                continue
            period = period_containing(_frequency(row.frequency), start)
            run_id = claim_run(
                s, schedule_id, period.start, period.end, at, max_attempts=MAX_ATTEMPTS
            )
            if run_id is not None:
                claims.append((run_id, schedule_id, period))
    for schedule_id in _due(db, at):
        with db.session() as s:
            row = schedule_row(s, schedule_id)
            if row is None or not row.active:
                continue
            frequency = _frequency(row.frequency)
            period = last_complete_period(frequency, at)
            following = period_containing(frequency, at).end
            if not advance_schedule(s, schedule_id, row.next_run_at, following):
                continue  # another worker moved it on: that one sends
            run_id = claim_run(s, schedule_id, period.start, period.end, at, max_attempts=1)
        if run_id is not None:
            claims.append((run_id, schedule_id, period))
    for run_id, schedule_id, period in claims:
        if _send_run(db, run_id, schedule_id, period, deliver, reports_dir, at, cases):
            sent += 1
        else:
            failed += 1
    return ScheduleRun(sent, failed)


def _due(db: Database, at: datetime) -> list[int]:
    with db.session() as s:
        return due_schedule_ids(s, at)


def _send_run(
    db: Database,
    run_id: int,
    schedule_id: int,
    period: ReportPeriod,
    deliver: Deliver,
    reports_dir: Path | None,
    at: datetime,
    cases: CaseSummaryProvider | None = None,
) -> bool:
    with db.session() as s:
        row = schedule_row(s, schedule_id)
        if row is None:
            return False
        department_code = None
        if row.department_id is not None:
            names = department_rows(s, [row.department_id])
            department_code = names[0].code if names else None
        request = ReportRequest(
            department=department_code,
            period=period,
            language=row.language,
            kind=row.kind,
        )
        recipients = list(row.recipients)
    try:
        # The job sees every department: the schedule's creator was checked when it was made.
        report = render_report(db, request, scope=EVERYTHING, now=at, cases=cases)
        subject, text = mail_texts(report)
        deliver(ReportMail(recipients, subject, text, report.pdf, report.filename, row.language))
    except (ChannelError, InvalidInput, NotFound, NotAllowed) as error:
        _finish(db, run_id, status="failed", error=error.message[:1000])
        log.warning("report run %d (schedule %d) failed: %s", run_id, schedule_id, error.message)
        return False
    except Exception as error:  # a broken render must not stop the other schedules
        log.exception("report run %d (schedule %d) failed", run_id, schedule_id)
        _finish(db, run_id, status="failed", error=f"{type(error).__name__}: {error}"[:1000])
        return False
    file_name = None
    if reports_dir is not None:
        reports_dir.mkdir(parents=True, exist_ok=True)
        file_name = f"run-{run_id}.pdf"
        (reports_dir / file_name).write_bytes(report.pdf)
    _finish(
        db,
        run_id,
        status="sent",
        error=None,
        sent_at=utcnow(),
        file_name=file_name,
        size_bytes=len(report.pdf),
    )
    return True


def _finish(db: Database, run_id: int, **values: object) -> None:
    with db.session() as s:
        finish_run(s, run_id, **values)


def _frequency(value: str) -> Frequency:
    return "weekly" if value == "weekly" else "monthly"


def _visible(row: ReportScheduleRow, scope: DepartmentScope) -> bool:
    return scope.allows(row.department_id) if row.department_id is not None else scope.unrestricted


def _schedule(row: ReportScheduleRow, target: ReportTarget) -> ReportSchedule:
    return ReportSchedule(
        id=row.id,
        target=target,
        frequency=row.frequency,
        kind=row.kind,
        language=row.language,
        recipients=list(row.recipients),
        next_run_at=row.next_run_at,
        active=row.active,
        created_at=row.created_at,
    )


def _run(row: ReportRunRow) -> ReportRun:
    return ReportRun(
        id=row.id,
        schedule_id=row.schedule_id,
        period_start=row.period_start,
        period_end=row.period_end,
        status=row.status,
        attempts=row.attempts,
        error=row.error,
        sent_at=row.sent_at,
        kept=row.file_name is not None,
    )
