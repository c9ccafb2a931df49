"""What every command shares: settings, the database, and how an error is printed."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from manyi.config import Settings
from manyi.errors import ManyiError
from manyi.storage.database import Database

console = Console(stderr=True)


def load_settings() -> Settings:
    """Settings from MANYI_*; a bad value ends the command with a message and exit 2."""
    try:
        return Settings()
    except ValueError as exc:
        console.print(f"[red]configuration error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None


def open_database(settings: Settings) -> Database:
    return Database(settings.effective_database_url, echo=settings.sql_echo)


def fail(exc: ManyiError) -> typer.Exit:
    """Print the error and each bad field, and return the exit (status 1) to raise.

    Messages and field paths come from user data (file headers, answers): they are
    escaped so that a hostile string cannot be read as Rich markup.
    """
    console.print(f"[red]error:[/red] {escape(exc.message)}", highlight=False)
    for e in exc.errors[:50]:
        console.print(f"  {'.'.join(map(str, e.loc))}: {e.msg}", markup=False, highlight=False)
    return typer.Exit(1)
