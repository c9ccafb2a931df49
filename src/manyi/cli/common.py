"""What every command shares: settings, and the database (named on stderr, checked, migrated).

A command that opens the database says on standard error, in one line, which database and
data folder it uses and which variables point elsewhere: the default is a per-user folder,
and a user who expected another database should not have to guess why theirs is empty.
"""

from __future__ import annotations

from pathlib import Path

from alembic.util.exc import CommandError as MigrationError
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from manyi.cli.errors import CommandLineError, console
from manyi.config import Settings
from manyi.errors import StorageUnavailable
from manyi.runtime import Database, current_revision, head_revision, upgrade_database
from manyi.runtime import open_database as _open

__all__ = ["console", "database_label", "load_settings", "open_database", "open_migrated_database"]


def load_settings() -> Settings:
    """Settings from MANYI_*; a bad value ends the command with a message and exit 2.

    The message names each bad variable and what is wrong with it, never the value given:
    pydantic's own text quotes every input, the secret key included.
    """
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(_setting_problem(e["loc"], e["msg"]) for e in exc.errors())
        raise CommandLineError(f"bad configuration: {problems}") from None


def _setting_problem(loc: tuple[int | str, ...], msg: str) -> str:
    reason = msg.removeprefix("Value error, ")
    return f"MANYI_{str(loc[0]).upper()}: {reason}" if loc else reason


def database_label(url: str) -> str:
    """The database URL with its password hidden, fit to print."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        raise CommandLineError(f"MANYI_DATABASE_URL is not a database URL: {url!r}") from None


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def _announce(settings: Settings) -> str:
    url = settings.effective_database_url
    label = database_label(url)
    console.print(
        f"database: {label} (data folder {settings.data_dir}; "
        "MANYI_DATABASE_URL or MANYI_DATA_DIR point elsewhere)",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    return label


def _connect(settings: Settings, label: str) -> Database:
    try:
        return _open(settings)
    except OSError as exc:  # the SQLite file's folder cannot be made
        reason = f"{exc.strerror}: {exc.filename}" if exc.filename else str(exc)
        raise StorageUnavailable(f"cannot open the database at {label}: {reason}") from exc


def _unreachable(label: str, exc: OperationalError) -> StorageUnavailable:
    return StorageUnavailable(f"cannot reach the database at {label}: {exc.orig}")


def open_database(settings: Settings) -> Database:
    """The settings' database, named on stderr; it must hold manyi's tables at today's revision.

    Commands that do not migrate (all but ``db upgrade``, ``demo``, ``serve`` and
    ``worker``) use this, so that a database without the schema is a clear message
    instead of "no such table" halfway through.
    """
    label = _announce(settings)
    sqlite_file = _sqlite_file(settings.effective_database_url)
    if sqlite_file is not None and not sqlite_file.exists():
        # checked first so that a mistyped folder does not get an empty database file
        raise StorageUnavailable(
            f"the database at {label} has no manyi tables (there is no such file yet); "
            "run `manyi db upgrade`"
        )
    db = _connect(settings, label)
    try:
        revision = current_revision(db)
    except OperationalError as exc:
        raise _unreachable(label, exc) from exc
    if revision is None:
        raise StorageUnavailable(
            f"the database at {label} has no manyi tables; run `manyi db upgrade`"
        )
    head = head_revision()
    if revision != head:
        raise StorageUnavailable(
            f"the database at {label} is at schema revision {revision}, this manyi uses "
            f"{head}; run `manyi db upgrade`"
        )
    return db


def open_migrated_database(settings: Settings, revision: str = "head") -> Database:
    """The settings' database, named on stderr, migrated to ``revision`` (creating it if new)."""
    label = _announce(settings)
    db = _connect(settings, label)
    try:
        upgrade_database(db, revision)
    except OperationalError as exc:
        raise _unreachable(label, exc) from exc
    except MigrationError as exc:  # e.g. a revision that does not exist
        raise CommandLineError(f"cannot migrate the database at {label}: {exc}") from None
    return db
