from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from manyi.enrichment.files import enrich_table
from manyi.errors import InvalidInput
from manyi.ingestion.files import SourceRow, open_table

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


def test_rows_are_pulled_chunk_by_chunk_not_materialised(tmp_path: Path) -> None:
    pulled = 0

    def rows() -> Iterator[SourceRow]:
        nonlocal pulled
        for i in range(30):
            pulled += 1
            yield SourceRow(i + 2, {"id": str(i), "comment": HOSTILE[i % 2]})

    seen: list[tuple[int, int, int]] = []

    def progress(done: int, total: int) -> None:  # called once a chunk has been written
        seen.append((done, pulled, total))

    out = tmp_path / "out.csv"
    result = enrich_table(
        rows(), ["id", "comment"], "comment", out, total=30, progress=progress, chunk_size=7
    )
    assert result.rows == 30
    # the first chunk was written when only its 7 rows had been read, and so on
    assert seen == [(7, 7, 30), (14, 14, 30), (21, 21, 30), (28, 28, 30), (30, 30, 30)]
    with out.open(encoding="utf-8-sig", newline="") as fh:
        assert [r["id"] for r in csv.DictReader(fh)] == [str(i) for i in range(30)]


HOSTILE_CELLS: dict[str, object] = {
    "empty": "",
    "whitespace": " \t ",
    "ideographic_space": "\u3000\u3000",
    "newlines_only": "\r\n\n",
    "control": "\x00\x01\x02 控制 \x1b[31m字符 \x7f\x0b\x0c\x1c\x85",
    "garbage": bytes(range(256)).decode("latin-1") * 2,
    "replacement": "\ufffd\ufffd\ufffd",
    "mixed_scripts": "配送 очень плохо サービス 배송 الخدمة שירות बहुत but the app 崩溃了",
    "emoji": "👨‍👩‍👧‍👦🇨🇳❤️👍🏽" * 50 + "😡",
    "quotes_newlines": 'he said "送货太慢",\r\nthen "" left\n"',
    "formula": '=HYPERLINK("http://x")',
    "long": "服务很好，但是价格太贵了。" * 8_000,  # ~100k characters
    "none": None,
    "number": 12345,
    "bytes": b"\xe5\xa5\xbd\xff\xfe",
}


def test_every_hostile_cell_gets_a_result_row(tmp_path: Path) -> None:
    def rows() -> Iterator[SourceRow]:
        for i, (kind, cell) in enumerate(HOSTILE_CELLS.items()):
            yield SourceRow(i + 2, {"id": kind, "comment": cell})
        yield SourceRow(99, {"id": "no_comment_key"})
        yield SourceRow(100, {"__error__": "not valid JSON: Expecting value at column 1"})
        yield SourceRow(101, {"id": "after", "comment": "送货太慢了"})

    out = tmp_path / "out.csv"
    result = enrich_table(rows(), ["id", "comment"], "comment", out, chunk_size=4)
    ids = [*HOSTILE_CELLS, "no_comment_key", "", "after"]
    assert result.rows == len(ids)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        written = list(csv.DictReader(fh))
    assert [r["id"] for r in written] == ids
    for row in written:
        assert (row["sentiment"] in ("negative", "neutral", "positive")) != bool(
            row["enrichment_error"]
        ), row
    by_id = {r["id"]: r for r in written}
    for kind, cell in HOSTILE_CELLS.items():
        if isinstance(cell, str):
            assert by_id[kind]["comment"] == cell, kind  # the input column comes back intact
    assert by_id["empty"]["language"] == "empty"
    assert len(by_id["long"]["redacted_text"]) == len(str(HOSTILE_CELLS["long"]))
    unreadable = written[-2]
    assert unreadable["enrichment_error"].startswith("line 100: not valid JSON")
    assert unreadable["sentiment"] == ""
    assert by_id["after"]["sentiment"] == "negative"
    assert result.errors == 1 and result.sentiment_counts["error"] == 1


def test_jsonl_without_a_single_object_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "garbage.jsonl"
    source.write_bytes(b"\x00\x01garbage\n[1, 2]\n")
    with pytest.raises(InvalidInput, match="line 1: not valid JSON"):
        enrich_table(open_table(source).rows(), [], "text", tmp_path / "o.csv")
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text('not json\n{"text": "很好"}\n', encoding="utf-8")
    result = enrich_table(open_table(mixed).rows(), [], "text", tmp_path / "o2.csv")
    assert (result.rows, result.errors) == (2, 1)
