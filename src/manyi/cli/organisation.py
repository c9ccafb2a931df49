"""`manyi department|channel|touchpoint create`, `manyi department move` and `manyi org show`:
the organisation's set-up."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from manyi.cli.common import load_settings, open_database
from manyi.cli.errors import reports_errors

department_app = typer.Typer(
    help="Departments (who owns cases and touchpoints).", no_args_is_help=True
)
channel_app = typer.Typer(help="Feedback channels.", no_args_is_help=True)
touchpoint_app = typer.Typer(help="Customer-journey touchpoints.", no_args_is_help=True)
org_app = typer.Typer(help="The organisation's set-up.", no_args_is_help=True)


@department_app.command("create")
@reports_errors
def department_create(
    code: str,
    name: Annotated[str, typer.Option(help="name in Chinese")],
    name_en: Annotated[str, typer.Option(help="name in English")] = "",
) -> None:
    """Create a department (prints its id; an existing code is reused)."""
    from manyi.accounts.service import create_department

    typer.echo(create_department(open_database(load_settings()), code, name, name_en))


@department_app.command("move")
@reports_errors
def department_move(
    code: str,
    parent: Annotated[
        str | None, typer.Option(help="code of the new parent; left out: a top-level department")
    ] = None,
) -> None:
    """Put a department under another (a parent below it, or itself, is refused)."""
    from manyi.accounts.scope import set_department_parent

    set_department_parent(open_database(load_settings()), code, parent or None)
    typer.echo(f"{code} → {parent or '(top level)'}")


@channel_app.command("create")
@reports_errors
def channel_create(
    code: str,
    kind: Annotated[
        str,
        typer.Option(
            help="web, email, sms, app, phone, store, social, review_site, letter, import, api"
        ),
    ],
    name: Annotated[str, typer.Option(help="name in Chinese")],
    name_en: Annotated[str, typer.Option(help="name in English")] = "",
) -> None:
    """Create a feedback channel."""
    from manyi.accounts.organisation import create_channel

    create_channel(open_database(load_settings()), code, kind, name, name_en)
    typer.echo(code)


@touchpoint_app.command("create")
@reports_errors
def touchpoint_create(
    code: str,
    stage: Annotated[str, typer.Option(help="awareness, decision, usage or after_sales")],
    name: Annotated[str, typer.Option(help="name in Chinese")],
    name_en: Annotated[str, typer.Option(help="name in English")] = "",
    department: Annotated[str | None, typer.Option(help="owning department code")] = None,
) -> None:
    """Create a touchpoint of the customer journey."""
    from manyi.accounts.organisation import create_touchpoint

    create_touchpoint(open_database(load_settings()), code, stage, name, name_en, department)
    typer.echo(code)


@org_app.command("show")
@reports_errors
def org_show() -> None:
    """List departments, channels and touchpoints."""
    from manyi.accounts.organisation import list_organisation

    for title, entries in list_organisation(open_database(load_settings())).items():
        table = Table(title=title)
        for column in ("code", "kind/stage", "名称", "name", "department"):
            table.add_column(column)
        for e in entries:
            table.add_row(e.code, e.kind, e.name_zh, e.name_en, e.department or "")
        Console().print(table)
