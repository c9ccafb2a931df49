"""How a command ends when something goes wrong: one wrapper, one message shape, one exit code table.

Every command is wrapped by :func:`reports_errors` (a test walks the app and fails on a
command without it). The wrapper prints ``error: <message>``, then one line per bad field,
to standard error, and exits with a status a script can act on:

====  ======================================================================================
exit  when
====  ======================================================================================
0     done
1     bad input, not found, conflict, not allowed (:class:`~manyi.errors.InvalidInput`,
      ``NotFound``, ``Conflict``, ``NotAllowed``, ``NotAuthenticated``); a file that cannot
      be read or written
2     a wrong command line (Typer's own usage errors too) or a bad ``MANYI_*`` setting
3     the database or an outside service cannot be used: unreachable, locked, without the
      manyi tables (:class:`~manyi.errors.StorageUnavailable`, ``ChannelError``)
====  ======================================================================================

Messages and field paths come from user data (file headers, answers), so they are printed
as plain text: a hostile string is never read as Rich markup.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy.exc import DBAPIError, OperationalError

from manyi.errors import FieldError, ManyiError

EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3
MAX_FIELD_ERRORS = 50
NO_TABLES = "the database has no manyi tables (or not all of them); run `manyi db upgrade`"
_WRAPPED = "__manyi_reports_errors__"

console = Console(stderr=True)
P = ParamSpec("P")
R = TypeVar("R")


class CommandLineError(Exception):
    """A command line or a setting the command cannot run with (exit 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def exit_code(exc: ManyiError) -> int:
    """1 for what the user can fix in the input, 3 when storage or a channel is down."""
    return EXIT_UNAVAILABLE if exc.status >= 500 else EXIT_INPUT


def missing_tables(exc: BaseException) -> bool:
    """Whether a database error (or what caused it) says a manyi table does not exist."""
    seen: BaseException | None = exc
    while seen is not None:
        orig = seen.orig if isinstance(seen, DBAPIError) else None
        # SQLite: "no such table"; PostgreSQL: SQLSTATE 42P01 undefined_table
        if orig is not None and (
            "no such table" in str(orig) or getattr(orig, "sqlstate", "") == "42P01"
        ):
            return True
        seen = seen.__cause__
    return False


def _report(message: str, errors: Sequence[FieldError] = ()) -> None:
    console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    for e in errors[:MAX_FIELD_ERRORS]:
        where = ".".join(map(str, e.loc))
        console.print(f"  {where}: {e.msg}", markup=False, highlight=False, soft_wrap=True)
    if len(errors) > MAX_FIELD_ERRORS:
        console.print(f"  … and {len(errors) - MAX_FIELD_ERRORS} more", highlight=False)


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command so that every expected failure ends in a message and an exit code.

    Put it under ``@app.command(...)``. A bug (any other exception) still shows its
    traceback: that is what a bug report needs.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except CommandLineError as exc:
            _report(exc.message)
            raise typer.Exit(EXIT_USAGE) from None
        except ManyiError as exc:
            if missing_tables(exc):
                _report(NO_TABLES)
                raise typer.Exit(EXIT_UNAVAILABLE) from None
            _report(exc.message, exc.errors)
            raise typer.Exit(exit_code(exc)) from None
        except DBAPIError as exc:
            if missing_tables(exc):
                _report(NO_TABLES)
            elif isinstance(exc, OperationalError):
                _report(f"the database cannot be reached or is locked: {exc.orig}")
            else:
                raise
            raise typer.Exit(EXIT_UNAVAILABLE) from None
        except OSError as exc:  # a file named on the command line, or one to write
            target = f": {exc.filename}" if exc.filename else ""
            _report(f"{exc.strerror or exc}{target}")
            raise typer.Exit(EXIT_INPUT) from None

    setattr(run, _WRAPPED, True)
    return run


def is_wrapped(command: Callable[..., object]) -> bool:
    """Whether :func:`reports_errors` wraps this command (the test that walks the app asks)."""
    return getattr(command, _WRAPPED, False) is True


__all__ = [
    "EXIT_INPUT",
    "EXIT_UNAVAILABLE",
    "EXIT_USAGE",
    "CommandLineError",
    "console",
    "exit_code",
    "is_wrapped",
    "missing_tables",
    "reports_errors",
]
