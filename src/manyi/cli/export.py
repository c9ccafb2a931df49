"""`manyi export SURVEY --format csv|xlsx|sav --out FILE`: a survey's responses as a file."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from manyi.cli.common import load_settings, open_database
from manyi.cli.errors import CommandLineError, console, reports_errors

FORMATS = ("csv", "xlsx", "sav")


def _moment(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise CommandLineError(
            f"{option} {value!r} is not a date or time (2026-03-01 or 2026-03-01T08:00)"
        ) from None


@reports_errors
def export_command(
    survey: Annotated[str, typer.Argument(help="survey id or code")],
    out: Annotated[Path, typer.Option("--out", "-o", dir_okay=False, help="the file to write")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="csv, xlsx or sav (default: from --out's suffix)"),
    ] = None,
    language: Annotated[str, typer.Option(help="language of the labels: zh-CN or en")] = "zh-CN",
    since: Annotated[
        str | None, typer.Option(help="only responses submitted at or after (UTC, ISO 8601)")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="only responses submitted before (UTC, ISO 8601)")
    ] = None,
    channel: Annotated[str | None, typer.Option(help="only this channel (code)")] = None,
    touchpoint: Annotated[str | None, typer.Option(help="only this touchpoint (code)")] = None,
    response_language: Annotated[
        str | None, typer.Option(help="only responses given in this language")
    ] = None,
    include_flagged: Annotated[
        bool, typer.Option(help="also responses with a quality flag nobody reviewed")
    ] = False,
    include_excluded: Annotated[
        bool, typer.Option(help="also responses an analyst excluded")
    ] = False,
    personal_data: Annotated[
        bool,
        typer.Option(
            "--personal-data",
            help="add customer ids and the unredacted open answers (personal data: PIPL)",
        ),
    ] = False,
) -> None:
    """Export a survey's responses: CSV (UTF-8, formula-safe), XLSX with labels, SPSS .sav."""
    from manyi.domain.scope import Reader
    from manyi.privacy.audit import Actor
    from manyi.reporting.exports import (
        ExportFilters,
        ExportFormat,
        ExportRequest,
        audit_export,
        plan_export,
        write_export,
    )
    from manyi.surveys.service import find_survey_id

    chosen = fmt or out.suffix.lstrip(".").lower()
    if chosen not in FORMATS:
        raise CommandLineError(
            f"give --format csv, xlsx or sav (the suffix of {out.name} names none of them)"
        )
    if not out.parent.is_dir():
        raise CommandLineError(f"the folder {out.parent} does not exist")
    settings = load_settings()
    db = open_database(settings)
    request = ExportRequest(
        find_survey_id(db, survey),
        ExportFormat(chosen),
        language,
        ExportFilters(
            _moment(since, "--since"),
            _moment(until, "--until"),
            channel,
            touchpoint,
            response_language,
            include_flagged,
            include_excluded,
        ),
        personal_data=personal_data,
    )
    plan = plan_export(db, request)
    # Written beside, then renamed: an export that fails leaves no half file under --out.
    partial = out.with_name(f".{out.name}.part")
    try:
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as bar:
            task = bar.add_task(f"exporting to {escape(out.name)}", total=plan.total or None)
            rows = write_export(
                db,
                plan,
                partial,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                sav_max_rows=settings.export_sav_max_rows,
            )
        os.replace(partial, out)
        audit_export(db, plan, Reader(label=Actor.command_line().label))
    finally:
        partial.unlink(missing_ok=True)
    console.print(
        f"{rows:,} responses, {len(plan.variables)} columns written to {escape(str(out))}",
        highlight=False,
    )
