from __future__ import annotations

import csv
import json
import tracemalloc
from pathlib import Path

import pytest

from manyi.errors import InvalidInput
from manyi.ingestion.files import FIELD_LIMIT, open_table


def _write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "comment"])
        for i in range(rows):  # one emoji makes a decoded str cost 4 bytes a character
            writer.writerow([i, f"送货太慢了，等了三天 😡 line\n{i}" + "好" * 200])


def test_csv_rows_stream_instead_of_holding_the_file(tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    _write_csv(source, 8_000)
    size = source.stat().st_size  # ~5 MiB; decoded whole it would take ~4x that
    tracemalloc.start()
    try:
        table = open_table(source)
        rows = table.rows()
        first = next(rows)
        count = 1 + sum(1 for _ in rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (table.total, count) == (8_000, 8_000)
    assert first.line == 2 and first.values["id"] == "0"
    assert first.values["comment"].startswith("送货太慢了，等了三天 😡 line\n0")
    assert peak < size / 4, f"peak {peak:,} bytes for a {size:,}-byte file"


def test_line_numbers_gbk_and_blank_lines(tmp_path: Path) -> None:
    source = tmp_path / "gbk.csv"
    source.write_bytes('渠道,意见\r\n电话,"两行\r\n意见"\r\n,\r\n门店,好\r\n'.encode("gbk"))
    table = open_table(source)
    assert (table.encoding, table.headers, table.total) == ("gb18030", ["渠道", "意见"], 3)
    assert [(r.line, r.values["意见"]) for r in table.rows()] == [(2, "两行\r\n意见"), (5, "好")]


def test_bom_and_jsonl_stream(tmp_path: Path) -> None:
    source = tmp_path / "bom.csv"
    source.write_bytes("\ufeffid,comment\n1,好\n".encode())
    assert open_table(source).headers == ["id", "comment"]
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text(
        json.dumps({"text": "a\u2028b"}, ensure_ascii=False) + "\n\nnot json\n[1]\n",
        encoding="utf-8",
    )
    table = open_table(jsonl)
    assert table.total == 3
    rows = list(table.rows())
    assert rows[0].values == {"text": "a\u2028b"}  # U+2028 inside a string is no line break
    assert [r.line for r in rows] == [1, 3, 4]
    assert "not valid JSON" in rows[1].values["__error__"]
    assert "JSON object" in rows[2].values["__error__"]


def test_undecodable_and_oversized_cells_are_clear_errors(tmp_path: Path) -> None:
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"id,comment\n1," + bytes([0x81, 0x20, 0xFF, 0xFE]) * 100 + b"\n")
    with pytest.raises(InvalidInput, match="neither UTF-8 nor GBK"):
        open_table(binary)
    huge = tmp_path / "huge.csv"
    huge.write_text(f'id,comment\n1,ok\n2,"{"x" * (FIELD_LIMIT + 1)}"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"huge\.csv, line 3: not readable as CSV"):
        open_table(huge)
