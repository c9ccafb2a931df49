"""`manyi analyze FILE --spec SPEC.yaml`: a survey export in, an offline HTML report out.

`manyi analyze --survey ID|CODE --period 2026-01-01..2026-06-30`: the same report from the
responses stored in the configured database, with the spec derived from the survey's
questions (:func:`manyi.reporting.stored.analyze_survey`).

Thin: the file is read by :func:`manyi.ingestion.files.read_frame`, the spec by
:func:`manyi.reporting.analysis.load_spec`, and everything else happens in
:func:`manyi.reporting.analysis.analyze` and its renderers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from manyi.cli.errors import CommandLineError, console, reports_errors

if TYPE_CHECKING:
    from manyi.reporting.analysis import AnalysisReport

LANGS = ("zh-CN", "en")
FILTERS = ("channel", "touchpoint", "department", "language", "region", "tier", "product")
#: What a section the survey's questions do not allow lacks (reason codes of the plan).
MISSING = {
    "no_metrics": "no NPS, CSAT or CES question",
    "no_servqual": "no SERVQUAL question",
    "no_kano": "no Kano question",
    "no_target": "no scored question to explain",
    "few_predictors": "fewer than two rating questions to explain it with",
    "no_constructs": "no multi-item constructs (SERVQUAL dimensions) for a PLS model",
    "no_raters": "no staff or management ratings beside the customers' (metadata 'rater')",
    "no_segments": "no group (channel, touchpoint, region, ...) with two or more groups",
}


@reports_errors
def analyze_command(
    file: Annotated[
        Path | None,
        typer.Argument(
            dir_okay=False, help="survey export: CSV (UTF-8 or GBK), XLSX or JSON Lines"
        ),
    ] = None,
    spec: Annotated[
        Path | None,
        typer.Option(
            "--spec", dir_okay=False, help="analysis spec (YAML): which columns are which"
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="HTML report to write")] = Path("report.html"),
    json_out: Annotated[
        Path | None, typer.Option("--json", help="also write every number as JSON")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="report language: zh-CN or en")] = "zh-CN",
    example: Annotated[
        bool, typer.Option("--example", help="analyse the bundled sample export with its spec")
    ] = False,
    survey: Annotated[
        str | None,
        typer.Option("--survey", help="analyse this stored survey (id or code) instead of a file"),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help="with --survey: submission dates START..END, both included (UTC)"
        ),
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="with --survey: first day (YYYY-MM-DD)")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="with --survey: last day (YYYY-MM-DD)")
    ] = None,
    filters: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            help="with --survey: NAME=VALUE, NAME one of channel, touchpoint, department, "
            "language, region, tier, product (repeatable)",
        ),
    ] = None,
    bootstrap: Annotated[
        int,
        typer.Option("--bootstrap", help="with --survey: resamples of the drivers' and PLS CIs"),
    ] = 200,
) -> None:
    """Analyse a survey export (or a stored survey): metrics, reliability, SERVQUAL, CSI, PLS, drivers, Kano, value curve, segments."""
    from manyi.ingestion.files import read_frame
    from manyi.reporting.analysis import (
        EXAMPLE_DATA,
        EXAMPLE_SPEC,
        analyze,
        load_spec,
        render_html,
        report_to_json,
    )

    if lang not in LANGS:
        raise CommandLineError(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}")
    if survey is not None:
        if file is not None or spec is not None or example:
            raise CommandLineError(
                "--survey analyses stored data; give no FILE, --spec or --example"
            )
        report = _stored_report(survey, period, date_from, date_to, filters or [], bootstrap)
        if json_out is not None:
            json_out.write_text(report_to_json(report), encoding="utf-8")
        out.write_text(render_html(report, lang), encoding="utf-8")
        _summary(report, out, json_out)
        return
    if any(v is not None for v in (period, date_from, date_to)) or filters:
        raise CommandLineError("--period, --from, --to and --filter go with --survey")
    if example:
        if file is not None or spec is not None:
            raise CommandLineError("--example uses the bundled file and spec; give neither")
        file, spec = EXAMPLE_DATA, EXAMPLE_SPEC
    elif file is None or spec is None:
        raise CommandLineError("give FILE and --spec SPEC.yaml (or --example)")
    with console.status(f"analysing {escape(file.name)}"):
        analysis_spec = load_spec(spec)
        frame = read_frame(file)
        report = analyze(frame, analysis_spec)
        if json_out is not None:
            json_out.write_text(report_to_json(report), encoding="utf-8")
        out.write_text(render_html(report, lang), encoding="utf-8")
    _summary(report, out, json_out)


def _stored_report(
    survey: str,
    period: str | None,
    date_from: str | None,
    date_to: str | None,
    filters: list[str],
    bootstrap: int,
) -> AnalysisReport:
    from manyi.cli.common import load_settings, open_database
    from manyi.reporting.stored import AnalysisQuery, analyze_survey, parse_period

    if period is not None and (date_from is not None or date_to is not None):
        raise CommandLineError("give --period or --from/--to, not both")
    if period is None:
        period = f"{date_from or ''}..{date_to or ''}"
    start, end = parse_period(period)
    named: dict[str, str] = {}
    for item in filters:
        name, sep, value = item.partition("=")
        if not sep or name.strip() not in FILTERS or not value.strip():
            raise CommandLineError(
                f"--filter {item!r}: write NAME=VALUE with NAME one of {', '.join(FILTERS)}"
            )
        named[name.strip()] = value.strip()
    db = open_database(load_settings())
    with console.status(f"analysing survey {escape(survey)}"):
        result = analyze_survey(
            db, AnalysisQuery(survey, start, end, **named), bootstrap=bootstrap, use_cache=False
        )
    if result.report is None:
        why = (
            "no response in this period and filter"
            if result.n_responses == 0
            else "none of its questions can be analysed"
        )
        raise CommandLineError(f"survey {survey}: {why}")
    for section, reason in result.plan.missing.items():
        console.print(f"  {section}: {MISSING[reason]}", markup=False, highlight=False)
    return result.report


def _summary(report: AnalysisReport, out: Path, json_out: Path | None) -> None:
    statuses = {key: section.status for key, section in report.sections.items()}
    for key, section in report.sections.items():
        if section.status == "not requested":
            continue
        colour = {"ok": "green", "partial": "yellow"}.get(section.status, "red")
        console.print(f"  {key}: [{colour}]{section.status}[/{colour}]")
        for part in section.parts.values():
            if part.status != "ok":
                console.print(f"    {part.key}: {part.reason}", markup=False, highlight=False)
    console.print(
        f"{report.n_used} of {report.n_rows} rows analysed in {report.elapsed_s:.1f} s; "
        f"report: {out}" + (f"; JSON: {json_out}" if json_out else ""),
        markup=False,
    )
    typer.echo(
        json.dumps(
            {
                "html": str(out),
                "json": str(json_out) if json_out else None,
                "rows": report.n_rows,
                "rows_used": report.n_used,
                "sections": statuses,
            },
            ensure_ascii=False,
        )
    )


__all__ = ["analyze_command"]
