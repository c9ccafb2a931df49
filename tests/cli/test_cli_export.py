"""`manyi export`: a survey's responses to CSV, XLSX or SAV, with clear errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pyreadstat
import pytest
from typer.testing import CliRunner

from factories import survey_definition
from manyi.cli.main import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MANYI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MANYI_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    (tmp_path / "s.json").write_text(json.dumps(survey_definition()), encoding="utf-8")
    created = runner.invoke(app, ["survey", "create", str(tmp_path / "s.json"), "--code", "svc"])
    assert created.exit_code == 0, created.output
    (tmp_path / "r.csv").write_text(
        "customer,nps,type,comment\nC1,9,维修,=1+1\nC2,6,安装,打我电话13812345678\n",
        encoding="utf-8",
    )
    imported = runner.invoke(app, ["import", str(tmp_path / "r.csv"), "--survey", "svc"])
    assert imported.exit_code == 0, imported.output
    return tmp_path


def test_export_writes_each_format(env: Path) -> None:
    out = env / "svc.csv"
    default = runner.invoke(app, ["export", "svc", "--out", str(out)])
    assert default.exit_code == 0, default.output
    assert "1 responses" in default.output  # intake flagged "=1+1" as gibberish: left out
    done = runner.invoke(app, ["export", "svc", "--out", str(out), "--include-flagged"])
    assert done.exit_code == 0, done.output
    assert "2 responses" in done.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["nps"] for r in rows] == ["9", "6"]
    assert [r["type"] for r in rows] == ["2", "1"]
    assert rows[0]["comment"] == "'=1+1"
    assert "customer" not in rows[0] and "13812345678" not in rows[1]["comment"]

    personal = runner.invoke(
        app, ["export", "svc", "-o", str(env / "p.csv"), "--personal-data", "--include-flagged"]
    )
    assert personal.exit_code == 0, personal.output
    rows = list(csv.DictReader(io.StringIO((env / "p.csv").read_text(encoding="utf-8-sig"))))
    assert [r["customer"] for r in rows] == ["C1", "C2"]
    assert rows[1]["comment"] == "打我电话13812345678"

    xlsx = runner.invoke(app, ["export", "1", "-o", str(env / "x.xlsx"), "--language", "en"])
    assert xlsx.exit_code == 0, xlsx.output
    sheet = openpyxl.load_workbook(env / "x.xlsx")["data"]
    assert sheet.cell(3, 1).value == 2 and sheet.cell(1, 1).value == "Response id"

    sav = runner.invoke(
        app, ["export", "svc", "-o", str(env / "data.bin"), "-f", "sav", "--include-flagged"]
    )
    assert sav.exit_code == 0, sav.output
    frame, meta = pyreadstat.read_sav(str(env / "data.bin"))
    assert list(frame["nps"]) == [9.0, 6.0]
    assert meta.variable_value_labels["type"] == {1.0: "安装", 2.0: "维修"}

    later = runner.invoke(
        app, ["export", "svc", "-o", str(env / "none.csv"), "--since", "2999-01-01"]
    )
    assert later.exit_code == 0 and "0 responses" in later.output


def test_export_errors_are_clear(env: Path) -> None:
    unknown = runner.invoke(app, ["export", "nope", "-o", str(env / "x.csv")])
    assert unknown.exit_code != 0 and "no survey 'nope'" in unknown.output
    suffix = runner.invoke(app, ["export", "svc", "-o", str(env / "x.pdf")])
    assert suffix.exit_code != 0 and "--format csv, xlsx or sav" in suffix.output
    bad_time = runner.invoke(app, ["export", "svc", "-o", str(env / "x.csv"), "--since", "soon"])
    assert bad_time.exit_code != 0 and "not a date" in bad_time.output
    folder = runner.invoke(app, ["export", "svc", "-o", str(env / "missing" / "x.csv")])
    assert folder.exit_code != 0 and "does not exist" in folder.output
    language = runner.invoke(app, ["export", "svc", "-o", str(env / "x.csv"), "--language", "fr"])
    assert language.exit_code != 0 and "language must be one of" in language.output
    assert not (env / "x.csv").exists()
