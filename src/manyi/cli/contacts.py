"""`manyi contacts import FILE --list NAME`: customers from a CSV/XLSX file onto a list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from manyi.cli.common import console, load_settings, open_database
from manyi.cli.errors import reports_errors

contacts_app = typer.Typer(help="Contact lists (customers to invite).", no_args_is_help=True)


@contacts_app.command("import")
@reports_errors
def contacts_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX")],
    list_name: Annotated[
        str, typer.Option("--list", help="the contact list's name (made if new, else added to)")
    ],
    description: Annotated[str, typer.Option(help="what the list is for")] = "",
) -> None:
    """Import customers (客户编号, 姓名, 手机, 邮箱, 同意联系, segment columns) onto a list.

    Customers are created or updated by customer id; rows with a bad phone, e-mail or
    consent go to an error file with their line numbers, and the rest are stored.
    """
    from manyi.ingestion.contacts import import_contacts

    settings = load_settings()
    result = import_contacts(
        open_database(settings),
        file,
        list_name,
        description=description,
        error_dir=settings.data_dir / "import-errors",
    )
    console.print(
        f"{result.accepted} stored ({result.created} new customers, {result.updated} updated, "
        f"{result.added_to_list} new to the list), {result.rejected} rejected "
        f"(of {result.total_rows} rows; list {result.list_id}, import {result.import_id})",
        markup=False,
        highlight=False,
    )
    for rejected in result.rejections[:10]:
        console.print(
            f"line {rejected.line} ({rejected.field}): {rejected.reason}",
            markup=False,
            highlight=False,
        )
    if result.error_file:
        console.print(f"rejected rows with reasons: {result.error_file}", markup=False)
    if result.consent_kept_off:
        console.print(
            f"{len(result.consent_kept_off)} customer(s) had opted out: their consent stays off",
            markup=False,
        )
    typer.echo(
        json.dumps(
            {
                "list_id": result.list_id,
                "import_id": result.import_id,
                "accepted": result.accepted,
                "rejected": result.rejected,
                "error_file": str(result.error_file) if result.error_file else None,
            }
        )
    )
