from __future__ import annotations

import csv
import json
import tracemalloc
from collections import deque
from pathlib import Path

import pytest

from manyi.errors import InvalidInput
from manyi.ingestion.files import ERROR_KEY, FIELD_LIMIT, open_table, read_frame


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


def test_a_row_with_more_cells_than_the_header_is_rejected_with_its_line(tmp_path: Path) -> None:
    source = tmp_path / "extra.csv"
    source.write_text(
        "id,comment\n1,好\n2,送货慢,等了三天\n3,ok,,\n", encoding="utf-8"
    )  # line 4's surplus cells are blank: a trailing delimiter loses nothing
    rows = list(open_table(source).rows())
    assert [r.line for r in rows] == [2, 3, 4]
    assert ERROR_KEY not in rows[0].values and ERROR_KEY not in rows[2].values
    assert rows[1].values[ERROR_KEY] == (
        "3 cells but the header has 2 columns (past the last: '等了三天'); "
        "put a cell that holds a comma in double quotes"
    )
    assert all(set(r.values) <= {"id", "comment", ERROR_KEY} for r in rows), "no other key"
    with pytest.raises(InvalidInput, match=r"extra\.csv, line 3: 3 cells but the header has 2"):
        read_frame(source)


@pytest.mark.parametrize("suffix", [".tsv", ".tab"])
def test_tab_separated_files_are_read_by_tab(tmp_path: Path, suffix: str) -> None:
    source = tmp_path / f"export{suffix}"
    source.write_text("id\tcomment\n1\t好, 很快\n", encoding="utf-8")
    table = open_table(source)
    assert (table.headers, table.delimiter) == (["id", "comment"], "\t")
    assert [r.values for r in table.rows()] == [{"id": "1", "comment": "好, 很快"}]


@pytest.mark.parametrize(
    ("name", "text", "delimiter", "values"),
    [
        # Excel in Europe writes semicolons (its decimal mark is the comma)
        (
            "eu.csv",
            "id;nps;weight\n1;9;0,5\n2;7;1,5\n",
            ";",
            {"id": "1", "nps": "9", "weight": "0,5"},
        ),
        ("pipe.txt", "id|comment\n1|a, b\n2|c\n", "|", {"id": "1", "comment": "a, b"}),
        ("tab.txt", "id\tcomment\n1\tx;y\n", "\t", {"id": "1", "comment": "x;y"}),
        # one column whose answers hold semicolons: the header has no delimiter, so comma
        ("one.csv", "comment\na;b\nc;d\n", ",", {"comment": "a;b"}),
        (
            "quoted.csv",
            'id,comment\n1,"a; b; c"\n2,"d; e"\n',
            ",",
            {"id": "1", "comment": "a; b; c"},
        ),
    ],
)
def test_the_delimiter_of_a_csv_or_txt_file_is_sniffed(
    tmp_path: Path, name: str, text: str, delimiter: str, values: dict[str, str]
) -> None:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    table = open_table(source)
    assert table.delimiter == delimiter
    assert next(table.rows()).values == values


def test_big5_is_not_read_as_gbk_mojibake(tmp_path: Path) -> None:
    # Big5 bytes are also valid GB18030 (both use lead bytes 0x81-0xFE), so only
    # charset-normalizer tells them apart; Taiwan and Hong Kong Excel write Big5.
    source = tmp_path / "tw.csv"
    source.write_bytes("渠道,意見\n電話,送貨太慢了\n門市,服務很好\n".encode("big5"))
    table = open_table(source)
    assert (table.encoding, table.headers) == ("big5", ["渠道", "意見"])
    assert [r.values["意見"] for r in table.rows()] == ["送貨太慢了", "服務很好"]


def test_gbk_stays_gb18030_when_the_detector_also_sees_korean(tmp_path: Path) -> None:
    # charset-normalizer ranks cp949 first on this short GBK file (checked with 3.5)
    source = tmp_path / "cn.csv"
    source.write_bytes("渠道,意见\r\n电话,送货太慢了\r\n".encode("gbk"))
    assert open_table(source).encoding == "gb18030"


@pytest.mark.parametrize(
    ("encoding", "prefix"), [("utf-16", b""), ("utf-16-le", b""), ("utf-16-be", b"")]
)
def test_excel_unicode_text_utf16_tab_separated(
    tmp_path: Path, encoding: str, prefix: bytes
) -> None:
    # Excel's "Unicode text (*.txt)" is UTF-16 with a byte-order mark, tab-separated;
    # utf-16-le/-be write no mark, which charset-normalizer then has to find.
    source = tmp_path / "unicode.txt"
    source.write_bytes(prefix + "编号\t意见\r\n1\t送货慢, 但是态度好\r\n".encode(encoding))
    table = open_table(source)
    assert (table.headers, table.delimiter, table.total) == (["编号", "意见"], "\t", 1)
    assert next(table.rows()).values == {"编号": "1", "意见": "送货慢, 但是态度好"}


def test_windows_1252_western_export(tmp_path: Path) -> None:
    source = tmp_path / "fr.csv"
    source.write_bytes("name,comment\nJosé,très bien résumé\nZoë,naïve café\n".encode("cp1252"))
    table = open_table(source)
    assert table.encoding == "cp1252"
    assert [r.values["comment"] for r in table.rows()] == ["très bien résumé", "naïve café"]


def test_sniffing_reads_only_the_first_block(tmp_path: Path) -> None:
    # A semicolon file far bigger than the sniffed block: streamed, every row counted,
    # and a row past the block still split by the sniffed delimiter.
    source = tmp_path / "big.csv"
    with source.open("w", encoding="utf-8", newline="") as fh:
        fh.write("id;comment\n")
        for i in range(20_000):
            fh.write(f"{i};送货太慢了，等了三天 {i}\n")
    table = open_table(source)
    assert (table.delimiter, table.total) == (";", 20_000)
    (last,) = deque(table.rows(), maxlen=1)
    assert last.values == {
        "id": "19999",
        "comment": "送货太慢了，等了三天 19999",
    }
