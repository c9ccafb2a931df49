from __future__ import annotations

import csv
import json
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


def test_scripted_setup_survey_and_import(env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    created = runner.invoke(
        app,
        ["user", "create", "ops@example.com", "--role", "manager", "--password-stdin"],
        input="a long password\n",
    )
    assert created.exit_code == 0, created.output
    token = runner.invoke(app, ["token", "create", "ops@example.com"])
    assert token.exit_code == 0
    assert token.stdout.strip().startswith("manyi_")
    (env / "s.json").write_text(json.dumps(survey_definition()), encoding="utf-8")
    survey = runner.invoke(app, ["survey", "create", str(env / "s.json"), "--code", "svc"])
    assert survey.exit_code == 0
    assert survey.stdout.strip() == "1"
    (env / "r.csv").write_text("id,nps,csat\n1,9,5\n2,99,4\n", encoding="utf-8")
    imported = runner.invoke(app, ["import", str(env / "r.csv"), "--survey", "svc"])
    assert imported.exit_code == 0, imported.output
    summary = json.loads(imported.stdout.strip().splitlines()[-1])
    assert (summary["imported"], summary["errors"]) == (1, 1)
    assert Path(summary["error_file"]).exists()


def test_errors_are_clear_and_exit_non_zero(env: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    weak = runner.invoke(
        app,
        ["user", "create", "x@example.com", "--role", "admin", "--password-stdin"],
        input="short\n",
    )
    assert weak.exit_code == 1
    assert "at least 8 characters" in weak.output
    bad_role = runner.invoke(
        app,
        ["user", "create", "x@example.com", "--role", "boss", "--password-stdin"],
        input="long enough pw\n",
    )
    assert "unknown role" in bad_role.output
    assert runner.invoke(app, ["token", "create", "nobody@example.com"]).exit_code == 1
    (env / "bad.json").write_text('{"title": "t", "questions": []}', encoding="utf-8")
    bad = runner.invoke(app, ["survey", "create", str(env / "bad.json")])
    assert bad.exit_code == 1
    assert "questions" in bad.output
    assert runner.invoke(app, ["import", str(env / "bad.json")]).exit_code == 2


def test_organisation_set_up(env: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    assert (
        runner.invoke(
            app, ["department", "create", "LOG", "--name", "物流配送", "--name-en", "Delivery"]
        ).exit_code
        == 0
    )
    assert (
        runner.invoke(
            app, ["channel", "create", "wechat", "--kind", "social", "--name", "微信"]
        ).exit_code
        == 0
    )
    bad_kind = runner.invoke(app, ["channel", "create", "fax", "--kind", "fax", "--name", "传真"])
    assert bad_kind.exit_code == 1
    assert "unknown channel kind 'fax'" in bad_kind.output
    created = runner.invoke(
        app,
        [
            "touchpoint",
            "create",
            "delivery",
            "--stage",
            "usage",
            "--name",
            "配送",
            "--department",
            "LOG",
        ],
    )
    assert created.exit_code == 0, created.output
    assert (
        runner.invoke(
            app, ["touchpoint", "create", "delivery", "--stage", "usage", "--name", "配送"]
        ).exit_code
        == 1
    )
    shown = runner.invoke(app, ["org", "show"])
    assert "wechat" in shown.stdout
    assert "LOG" in shown.stdout


def test_hostile_text_in_an_error_is_printed_not_interpreted(env: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    (env / "s.json").write_text(json.dumps(survey_definition()), encoding="utf-8")
    runner.invoke(app, ["survey", "create", str(env / "s.json"), "--code", "svc"])
    (env / "r.csv").write_text("[/],nps\nx,9\n", encoding="utf-8")
    (env / "map.yaml").write_text('"[/]": "[bold]nowhere"\n', encoding="utf-8")
    result = runner.invoke(
        app, ["import", str(env / "r.csv"), "--survey", "svc", "--mapping", str(env / "map.yaml")]
    )
    assert result.exit_code == 1
    assert "the mapping sends column '[/]' to '[bold]nowhere'" in result.output


def _error_rows(summary_line: str) -> list[dict[str, str]]:
    summary = json.loads(summary_line)
    with Path(summary["error_file"]).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_row_with_cells_past_the_header_is_rejected_by_line(env: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    (env / "s.json").write_text(json.dumps(survey_definition()), encoding="utf-8")
    runner.invoke(app, ["survey", "create", str(env / "s.json"), "--code", "svc"])
    # line 3 has an unquoted comma in its last answer: its surplus cell used to vanish
    (env / "r.csv").write_text("id,nps,csat\n1,9,5\n2,7,4,slow, but fine\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(env / "r.csv"), "--survey", "svc"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["imported"], summary["errors"]) == (1, 1)
    [rejected] = _error_rows(result.stdout.strip().splitlines()[-1])
    assert rejected["line"] == "3"
    assert rejected["reason"].startswith("5 cells but the header has 3 columns")
    assert "__extra__" not in result.output and "__error__" not in result.output


def test_feedback_import_never_lists_an_internal_key_as_a_column(env: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    (env / "f.csv").write_text(
        "内容,类型,备用\n送货太慢了,complaint,x\n师傅很专业,praise,y,extra\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["import", str(env / "f.csv"), "--feedback"])
    assert result.exit_code == 0, result.output
    [rejected] = _error_rows(result.stdout.strip().splitlines()[-1])
    assert rejected["line"] == "3"
    assert "4 cells but the header has 3 columns (past the last: 'extra')" in rejected["reason"]
    assert "columns not used: 备用\n" in result.output
    assert "__extra__" not in result.output and "__error__" not in result.output


def test_import_asks_the_worker_to_enrich_the_stored_text(env: Path) -> None:
    from manyi.config import Settings
    from manyi.jobs.queue import build_queue
    from manyi.runtime import open_database

    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    (env / "fb.csv").write_text("内容\n送货太慢了\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(env / "fb.csv"), "--feedback"])
    assert result.exit_code == 0, result.output
    settings = Settings()
    assert build_queue(settings, open_database(settings)).huey.pending_count() == 1
