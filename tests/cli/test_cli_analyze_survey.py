"""`manyi analyze --survey ID|CODE --period A..B`: the file report, from stored data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analysis_data import store_study
from manyi.cli.main import app
from manyi.reporting.stored import clear_cache
from manyi.stats.metrics import nps
from manyi.storage.database import Database
from manyi.storage.migrate import upgrade

runner = CliRunner()


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[dict]]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("MANYI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MANYI_DATABASE_URL", url)
    db = Database(url)
    upgrade(db)
    study = store_study(db)
    db.dispose()
    clear_cache()
    return tmp_path, study.counted


def test_analyze_survey_writes_the_report_and_json(stored: tuple[Path, list[dict]]) -> None:
    folder, counted = stored
    out, js = folder / "r.html", folder / "r.json"
    result = runner.invoke(
        app,
        [
            "analyze",
            "--survey",
            "study",
            "--period",
            "2026-02-01..2026-06-30",
            "--filter",
            "channel=web",
            "--out",
            str(out),
            "--json",
            str(js),
            "--lang",
            "en",
            "--bootstrap",
            "20",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(js.read_text(encoding="utf-8"))
    chosen = [r for r in counted if r["channel"] == "web" and r["when"].month >= 2]
    assert data["data"]["rows"] == len(chosen)
    score = data["sections"]["metrics"]["parts"]["nps.nps"]["values"]["score"]
    assert score == pytest.approx(nps([r["answers"]["nps"] for r in chosen]).score)
    assert data["sections"]["servqual"]["status"] == "ok"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "value_curve: no staff or management ratings" in result.output.replace("\n", " ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--survey", "study", "--period", "2026-01"], "START..END"),
        (["--survey", "study", "--period", "..2026-06-30", "--from", "2026-01-01"], "not both"),
        (["--survey", "study", "--filter", "colour=red"], "NAME=VALUE"),
        (["--survey", "nope"], "no survey"),
        (["--period", "2026-01-01..2026-02-01"], "go with --survey"),
        (["--survey", "study", "--filter", "channel=none"], "no response"),
    ],
)
def test_bad_arguments_are_refused(
    stored: tuple[Path, list[dict]], args: list[str], message: str
) -> None:
    folder, _ = stored
    result = runner.invoke(app, ["analyze", *args, "--out", str(folder / "x.html")])
    assert result.exit_code != 0
    assert message in result.output.replace("\n", " ")
