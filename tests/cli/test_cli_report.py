"""`manyi report`: one report as a PDF or HTML file (issue #11)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from factories import make_report_data
from manyi.cli.main import app
from manyi.storage.database import Database
from manyi.storage.migrate import upgrade

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MANYI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MANYI_DATABASE_URL", raising=False)
    db = Database(f"sqlite:///{tmp_path / 'manyi.db'}")
    upgrade(db)
    make_report_data(db)
    db.dispose()
    return tmp_path


def test_report_writes_a_pdf_and_an_html_file(env: Path) -> None:
    out = env / "out.pdf"
    done = runner.invoke(
        app,
        ["report", "--department", "LOG", "--period", "2026-11", "--format", "pdf", "-o", str(out)],
    )
    assert done.exit_code == 0, done.output
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "物流配送部" in text and "净推荐值" in text
    assert "工单与改进计划" in text, "the closed loop's section (issue #12)"
    page = env / "exec.html"
    done = runner.invoke(
        app,
        ["report", "--kind", "executive", "--period", "2026-11", "--lang", "en", "-o", str(page)],
    )
    assert done.exit_code == 0, done.output
    assert "Executive summary, month: whole company" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--department", "NOPE"], "no department with code 'NOPE'"),
        (["--period", "2026-13"], "YYYY-MM"),
        (["--format", "docx"], "pdf or html"),
        (["--lang", "fr"], "zh-CN or en"),
    ],
)
def test_report_errors_are_clear(env: Path, args: list[str], message: str) -> None:
    done = runner.invoke(app, ["report", "-o", str(env / "x.pdf"), *args])
    assert done.exit_code != 0
    assert message in done.output
