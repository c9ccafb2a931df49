"""Reading tabular files as (line number, {header: value}) rows, or as one DataFrame.

Text files (CSV, TSV, JSON Lines) are decoded in the first encoding that fits the whole
file: the one a byte-order mark names (UTF-8, UTF-16 or UTF-32: Excel's "Unicode text" is
UTF-16), else UTF-8, else what charset-normalizer reads in the first block when that is
not GBK (Big5, Shift-JIS, Windows-1252 ...), else GB18030 (a superset of GBK/GB2312, what
Excel in China writes). GB18030 decodes almost any bytes, Big5 included, so it is tried
last and only charset-normalizer can tell the two apart. The delimiter of a ``.csv`` or
``.txt`` file (comma, semicolon, tab or pipe) is found by :class:`csv.Sniffer` in the first
block; ``.tsv`` and ``.tab`` files are tab-separated. XLSX is read with openpyxl in
read-only mode; JSON Lines gives one object per line. Line numbers are the file's own
(header = line 1), so an error file can point a user at the exact line.

A row the reader cannot accept (a CSV row with more cells than the header, a JSON line
that is not an object) comes out with the reason under :data:`ERROR_KEY` and no other
internal key, so that the importer puts it in the error file with its line number.

CSV and JSON Lines are streamed: :func:`open_table` reads the file once to find its
encoding and delimiter and count its rows, and :meth:`TableFile.rows` reads it again row
by row, so a million-row file never sits in memory whole (it used to be decoded into one
string, which costs up to four bytes a character once a single emoji is in the file).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

import numpy as np
import pandas as pd

from manyi.errors import InvalidInput
from manyi.ingestion.text_format import candidate_encodings, sniffed_lines

ERROR_KEY = "__error__"
FIELD_LIMIT = 16 * 1024 * 1024
csv.field_size_limit(FIELD_LIMIT)
TAB_SEPARATED = (".tsv", ".tab")
DELIMITED = (".csv", ".txt", *TAB_SEPARATED)
T = TypeVar("T")


@dataclass(frozen=True)
class SourceRow:
    line: int
    values: dict[str, Any]


@dataclass
class TableFile:
    """An opened file: its headers, how many data rows it has, and an iterator over them."""

    path: Path
    format: str
    encoding: str | None
    headers: list[str]
    total: int
    delimiter: str = ","

    def rows(self) -> Iterator[SourceRow]:
        """The data rows, read from the file as they are asked for (blank lines skipped)."""
        if self.format == "csv":
            with self.path.open(encoding=self.encoding, newline="") as fh:
                yield from _csv_rows(fh, self.delimiter, self.path.name)
        elif self.format == "jsonl":
            with self.path.open(encoding=self.encoding) as fh:
                yield from _jsonl_rows(fh)
        else:
            yield from _xlsx_rows(self.path)


def _read_with_encoding(
    path: Path, newline: str | None, read: Callable[[IO[str]], T]
) -> tuple[T, str]:
    """``read`` the file as text in the first candidate encoding that decodes all of it.

    The file is decoded as it is read, block by block, never held whole in memory.
    """
    for encoding in candidate_encodings(path):
        try:
            with path.open(encoding=encoding, newline=newline) as fh:
                return read(fh), encoding
        except UnicodeError:
            continue
    raise InvalidInput(
        f"{path.name}: the file is neither UTF-8 nor GBK/GB18030 text, nor in another encoding "
        "a survey export is saved in (Big5, UTF-16, Shift-JIS, Windows-1252); "
        "save it as UTF-8 CSV and try again"
    )


def _csv_records(
    lines: Iterable[str], delimiter: str, name: str
) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) of each CSV record; a broken record is a clear error."""
    reader = csv.reader(lines, delimiter=delimiter)
    line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a cell over FIELD_LIMIT characters
            raise InvalidInput(f"{name}, line {line}: not readable as CSV: {exc}") from None
        yield line, record
        line = reader.line_num + 1


def _clean_header(value: Any) -> str:
    return str(value).strip().lstrip("\ufeff") if value is not None else ""


def _surplus_reason(record: list[str], width: int, delimiter: str) -> str | None:
    """Why a record with data beyond the header's last column is rejected (None: it is not).

    Blank cells past the end (a trailing delimiter) carry nothing and are let through.
    """
    surplus = [cell for cell in record[width:] if cell.strip()]
    if not surplus:
        return None
    shown = ", ".join(repr(cell if len(cell) <= 40 else cell[:40] + "…") for cell in surplus[:3])
    more = f" and {len(surplus) - 3} more" if len(surplus) > 3 else ""
    name = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(delimiter, delimiter)
    return (
        f"{len(record)} cells but the header has {width} columns (past the last: {shown}{more}); "
        f"put a cell that holds a {name} in double quotes"
    )


def _csv_rows(lines: Iterable[str], delimiter: str, name: str = "the file") -> Iterator[SourceRow]:
    records = _csv_records(lines, delimiter, name)
    headers = [_clean_header(h) for h in next(records, (1, []))[1]]
    width = len(headers)
    for line, record in records:
        if not any(cell.strip() for cell in record):
            continue
        values: dict[str, Any] = {
            h: (record[i] if i < len(record) else "") for i, h in enumerate(headers) if h
        }
        if len(record) > width:  # checked first: most rows fit, and this is the hot loop
            reason = _surplus_reason(record, width, delimiter)
            if reason is not None:
                values[ERROR_KEY] = reason
        yield SourceRow(line, values)


