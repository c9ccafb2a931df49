"""`manyi analyze FILE --spec SPEC.yaml`: a survey export in, an offline HTML report out.

Thin: the file is read by :func:`manyi.ingestion.files.read_frame`, the spec by
:func:`manyi.reporting.analysis.load_spec`, and everything else happens in
:func:`manyi.reporting.analysis.analyze` and its renderers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from manyi.cli.errors import CommandLineError, console, reports_errors

LANGS = ("zh-CN", "en")


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
) -> None:
    """Analyse a survey export: metrics, reliability, SERVQUAL, CSI, PLS, drivers, Kano, value curve, segments."""
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
