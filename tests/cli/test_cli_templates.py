"""`manyi survey create --template NAME`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import survey_definition
from manyi.cli.common import load_settings
from manyi.cli.main import app
from manyi.runtime import open_database
from manyi.surveys.service import get_survey
from manyi.surveys.templates import template, template_codes

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MANYI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MANYI_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    return tmp_path


def test_survey_from_a_template(env: Path) -> None:
    created = runner.invoke(app, ["survey", "create", "--template", "nps", "--code", "nps1"])
    assert created.exit_code == 0, created.output
    survey = get_survey(open_database(load_settings()), int(created.stdout.strip()))
    assert (survey.code, survey.status.value) == ("nps1", "active")
    assert [q.code for q in survey.definition.questions] == [
        q["code"] for q in template("nps")["questions"]
    ]


def test_a_file_still_works(env: Path) -> None:
    (env / "s.json").write_text(json.dumps(survey_definition()), encoding="utf-8")
    created = runner.invoke(app, ["survey", "create", str(env / "s.json")])
    assert created.exit_code == 0, created.output
    assert created.stdout.strip() == "1"


def test_exactly_one_of_file_and_template(env: Path) -> None:
    (env / "s.json").write_text(json.dumps(survey_definition()), encoding="utf-8")
    neither = runner.invoke(app, ["survey", "create"])
    both = runner.invoke(app, ["survey", "create", str(env / "s.json"), "--template", "csat"])
    for result in (neither, both):
        assert result.exit_code == 1
        assert "give either a definition FILE or --template NAME (exactly one)" in result.output
    unknown = runner.invoke(app, ["survey", "create", "--template", "gallup"])
    assert unknown.exit_code == 1
    assert "no survey template 'gallup'" in unknown.output


def test_help_names_every_template(env: Path) -> None:
    shown = runner.invoke(app, ["survey", "create", "--help"], env={"COLUMNS": "200"})
    text = " ".join(shown.output.split())
    assert "ces, csat, followup, kano, nps or servqual" in text
    assert ", ".join(template_codes()[:-1]) + " or " + template_codes()[-1] in text