def _jsonl_rows(lines: Iterable[str]) -> Iterator[SourceRow]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield SourceRow(number, {ERROR_KEY: f"not valid JSON: {exc.msg} at column {exc.colno}"})
            continue
        if not isinstance(obj, dict):
            yield SourceRow(number, {ERROR_KEY: "each line must be a JSON object"})
            continue
        yield SourceRow(number, obj)


def _xlsx_rows(path: Path) -> Iterator[SourceRow]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        headers = [_clean_header(h) for h in next(rows, ())]
        for number, record in enumerate(rows, start=2):
            if not any(v is not None and str(v).strip() for v in record):
                continue
            yield SourceRow(
                number,
                {h: record[i] if i < len(record) else None for i, h in enumerate(headers) if h},
            )
    finally:
        workbook.close()


def open_table(path: str | Path) -> TableFile:
    """Open a CSV/TSV, XLSX or JSON Lines file; the format comes from the file name's ending."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise InvalidInput(f"cannot read {path.name} as an Excel workbook: {exc}") from None
        sheet = workbook.worksheets[0]
        first = next(sheet.iter_rows(values_only=True, max_row=1), ())
        total = max((sheet.max_row or 1) - 1, 0)
        workbook.close()
        return TableFile(
            path, "xlsx", None, [_clean_header(h) for h in first if h is not None], total
        )
    if suffix in (".jsonl", ".ndjson"):
        total, encoding = _read_with_encoding(
            path, None, lambda fh: sum(1 for line in fh if line.strip())
        )
        return TableFile(path, "jsonl", encoding, [], total)
    if suffix in DELIMITED:

        def header_and_count(fh: IO[str]) -> tuple[str, list[str], int]:
            lines: Iterator[str] = iter(fh)
            if suffix in TAB_SEPARATED:
                delimiter = "\t"
            else:
                delimiter, lines = sniffed_lines(lines)
            records = _csv_records(lines, delimiter, path.name)
            headers = [_clean_header(h) for h in next(records, (1, []))[1]]
            return delimiter, headers, sum(1 for _ in records)

        (delimiter, headers, total), encoding = _read_with_encoding(path, "", header_and_count)
        if not any(headers):
            raise InvalidInput(f"{path.name} has no header line")
        return TableFile(path, "csv", encoding, headers, total, delimiter)
    raise InvalidInput(
        f"unsupported file type {suffix or '(none)'}; use .csv, .tsv, .txt, .xlsx or .jsonl"
    )


def _typed_column(values: list[Any]) -> pd.Series:
    """One column with blanks as missing and numbers as numbers when every answer is one."""
    cleaned = [None if v is None or (isinstance(v, str) and not v.strip()) else v for v in values]
    series = pd.Series(cleaned, dtype=object)
    present = series.dropna()
    if present.empty:
        return series.astype(float)
    if all(isinstance(v, bool) for v in present):
        return series
    try:
        numbers = pd.to_numeric(present.map(lambda v: v.strip() if isinstance(v, str) else v))
    except (ValueError, TypeError):
        return series.map(lambda v: v.strip() if isinstance(v, str) else v)
    # Plain float64 with NaN for blanks: what every manyi.stats function expects (nullable
    # integer columns would turn into object arrays in some NumPy operations).
    out = pd.Series(np.nan, index=series.index, dtype=float)
    out[present.index] = numbers.astype(float)
    return out


def read_frame(path: str | Path) -> pd.DataFrame:
    """Read a CSV, XLSX or JSON Lines export into a DataFrame, one row per data line.

    The file is opened by :func:`open_table`, so the same encodings (UTF-8, GBK/GB18030,
    Big5, UTF-16 ...), delimiters and formats as the importer are accepted, and blank lines
    are skipped.
    Blank cells become missing values; a column whose every answer is a number becomes
    float (NaN for blanks), any other column keeps its text (stripped of outer spaces).

    Raises
    ------
    InvalidInput
        Unreadable or unsupported file, duplicate headers, a data line with more cells than
        the header, a JSON line that is not an object, or a file without data rows.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "s.csv"
    ...     _ = p.write_bytes("渠道,nps\\n电话,9\\n门店,\\n".encode("gbk"))
    ...     frame = read_frame(p)
    >>> frame["渠道"].tolist(), frame["nps"].tolist()
    (['电话', '门店'], [9.0, nan])
    """
    table = open_table(path)
    twice = sorted({h for h in table.headers if h and table.headers.count(h) > 1})
    if twice:
        raise InvalidInput(f"{table.path.name}: duplicate column header(s): {', '.join(twice)}")
    rows = list(table.rows())
    for row in rows:
        if ERROR_KEY in row.values:
            raise InvalidInput(f"{table.path.name}, line {row.line}: {row.values[ERROR_KEY]}")
    if not rows:
        raise InvalidInput(f"{table.path.name} has no data rows")
    columns = [h for h in table.headers if h] if table.format != "jsonl" else []
    for row in rows:
        for key in row.values:
            if key not in columns:
                columns.append(key)
    data = {c: _typed_column([row.values.get(c) for row in rows]) for c in columns}
    frame = pd.DataFrame(data)
    frame.index = pd.RangeIndex(len(frame))
    return frame
