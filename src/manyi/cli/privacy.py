"""`manyi privacy export|erase|purge|retention|audit`: PIPL/GDPR requests from the
command line, recorded in the audit log under ``cli:<login name>`` (docs/privacy.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from fastapi.encoders import jsonable_encoder

from manyi.cli.common import console, load_settings, open_database
from manyi.cli.errors import CommandLineError, reports_errors

privacy_app = typer.Typer(
    help="Personal data: export, erasure, retention, audit log.", no_args_is_help=True
)


@privacy_app.command("export")
@reports_errors
def export(
    customer_id: Annotated[str, typer.Argument(help="the customer's external id")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write the JSON here (default: stdout)")
    ] = None,
) -> None:
    """Export everything stored about one customer as JSON (audited)."""
    from manyi.privacy.audit import Actor
    from manyi.privacy.customers import export_customer

    data = export_customer(open_database(load_settings()), customer_id, Actor.command_line())
    text = json.dumps(jsonable_encoder(data), ensure_ascii=False, indent=2)
    if output is None:
        sys.stdout.write(text + "\n")
        return
    output.write_text(text + "\n", encoding="utf-8")
    console.print(f"wrote {output}", highlight=False)


@privacy_app.command("erase")
@reports_errors
def erase_command(
    customer_id: Annotated[str, typer.Argument(help="the customer's external id")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Erase one customer's personal data; responses stay de-identified (audited)."""
    from manyi.privacy.audit import Actor
    from manyi.privacy.customers import erase

    if not yes and not typer.confirm(
        f"erase every personal datum of customer {customer_id!r}? this cannot be undone"
    ):
        raise CommandLineError("nothing erased")
    counts = erase(open_database(load_settings()), customer_id, Actor.command_line())
    for key, value in counts.items():
        typer.echo(f"{key}: {value}")


@privacy_app.command("purge")
@reports_errors
def purge_command(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="count what would go, delete nothing")
    ] = False,
) -> None:
    """Delete responses (with their answers, drafts, invitations) past each survey's retention."""
    from manyi.privacy.audit import Actor
    from manyi.privacy.retention import purge

    run = purge(open_database(load_settings()), Actor.command_line(), dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    if not run.surveys:
        typer.echo("no survey has a retention; nothing to purge")
        return
    for one in run.surveys:
        counts = ", ".join(f"{k} {v}" for k, v in one.deleted.as_dict().items())
        typer.echo(
            f"survey {one.survey_id} (keep {one.retention_days} days, before "
            f"{one.cutoff:%Y-%m-%d %H:%M} UTC): {verb} {counts}"
        )


@privacy_app.command("retention")
@reports_errors
def retention_command(
    survey_id: int,
    days: Annotated[
        str | None, typer.Argument(help="days to keep responses, or 'none' to keep them")
    ] = None,
) -> None:
    """Show or set how many days a survey's responses are kept (setting is audited)."""
    from manyi.privacy.audit import Actor
    from manyi.privacy.retention import get_retention, set_retention

    db = open_database(load_settings())
    if days is None:
        current = get_retention(db, survey_id)
        typer.echo("none" if current is None else str(current))
        return
    if days.lower() == "none":
        value = None
    elif days.isdigit():
        value = int(days)
    else:
        raise CommandLineError(f"days is a whole number or 'none', not {days!r}")
    set_retention(db, survey_id, value, Actor.command_line())
    typer.echo("none" if value is None else str(value))


@privacy_app.command("audit")
@reports_errors
def audit_command(
    subject_kind: Annotated[str | None, typer.Option(help="customer, survey, …")] = None,
    subject_id: Annotated[str | None, typer.Option(help="e.g. a customer's external id")] = None,
    action: Annotated[str | None, typer.Option(help="e.g. customer.erase")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
) -> None:
    """The newest entries of the audit log, one JSON object a line."""
    from manyi.privacy.audit import audit_log

    page = audit_log(
        open_database(load_settings()),
        subject_kind=subject_kind,
        subject_id=subject_id,
        action=action,
        limit=limit,
    )
    for entry in page.items:
        typer.echo(json.dumps(jsonable_encoder(entry.__dict__), ensure_ascii=False))
