"""`manyi survey schedule ID --opens … --closes …` (issue #10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import make_survey, survey_definition
from manyi.cli.common import load_settings
from manyi.cli.main import app
from manyi.runtime import open_database
from manyi.surveys.service import create_survey, get_survey

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MANYI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MANYI_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    return tmp_path


def test_schedule_by_code_keeps_a_bound_not_given_and_clears_with_none(env: Path) -> None:
    db = open_database(load_settings())
    survey = create_survey(db, survey_definition(), code="after-sales", status="active")
    year = datetime.now(UTC).year + 1
    opened = runner.invoke(
        app, ["survey", "schedule", "after-sales", "--opens", f"{year}-03-01T09:00+08:00"]
    )
    assert opened.exit_code == 0, opened.output
    assert opened.stdout.strip() == (
        f"survey {survey.id}: scheduled  opens {year}-03-01 01:00 UTC  closes -"
    )
    closed = runner.invoke(app, ["survey", "schedule", str(survey.id), "--closes", f"{year}-03-31"])
    assert closed.exit_code == 0, closed.output
    stored = get_survey(db, survey.id)
    assert stored.opens_at == datetime(year, 3, 1, 1, 0)  # kept
    assert stored.closes_at == datetime(year, 3, 31)
    cleared = runner.invoke(app, ["survey", "schedule", "after-sales", "--opens", "none"])
    assert cleared.exit_code == 0, cleared.output
    assert cleared.stdout.strip().startswith(f"survey {survey.id}: active  opens -")


def test_bad_times_say_what_is_wrong(env: Path) -> None:
    db = open_database(load_settings())
    survey = make_survey(db)
    garbage = runner.invoke(app, ["survey", "schedule", str(survey.id), "--opens", "soon"])
    assert garbage.exit_code != 0
    assert "opens 'soon' is not a time" in garbage.output
    past = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    late = runner.invoke(app, ["survey", "schedule", str(survey.id), "--closes", past])
    assert late.exit_code != 0 and "in the past" in late.output
    unknown = runner.invoke(app, ["survey", "schedule", "nope", "--opens", "none"])
    assert unknown.exit_code != 0 and "no survey 'nope'" in unknown.output
    assert get_survey(db, survey.id).closes_at is None
