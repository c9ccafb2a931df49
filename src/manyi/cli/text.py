"""`manyi text FILE --column COL`: enrich a column of comments in a file, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from manyi.cli.errors import console, reports_errors


@reports_errors
def text_command(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="CSV, XLSX or JSON Lines")
    ],
    column: Annotated[str, typer.Option("--column", "-c", help="the column holding the comments")],
    out: Annotated[
        Path | None, typer.Option(help="output CSV (default: FILE.enriched.csv)")
    ] = None,
    taxonomy: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="aspect taxonomy YAML to use")
    ] = None,
    opinion_lexicon: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="opinion lexicon YAML for aspect sentiment"),
    ] = None,
) -> None:
    """Add language, sentiment, aspects and redacted text to every comment in a file."""
    from manyi.enrichment.files import enrich_table
    from manyi.ingestion.files import open_table
    from manyi.text.opinion import load_opinion_lexicon
    from manyi.text.taxonomy import load_taxonomy

    output = out or file.with_name(f"{file.stem}.enriched.csv")
    table = open_table(file)
    tax = load_taxonomy(taxonomy) if taxonomy else None
    lexicon = load_opinion_lexicon(opinion_lexicon) if opinion_lexicon else None
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(f"enriching {escape(file.name)}", total=table.total or None)
        result = enrich_table(
            table.rows(),
            table.headers,
            column,
            output,
            total=table.total,
            taxonomy=tax,
            opinion_lexicon=lexicon,
            progress=lambda done, total: bar.update(task, completed=done, total=total or None),
        )
    shares = ", ".join(f"{k} {v:,}" for k, v in sorted(result.sentiment_counts.items()))
    console.print(
        f"{result.rows:,} comments enriched ({shares}); {result.errors} could not be analysed"
    )
    typer.echo(str(result.output))
