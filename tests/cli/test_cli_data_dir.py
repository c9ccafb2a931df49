"""Which database the CLI uses: the per-user data folder by default, whatever the current folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from platformdirs import user_data_dir
from typer.testing import CliRunner

from manyi.cli.main import app

runner = CliRunner()


@pytest.fixture
def user_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh user: HOME and XDG_DATA_HOME in a temporary folder, no MANYI_* locations."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "appdata"))  # Windows
    monkeypatch.delenv("MANYI_DATA_DIR", raising=False)
    monkeypatch.delenv("MANYI_DATABASE_URL", raising=False)
    return tmp_path


def test_commands_run_from_any_folder_share_the_per_user_database(
    user_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = Path(user_data_dir("manyi", appauthor=False))
    if sys.platform.startswith("linux"):
        assert data_dir == user_home / "xdg" / "manyi"
    first, second = user_home / "project", user_home / "elsewhere"
    first.mkdir()
    second.mkdir()
    monkeypatch.chdir(first)
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert (data_dir / "manyi.db").is_file()
    assert not (first / "var").exists(), "the current folder is not the data folder"
    monkeypatch.chdir(second)
    created = runner.invoke(app, ["department", "create", "LOG", "--name", "物流配送"])
    assert created.exit_code == 0, created.output  # same database: its tables are there
    shown = runner.invoke(app, ["org", "show"])
    assert "LOG" in shown.stdout
    assert not (second / "var").exists()


def test_the_database_in_use_is_named_on_stderr_with_how_to_change_it(user_home: Path) -> None:
    data_dir = Path(user_data_dir("manyi", appauthor=False))
    result = runner.invoke(app, ["db", "upgrade"])
    line = f"database: sqlite:///{data_dir / 'manyi.db'} (data folder {data_dir}; "
    line += "MANYI_DATABASE_URL or MANYI_DATA_DIR point elsewhere)"
    assert line in result.stderr.splitlines()
    assert line not in result.stdout


def test_manyi_data_dir_still_overrides(user_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANYI_DATA_DIR", str(user_home / "mine"))
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert (user_home / "mine" / "manyi.db").is_file()
    assert not Path(user_data_dir("manyi", appauthor=False)).exists()
