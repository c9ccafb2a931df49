"""`manyi department move`: a department goes under another; a cycle is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from manyi.cli.main import app
from manyi.config import Settings
from manyi.runtime import open_database

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MANYI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MANYI_DATABASE_URL", raising=False)
    return tmp_path


def test_department_move(env: Path) -> None:
    from manyi.accounts.departments import department_tree

    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    for code in ("HQ", "CS"):
        assert runner.invoke(app, ["department", "create", code, "--name", code]).exit_code == 0
    moved = runner.invoke(app, ["department", "move", "CS", "--parent", "HQ"])
    assert moved.exit_code == 0, moved.output
    cycle = runner.invoke(app, ["department", "move", "HQ", "--parent", "CS"])
    assert cycle.exit_code == 1 and "cannot be put under itself" in cycle.output
    unknown = runner.invoke(app, ["department", "move", "CS", "--parent", "NOPE"])
    assert unknown.exit_code == 1 and "no department with code 'NOPE'" in unknown.output
    db = open_database(Settings(data_dir=env))
    assert [(d.code, d.parent) for d in department_tree(db)] == [("HQ", None), ("CS", "HQ")]
    assert runner.invoke(app, ["department", "move", "CS"]).exit_code == 0
    assert [(d.code, d.parent) for d in department_tree(db)] == [("CS", None), ("HQ", None)]
    db.dispose()
