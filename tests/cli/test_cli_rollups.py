"""`manyi rollups rebuild` restores rollups that were lost and refuses an unknown survey."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import survey_definition
from manyi.cli.main import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MANYI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MANYI_DATABASE_URL", raising=False)
    return tmp_path


def _rollups(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return sorted(conn.execute("SELECT * FROM score_rollups").fetchall())


def test_rebuild_restores_the_rollups(env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    (env / "s.json").write_text(json.dumps(survey_definition()), encoding="utf-8")
    assert runner.invoke(app, ["survey", "create", str(env / "s.json")]).exit_code == 0
    (env / "r.csv").write_text(
        "id,nps,csat,submitted_at\n1,9,5,2026-03-01\n2,3,4,2026-03-02\n3,9,2,2026-03-02\n",
        encoding="utf-8",
    )
    imported = runner.invoke(app, ["import", str(env / "r.csv"), "--survey", "1"])
    assert imported.exit_code == 0, imported.output
    database = env / "manyi.db"
    kept = _rollups(database)
    # nps 9 twice and 3 once on the total grain (grain 1)
    with sqlite3.connect(database) as conn:
        total = conn.execute(
            "SELECT day, value, count FROM score_rollups WHERE question = 'nps' AND grain = 1 "
            "ORDER BY day, value"
        ).fetchall()
    assert total == [
        ("2026-03-01", 9.0, 1),
        ("2026-03-02", 3.0, 1),
        ("2026-03-02", 9.0, 1),
    ]
    with sqlite3.connect(database) as conn:
        conn.execute("DELETE FROM score_rollups")
    assert _rollups(database) == []
    rebuilt = runner.invoke(app, ["rollups", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert f"{len(kept)} score rows" in rebuilt.output
    assert _rollups(database) == kept
    assert runner.invoke(app, ["rollups", "rebuild", "--survey", "1"]).exit_code == 0
    assert _rollups(database) == kept
    unknown = runner.invoke(app, ["rollups", "rebuild", "--survey", "99"])
    assert unknown.exit_code == 1
    assert "survey 99 does not exist" in unknown.output
