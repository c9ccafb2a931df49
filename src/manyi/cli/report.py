"""`manyi report --department CODE --period month --format pdf -o out.pdf`: one report as a
file, made with the same code as the pages, the API and the scheduled e-mails."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from manyi.cli.common import load_settings, open_database
from manyi.cli.errors import CommandLineError, console, reports_errors

FORMATS = ("pdf", "html")


@reports_errors
def report_command(
    out: Annotated[Path, typer.Option("--out", "-o", dir_okay=False, help="the file to write")],
    department: Annotated[
        str | None, typer.Option(help="department code (left out: the whole company)")
    ] = None,
    period: Annotated[
        str, typer.Option(help="week or month (the last complete one), YYYY-MM or YYYY-Www")
    ] = "month",
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="pdf or html (default: from --out)")
    ] = None,
    kind: Annotated[str, typer.Option(help="report (full) or executive (one page)")] = "report",
    language: Annotated[str, typer.Option("--lang", help="zh-CN or en")] = "zh-CN",
) -> None:
    """Write the report of the company or one department for one week or month."""
    from manyi.domain.scope import EVERYTHING
    from manyi.reporting.reports import make_report
    from manyi.workflow.report_loop import report_loop_provider

    chosen = fmt or out.suffix.lstrip(".").lower()
    if chosen not in FORMATS:
        raise CommandLineError(f"--format is pdf or html, not {chosen!r}")
    # The command line is the operator's: it sees every department.
    db = open_database(load_settings())
    report = make_report(
        db,
        scope=EVERYTHING,
        department=department,
        period=period,
        language=language,
        kind=kind,
        pdf=chosen == "pdf",
        cases=report_loop_provider(db),
    )
    if chosen == "pdf":
        out.write_bytes(report.pdf)
    else:
        out.write_text(report.html, encoding="utf-8")
    console.print(f"{escape(report.title)}, {escape(report.period_text)} → {escape(str(out))}")
