"""`manyi analyze`, invoked through a local Typer app (cli/main.py registers the same function)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from click.testing import Result
from typer.testing import CliRunner

from manyi.cli.analyze import analyze_command
from manyi.stats.metrics import csat, nps

runner = CliRunner()
app = typer.Typer()
app.command("analyze")(analyze_command)
# A second command keeps Typer from collapsing the app into the single command, so the
# invocation below is "analyze ..." exactly as under `manyi`.
app.command("noop")(lambda: None)

SPEC = """\
title: 门店调查
metrics:
  nps: [推荐意愿]
  csat:
    - {column: 满意度, scale: [1, 5]}
segments:
  columns: [渠道]
"""


def survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "渠道": ["电话", "门店", "电话", "门店", "电话", "门店", "电话", "门店"],
            "推荐意愿": [9, 10, 6, 8, 3, 10, 7, None],
            "满意度": [4, 5, 3, 4, 2, 5, 4, 5],
        }
    )


def _analyze(tmp_path: Path, data: Path, *options: str, spec: str = SPEC) -> Result:
    """`analyze DATA --spec SPEC …` with the spec written to tmp_path."""
    spec_path = tmp_path / "spec.yaml"
    spec_path.write_text(spec, encoding="utf-8")
    return runner.invoke(app, ["analyze", str(data), "--spec", str(spec_path), *options])


def test_example_writes_html_and_json(tmp_path: Path) -> None:
    html, out = tmp_path / "r.html", tmp_path / "r.json"
    result = runner.invoke(app, ["analyze", "--example", "--out", str(html), "--json", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["rows"] == 477 and summary["rows_used"] == 420
    assert set(summary["sections"].values()) == {"ok"}
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["sections"]["kano"]["status"] == "ok"
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'lang="zh-CN"' in page


def test_gbk_csv_with_chinese_headers(tmp_path: Path) -> None:
    frame = survey()
    data = tmp_path / "export.csv"
    frame.to_csv(data, index=False, encoding="gbk")
    out = tmp_path / "r.json"
    result = _analyze(
        tmp_path, data, "--out", str(tmp_path / "r.html"), "--json", str(out), "--lang", "en"
    )
    assert result.exit_code == 0, result.output
    parts = json.loads(out.read_text(encoding="utf-8"))["sections"]
    nps_part = parts["metrics"]["parts"]["nps.推荐意愿"]["values"]
    assert nps_part["score"] == pytest.approx(nps(frame["推荐意愿"]).score, abs=1e-12)
    assert nps_part["n_missing"] == 1
    assert parts["metrics"]["parts"]["csat.满意度"]["values"]["mean"] == pytest.approx(
        csat(frame["满意度"]).mean, abs=1e-12
    )
    assert parts["segments"]["parts"]["渠道/满意度/mean"]["values"]["groups"] == ["电话", "门店"]
    assert 'lang="en"' in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_xlsx_input(tmp_path: Path) -> None:
    data = tmp_path / "export.xlsx"
    survey().to_excel(data, index=False)
    out = tmp_path / "r.json"
    result = _analyze(tmp_path, data, "--out", str(tmp_path / "r.html"), "--json", str(out))
    assert result.exit_code == 0, result.output
    values = json.loads(out.read_text(encoding="utf-8"))["sections"]["metrics"]["parts"]
    assert values["nps.推荐意愿"]["values"]["n"] == 7


def test_unknown_column_is_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "export.csv"
    survey().to_csv(data, index=False, encoding="utf-8-sig")
    html = tmp_path / "r.html"
    result = _analyze(
        tmp_path, data, "--out", str(html), spec=SPEC.replace("[推荐意愿]", "[推荐意愿x]")
    )
    assert result.exit_code == 1
    assert "not in the data" in result.output
    assert "metrics: unknown column(s): 推荐意愿x (did you mean 推荐意愿?)" in result.output
    assert not html.exists()


def test_invalid_spec_names_the_bad_key(tmp_path: Path) -> None:
    data = tmp_path / "export.csv"
    survey().to_csv(data, index=False)
    result = _analyze(tmp_path, data, spec="metrics:\n  nsp: [推荐意愿]\n")
    assert result.exit_code == 1
    assert "metrics.nsp" in result.output


def test_bad_rows_in_file_are_reported(tmp_path: Path) -> None:
    data = tmp_path / "export.csv"
    data.write_text("渠道,推荐意愿,满意度\n电话,9,4\n门店,8,4,extra\n", encoding="utf-8")
    result = _analyze(tmp_path, data)
    assert result.exit_code == 1
    assert "export.csv, line 3: 4 cells but the header has 3 columns" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "x.csv"], "give FILE and --spec"),
        (["analyze", "--example", "--lang", "fr"], "--lang must be one of"),
        (["analyze", "x.csv", "--example"], "give neither"),
    ],
)
def test_wrong_command_lines_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
