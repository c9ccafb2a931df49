"""`manyi text FILE --column COL`: the command end to end (the library is tested in tests/text)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from manyi.cli.main import app

runner = CliRunner()

TAXONOMY = """\
version: phones-1
extends: default
aspects:
  - code: feel
    names: {zh: 手感, en: feel}
    dimension: null
    keywords: {zh: [手感], en: []}
"""

# Deliberately odd: 丝滑 as a *complaint*, so the test can tell this lexicon was used.
LEXICON = """\
version: odd-1
zh: {positive: [], negative: [丝滑], neutral: [], negators: [不], degree: [很]}
en: {positive: [], negative: [], neutral: [], negators: [not], degree: []}
"""


def _csv(path: Path, comments: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "comment"])
        writer.writerows(enumerate(comments))
    return path


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _feel(path: Path) -> dict[str, str]:
    (found,) = [a for a in json.loads(_read(path)[0]["aspects_json"]) if a["code"] == "feel"]
    return found


def _said(output: str) -> str:
    return " ".join(output.split())  # Rich wraps long lines


def test_enriches_every_row_and_reports(tmp_path: Path) -> None:
    source = _csv(tmp_path / "c.csv", ["送货太慢了", "服务很好，下次还来", ""])
    result = runner.invoke(app, ["text", str(source), "--column", "comment"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "c.enriched.csv"
    assert result.stdout.strip().splitlines()[-1] == str(out)
    rows = _read(out)
    assert [r["id"] for r in rows] == ["0", "1", "2"]
    assert [r["sentiment"] for r in rows] == ["negative", "positive", "neutral"]
    assert json.loads(rows[0]["aspects_json"])[0]["label"] == "negative"


def test_own_taxonomy_and_opinion_lexicon(tmp_path: Path) -> None:
    source = _csv(tmp_path / "c.csv", ["手感很丝滑"])
    (tmp_path / "tax.yaml").write_text(TAXONOMY, encoding="utf-8")
    (tmp_path / "words.yaml").write_text(LEXICON, encoding="utf-8")
    args = ["text", str(source), "--column", "comment", "--taxonomy", str(tmp_path / "tax.yaml")]
    plain = runner.invoke(app, [*args, "--out", str(tmp_path / "a.csv")])
    assert plain.exit_code == 0, plain.output
    found = _feel(tmp_path / "a.csv")
    assert found["label"] != "negative"
    own = runner.invoke(
        app,
        [
            *args,
            "--opinion-lexicon",
            str(tmp_path / "words.yaml"),
            "--out",
            str(tmp_path / "b.csv"),
        ],
    )
    assert own.exit_code == 0, own.output
    assert _feel(tmp_path / "b.csv")["label"] == "negative"


def test_clear_errors(tmp_path: Path) -> None:
    source = _csv(tmp_path / "c.csv", ["ok"])
    missing = runner.invoke(app, ["text", str(source), "--column", "review"])
    assert missing.exit_code == 1
    assert "no column 'review'" in _said(missing.output)
    assert "id, comment" in _said(missing.output)
    (tmp_path / "bad.yaml").write_text(
        "version: x\nzh: {positive: [好], negative: [好]}\nen: {}\n", encoding="utf-8"
    )
    bad = runner.invoke(
        app,
        [
            "text",
            str(source),
            "--column",
            "comment",
            "--opinion-lexicon",
            str(tmp_path / "bad.yaml"),
        ],
    )
    assert bad.exit_code == 1
    assert "both positive and negative" in _said(bad.output)
