"""The CLI's error edge: every command wrapped, each failure a message and a stable exit code."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from manyi.cli.errors import EXIT_INPUT, EXIT_UNAVAILABLE, EXIT_USAGE, is_wrapped, reports_errors
from manyi.cli.main import app
from manyi.errors import FieldError, InvalidInput, StorageUnavailable

runner = CliRunner()
PG_URL = os.environ.get("MANYI_TEST_DATABASE_URL")
DEAD_POSTGRES = "postgresql+psycopg://postgres:s3cret@127.0.0.1:1/x"  # nothing listens on port 1


def _commands(typer_app: typer.Typer, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(full command name, callback) of every command, sub-apps included."""
    for info in typer_app.registered_commands:
        name = info.name or (info.callback.__name__ if info.callback else "")
        yield f"{prefix}{name}", info.callback
    for group in typer_app.registered_groups:
        assert group.typer_instance is not None
        yield from _commands(group.typer_instance, f"{prefix}{group.name} ")


def test_every_command_is_wrapped_by_the_error_edge() -> None:
    commands = dict(_commands(app))
    # the walk must see the whole app, or the check below would pass on nothing
    assert {"serve", "demo", "worker", "db upgrade", "import", "analyze", "text"} <= set(commands)
    assert {"user create", "token create", "survey create", "org show"} <= set(commands)
    unwrapped = [name for name, callback in commands.items() if not is_wrapped(callback)]
    assert unwrapped == [], f"put @reports_errors under the command decorator of: {unwrapped}"


def _no_traceback(result: Any) -> None:
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MANYI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MANYI_DATABASE_URL", raising=False)
    return tmp_path


MIGRATING = [
    ["demo", "--responses", "10", "--feedback", "10"],
    ["worker", "--once"],
    ["serve", "--no-worker", "--port", "8765"],
    ["db", "upgrade"],
]
NOT_MIGRATING = [["org", "show"], ["token", "create", "a@example.com"]]


