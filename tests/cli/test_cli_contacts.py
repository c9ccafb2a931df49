"""`manyi contacts import FILE --list NAME`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from manyi.cli.main import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MANYI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MANYI_DATABASE_URL", raising=False)
    return tmp_path


def test_contacts_import(env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    path = env / "名单.csv"
    path.write_text(
        "客户编号,手机,邮箱,同意联系\nC-1,13812345678,li@example.com,是\nC-2,123,,是\n",
        encoding="utf-8",
    )
    done = runner.invoke(app, ["contacts", "import", str(path), "--list", "春季回访"])
    assert done.exit_code == 0, done.output
    assert "1 stored (1 new customers" in done.output
    assert "line 3 (phone): not a phone number: '123'" in done.output
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert (summary["accepted"], summary["rejected"]) == (1, 1)
    assert Path(summary["error_file"]).exists()
    again = runner.invoke(app, ["contacts", "import", str(path), "--list", "春季回访"])
    assert json.loads(again.stdout.strip().splitlines()[-1])["list_id"] == summary["list_id"]

    missing = runner.invoke(app, ["contacts", "import", str(path)])
    assert missing.exit_code != 0 and "--list" in missing.output
    (env / "bad.csv").write_text("姓名\n李雷\n", encoding="utf-8")
    bad = runner.invoke(app, ["contacts", "import", str(env / "bad.csv"), "--list", "x"])
    assert bad.exit_code == 1 and "no customer id column" in bad.output
