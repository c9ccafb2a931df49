from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from manyi.enrichment.files import enrich_table
from manyi.errors import InvalidInput
from manyi.ingestion.files import open_table

HOSTILE = [
    "送货太慢了，等了三天，客服电话一直打不通",
    "师傅很专业，安装后还清理了现场，非常满意！",
    "",
    "\x00\x01\x02 control \x1b[31m characters \x7f",
    "混合 mixed 文字 text, 但是 the app keeps crashing 😡",
    "请联系我 13812345678 或 someone@example.com",
    "\ufffd\ufffd garbage bytes",
    bytes(range(256)).decode("latin-1") * 3,  # binary garbage that reached a text column
]


def _write_csv(path: Path, texts: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "comment"])
        for i, text in enumerate(texts):
            writer.writerow([i, text])


def test_enrich_csv_with_hostile_rows(tmp_path: Path) -> None:
    source = tmp_path / "comments.csv"
    _write_csv(source, [*HOSTILE, "好" * 10_000_000])
    table = open_table(source)
    result = enrich_table(
        table.rows(), table.headers, "comment", tmp_path / "out.csv", total=table.total
    )
    assert result.rows == len(HOSTILE) + 1
    with (tmp_path / "out.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == [str(i) for i in range(len(HOSTILE) + 1)]
    assert rows[0]["sentiment"] == "negative"
    assert rows[1]["sentiment"] == "positive"
    assert rows[2]["language"] == "empty"
    assert "13812345678" not in rows[5]["redacted_text"]
    assert "someone@example.com" not in rows[5]["redacted_text"]
    assert rows[0]["aspects"]  # delivery / waiting / staff mentioned
    assert json.loads(rows[0]["aspects_json"])[0]["code"]
    assert len(rows[-1]["redacted_text"]) == 10_000_000  # redacted in full, analysed on a prefix
    assert all(r["sentiment"] in ("negative", "neutral", "positive") for r in rows)


def test_jsonl_and_unknown_column(tmp_path: Path) -> None:
    source = tmp_path / "c.jsonl"
    source.write_text(
        "\n".join(json.dumps({"text": t}) for t in HOSTILE[:3]) + "\n", encoding="utf-8"
    )
    table = open_table(source)
    result = enrich_table(table.rows(), table.headers, "text", tmp_path / "o.csv")
    assert result.rows == 3
    with pytest.raises(InvalidInput, match="no field 'comment'"):
        enrich_table(open_table(source).rows(), [], "comment", tmp_path / "o2.csv")
    csv_source = tmp_path / "c.csv"
    _write_csv(csv_source, HOSTILE[:2])
    with pytest.raises(InvalidInput, match="its columns are: id, comment"):
        enrich_table(
            open_table(csv_source).rows(),
            open_table(csv_source).headers,
            "text",
            tmp_path / "o3.csv",
        )
