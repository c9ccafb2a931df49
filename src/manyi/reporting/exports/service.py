"""Exporting a survey's responses as CSV, XLSX or SPSS .sav, in pages of bounded size.

One row per response and one column per response field and question item
(:mod:`manyi.reporting.exports.variables`). Responses are read in keyset pages
(:mod:`manyi.storage.exports`) and each page is written before the next is read: CSV and
XLSX exports hold one page in memory whatever the survey's size; a .sav export holds its
columns packed until pyreadstat writes them (:mod:`manyi.reporting.exports.sav_file`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from manyi.domain.scope import SYSTEM, DepartmentScope, Reader
from manyi.domain.survey import SurveyDefinition
from manyi.errors import InvalidInput
from manyi.reporting.exports.csv_file import BOM, CsvExport, csv_chunks
from manyi.reporting.exports.sav_file import SavExport, check_sav_rows
from manyi.reporting.exports.variables import Cell, Layout, Variable, build_layout
from manyi.reporting.exports.xlsx_file import XlsxExport, check_xlsx_rows
from manyi.storage.audit import add_audit_entry
from manyi.storage.database import Database
from manyi.storage.exports import (
    ExportSelection,
    count_export_rows,
    export_ceiling,
    export_records,
    survey_definitions,
)
from manyi.storage.surveys import current_survey
from manyi.storage.types import as_utc_naive

#: Responses read and written at a time: memory of CSV and XLSX exports is about one page.
PAGE_SIZE = 1000
LANGUAGES = ("zh-CN", "en")

Progress = Callable[[int, int], None]


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    SAV = "sav"


MEDIA_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.SAV: "application/x-spss-sav",
}


@dataclass(frozen=True)
class ExportFilters:
    """Which responses go in: submitted in [since, until) (UTC), through a channel, at a
    touchpoint, answered in a language; responses with a quality flag that nobody
    reviewed, and responses an analyst excluded, only if asked."""

    since: datetime | None = None
    until: datetime | None = None
    channel: str | None = None
    touchpoint: str | None = None
    language: str | None = None
    include_flagged: bool = False
    include_excluded: bool = False


@dataclass(frozen=True)
class ExportRequest:
    """One export: ``language`` is the language of labels (question texts, value labels);
    ``personal_data`` adds the customer's external id and the unredacted open answers
    (only for roles allowed to see personal data: see manyi.domain.privacy)."""

    survey_id: int
    format: ExportFormat
    language: str = "zh-CN"
    filters: ExportFilters = field(default_factory=ExportFilters)
    personal_data: bool = False
    #: The departments whose responses the requester sees (``DepartmentScope``'s ids,
    #: sorted; None: all): a department head exports their subtree only.
    departments: tuple[int, ...] | None = None

    @property
    def scope(self) -> DepartmentScope:
        return DepartmentScope(None if self.departments is None else frozenset(self.departments))


@dataclass(frozen=True)
class ExportPlan:
    """What an export will write: its columns, which responses, and how many."""

    request: ExportRequest
    layout: Layout
    selection: ExportSelection
    ceiling: int
    total: int
    title: str

    @property
    def variables(self) -> list[Variable]:
        return self.layout.variables


class _RowWriter(Protocol):
    def write_rows(self, rows: list[list[Cell]]) -> None: ...


def check_request(request: ExportRequest) -> None:
    if request.language not in LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}")
    f = request.filters
    if (
        f.since is not None
        and f.until is not None
        and as_utc_naive(f.since) >= as_utc_naive(f.until)
    ):
        raise InvalidInput("the period is empty: 'since' must come before 'until'")


#: The audit log's action for an export that holds personal data.
PERSONAL_DATA_EXPORT = "personal_data.export"


def audit_export(db: Database, plan: ExportPlan, reader: Reader = SYSTEM) -> None:
    """Record in the audit log who exported personal data (customer ids and unredacted
    answers), of which survey, how many responses, in what format; nothing for an export
    without personal data."""
    request = plan.request
    if not request.personal_data:
        return
    with db.session() as s:
        add_audit_entry(
            s,
            action=PERSONAL_DATA_EXPORT,
            subject_kind="survey",
            subject_id=request.survey_id,
            detail={
                "format": request.format.value,
                "rows": plan.total,
                "departments": list(request.departments)
                if request.departments is not None
                else None,
            },
            actor=reader.label,
            actor_user_id=reader.user_id,
        )


def plan_export(db: Database, request: ExportRequest) -> ExportPlan:
    """Check the request and count the responses it selects (NotFound for no survey)."""
    check_request(request)
    f = request.filters
    selection = ExportSelection(
        survey_id=request.survey_id,
        # stored times are naive UTC; a time with an offset is converted, not misread
        since=as_utc_naive(f.since) if f.since is not None else None,
        until=as_utc_naive(f.until) if f.until is not None else None,
        channel=f.channel,
        touchpoint=f.touchpoint,
        language=f.language,
        include_flagged=f.include_flagged,
        include_excluded=f.include_excluded,
        scope=request.scope,
    )
    with db.session() as s:
        survey = current_survey(s, request.survey_id)
        versions = survey_definitions(s, request.survey_id)
        ceiling = export_ceiling(s, request.survey_id)
        total = count_export_rows(s, selection, ceiling)
    definitions = [SurveyDefinition.model_validate(d) for _, d in versions]
    title = SurveyDefinition.model_validate(survey.definition).title.get(request.language)
    layout = build_layout(definitions, request.language, personal_data=request.personal_data)
    return ExportPlan(request, layout, selection, ceiling, total, title)


def _pages(db: Database, plan: ExportPlan, page_size: int) -> Iterator[list[list[Cell]]]:
    for records in export_records(
        db.session,
        plan.selection,
        ceiling=plan.ceiling,
        page_size=page_size,
        personal_data=plan.request.personal_data,
    ):
        yield [plan.layout.row(r) for r in records]


def write_export(
    db: Database,
    plan: ExportPlan,
    path: Path,
    *,
    progress: Progress | None = None,
    sav_max_rows: int = 1_000_000,
    page_size: int = PAGE_SIZE,
) -> int:
    """Write the planned export to ``path``; returns the rows written. ``progress(done,
    total)`` is called after each page. InvalidInput when the format cannot hold the rows."""
    fmt = plan.request.format
    if fmt == ExportFormat.XLSX:
        check_xlsx_rows(plan.total)
    elif fmt == ExportFormat.SAV:
        check_sav_rows(plan.total, sav_max_rows)
    done = 0
    if progress is not None:
        progress(0, plan.total)
    if fmt == ExportFormat.CSV:
        with path.open("w", encoding="utf-8", newline="") as stream:
            stream.write(BOM)
            csv_writer = CsvExport(stream, plan.variables)
            for rows in _pages(db, plan, page_size):
                csv_writer.write_rows(rows)
                done += len(rows)
                if progress is not None:
                    progress(done, plan.total)
        return done
    writer: XlsxExport | SavExport = (
        XlsxExport(path, plan.variables, title=plan.title)
        if fmt == ExportFormat.XLSX
        else SavExport(path, plan.variables, title=plan.title)
    )
    for rows in _pages(db, plan, page_size):
        writer.write_rows(rows)
        done += len(rows)
        if progress is not None:
            progress(done, plan.total)
    writer.close()
    return done


def stream_csv(db: Database, plan: ExportPlan, *, page_size: int = PAGE_SIZE) -> Iterator[bytes]:
    """The planned export as CSV bytes, page by page (for a streamed HTTP answer)."""
    return csv_chunks(plan.variables, _pages(db, plan, page_size))


def file_name(plan: ExportPlan) -> str:
    """The download name: ``survey-<id>-responses.<format>``."""
    return f"survey-{plan.request.survey_id}-responses.{plan.request.format.value}"


@dataclass(frozen=True)
class DirectExport:
    """An export answered in the request: CSV as streamed ``chunks``, XLSX and SAV as a
    written ``path`` (in a folder of its own, which the caller removes when sent)."""

    name: str
    media_type: str
    rows: int
    chunks: Iterator[bytes] | None = None
    path: Path | None = None


def direct_export(
    db: Database,
    request: ExportRequest,
    folder: Path,
    *,
    max_rows: int,
    sav_max_rows: int = 1_000_000,
    reader: Reader = SYSTEM,
) -> DirectExport:
    """A small export for an HTTP answer: InvalidInput when it holds more than
    ``max_rows`` responses (those are background jobs). CSV streams page by page; XLSX
    and SAV are written into ``folder`` first. An export with personal data is audited
    as ``reader``'s."""
    plan = plan_export(db, request)
    if plan.total > max_rows:
        raise InvalidInput(
            f"this export has {plan.total:,} responses, more than are answered at once "
            f"({max_rows:,}, MANYI_EXPORT_DIRECT_MAX_ROWS); start an export job with "
            f"POST /api/v1/surveys/{request.survey_id}/exports"
        )
    audit_export(db, plan, reader)
    name, media_type = file_name(plan), MEDIA_TYPES[request.format]
    if request.format == ExportFormat.CSV:
        return DirectExport(name, media_type, plan.total, chunks=stream_csv(db, plan))
    path = folder / name
    rows = write_export(db, plan, path, sav_max_rows=sav_max_rows)
    return DirectExport(name, media_type, rows, path=path)