@pytest.mark.parametrize("args", MIGRATING + NOT_MIGRATING, ids=" ".join)
def test_a_database_that_cannot_be_reached(
    env: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setenv("MANYI_DATABASE_URL", DEAD_POSTGRES)
    result = runner.invoke(app, args)
    assert result.exit_code == EXIT_UNAVAILABLE, result.output
    _no_traceback(result)
    assert (
        "error: cannot reach the database at postgresql+psycopg://postgres:***@127.0.0.1:1/x"
        in (result.output)
    )
    assert "s3cret" not in result.output


@pytest.mark.parametrize("args", MIGRATING + NOT_MIGRATING, ids=" ".join)
def test_a_sqlite_path_that_cannot_be_opened(
    env: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    (env / "a-file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("MANYI_DATABASE_URL", f"sqlite:///{env / 'a-file' / 'manyi.db'}")
    result = runner.invoke(app, args)
    assert result.exit_code == EXIT_UNAVAILABLE, result.output
    _no_traceback(result)
    assert f"database at sqlite:///{env / 'a-file' / 'manyi.db'}" in result.output


def test_a_sqlite_file_without_the_schema(env: Path) -> None:
    missing = runner.invoke(app, ["org", "show"])
    assert missing.exit_code == EXIT_UNAVAILABLE
    _no_traceback(missing)
    assert "has no manyi tables (there is no such file yet); run `manyi db upgrade`" in (
        missing.output
    )
    assert not (env / "data" / "manyi.db").exists(), "a check must not create the file"
    (env / "data").mkdir()
    sqlite3.connect(env / "data" / "manyi.db").close()  # an empty database file
    empty = runner.invoke(app, ["token", "create", "a@example.com"])
    assert empty.exit_code == EXIT_UNAVAILABLE
    assert (
        f"the database at sqlite:///{env / 'data' / 'manyi.db'} has no manyi tables; run `manyi db upgrade`"
        in (empty.output)
    )
    assert "no such table" not in empty.output


def test_a_schema_at_another_revision(env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    with sqlite3.connect(env / "data" / "manyi.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'older'")
    result = runner.invoke(app, ["org", "show"])
    assert result.exit_code == EXIT_UNAVAILABLE
    assert "is at schema revision older, this manyi uses" in result.output
    assert "run `manyi db upgrade`" in result.output


@pytest.mark.skipif(not PG_URL, reason="MANYI_TEST_DATABASE_URL is not set")
def test_a_postgresql_schema_without_the_tables(
    env: Path, monkeypatch: pytest.MonkeyPatch, pg_admin: Any
) -> None:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with pg_admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        assert PG_URL is not None
        sep = "&" if "?" in PG_URL else "?"
        monkeypatch.setenv("MANYI_DATABASE_URL", f"{PG_URL}{sep}options=-csearch_path%3D{schema}")
        result = runner.invoke(app, ["org", "show"])
        assert result.exit_code == EXIT_UNAVAILABLE
        assert "has no manyi tables; run `manyi db upgrade`" in result.output
        _no_traceback(result)
    finally:
        with pg_admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def test_bad_settings_and_command_lines_exit_2(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANYI_PORT", "eighty")
    port = runner.invoke(app, ["org", "show"])
    assert port.exit_code == EXIT_USAGE
    assert "error: bad configuration: MANYI_PORT: Input should be a valid integer" in port.output
    monkeypatch.delenv("MANYI_PORT")
    monkeypatch.setenv("MANYI_ENVIRONMENT", "production")
    monkeypatch.setenv("MANYI_SECRET_KEY", "short-secret-value")
    secret = runner.invoke(app, ["org", "show"])
    assert secret.exit_code == EXIT_USAGE
    assert "MANYI_SECRET_KEY must be at least 32 characters" in secret.output
    assert "short-secret-value" not in secret.output, "a setting's value is never echoed"
    monkeypatch.delenv("MANYI_ENVIRONMENT")
    monkeypatch.setenv("MANYI_DATABASE_URL", "no-such-scheme")
    url = runner.invoke(app, ["org", "show"])
    assert url.exit_code == EXIT_USAGE
    assert "MANYI_DATABASE_URL is not a database URL" in url.output
    monkeypatch.delenv("MANYI_DATABASE_URL")
    revision = runner.invoke(app, ["db", "upgrade", "no-such-revision"])
    assert revision.exit_code == EXIT_USAGE
    assert "Can't locate revision identified by 'no-such-revision'" in revision.output
    _no_traceback(revision)
    no_password = runner.invoke(app, ["user", "create", "a@example.com", "--role", "admin"])
    assert no_password.exit_code == EXIT_USAGE
    assert "--password-stdin" in no_password.output


def test_not_found_is_exit_1_and_an_unwritable_output_too(env: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    nobody = runner.invoke(app, ["token", "create", "nobody@example.com"])
    assert nobody.exit_code == EXIT_INPUT
    _no_traceback(nobody)
    (env / "c.csv").write_text("comment\n送货太慢了\n", encoding="utf-8")
    (env / "out.csv").mkdir()  # a folder where the output file should go
    result = runner.invoke(
        app, ["text", str(env / "c.csv"), "-c", "comment", "--out", str(env / "out.csv")]
    )
    assert result.exit_code == EXIT_INPUT, result.output
    _no_traceback(result)
    assert f"error: Is a directory: {env / 'out.csv'}" in result.output


def _one_command_app(command: Any) -> typer.Typer:
    small = typer.Typer()
    small.command("run")(reports_errors(command))
    small.command("noop")(lambda: None)  # keeps "run" a sub-command, as under `manyi`
    return small


def test_a_missing_table_met_halfway_is_the_upgrade_message() -> None:
    engine = create_engine("sqlite://")

    def query_a_missing_table() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT * FROM feedback"))

    def through_a_session() -> None:
        try:
            query_a_missing_table()
        except OperationalError as exc:  # what Database.session turns it into
            raise StorageUnavailable("the database cannot be reached or is locked") from exc

    for command in (query_a_missing_table, through_a_session):
        result = runner.invoke(_one_command_app(command), ["run"])
        assert result.exit_code == EXIT_UNAVAILABLE
        assert "run `manyi db upgrade`" in result.output
        _no_traceback(result)


def test_field_errors_are_listed_up_to_fifty() -> None:
    def many() -> None:
        raise InvalidInput("bad rows", [FieldError(("row", i), "[bold]x") for i in range(60)])

    result = runner.invoke(_one_command_app(many), ["run"])
    assert result.exit_code == EXIT_INPUT
    assert "  row.49: [bold]x" in result.output and "row.50" not in result.output
    assert "… and 10 more" in result.output


def test_a_bug_keeps_its_traceback() -> None:
    def bug() -> None:
        raise KeyError("a bug")

    result = runner.invoke(_one_command_app(bug), ["run"])
    assert isinstance(result.exception, KeyError)
