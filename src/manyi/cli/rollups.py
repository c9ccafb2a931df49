"""`manyi rollups rebuild`: recompute the dashboards' rollups from the stored answers
(docs/rollups.md)."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from manyi.cli.common import console, load_settings, open_database
from manyi.cli.errors import reports_errors

rollups_app = typer.Typer(help="Dashboard rollups (daily histograms).", no_args_is_help=True)


@rollups_app.command("rebuild")
@reports_errors
def rebuild_command(
    survey: Annotated[
        int | None, typer.Option("--survey", help="only this survey (default: all)")
    ] = None,
) -> None:
    """Recompute the rollups from the stored answers (after a restore or a bulk load)."""
    from manyi.reporting.rollups import rebuild_rollups

    started = time.perf_counter()
    done = rebuild_rollups(open_database(load_settings()), survey)
    console.print(
        f"rollups rebuilt in {time.perf_counter() - started:.1f} s: "
        f"{done.score_rows} score rows, {done.response_rows} response rows",
        highlight=False,
    )
