"""Reading tabular files as (line number, {header: value}) rows, or as one DataFrame.

CSV is decoded as UTF-8 (with or without BOM) or, failing that, GB18030 (a superset of
GBK/GB2312, what Excel in China writes); XLSX is read with openpyxl in read-only mode;
JSON Lines gives one object per line. Line numbers are the file's own (header = line 1),
so an error file can point a user at the exact line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from manyi.errors import InvalidInput

ENCODINGS = ("utf-8-sig", "gb18030")
csv.field_size_limit(16 * 1024 * 1024)


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
    _text: str | None = None

    def rows(self) -> Iterator[SourceRow]:
        if self.format == "csv":
            yield from _csv_rows(self._text or "")
        elif self.format == "jsonl":
            yield from _jsonl_rows(self._text or "")
        else:
            yield from _xlsx_rows(self.path)


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not) or GB18030; raise if neither fits."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InvalidInput(
        "the file is neither UTF-8 nor GBK/GB18030 text; save it as UTF-8 CSV and try again"
    )


def _clean_header(value: Any) -> str:
    return str(value).strip().lstrip("\ufeff") if value is not None else ""


def _csv_rows(text: str) -> Iterator[SourceRow]:
    reader = csv.reader(io.StringIO(text, newline=""))
    headers = [_clean_header(h) for h in next(reader, [])]
    start = reader.line_num + 1
    for record in reader:
        line = start
        start = reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        values: dict[str, Any] = {
            h: (record[i] if i < len(record) else "") for i, h in enumerate(headers) if h
        }
        if len(record) > len(headers):
            values["__extra__"] = record[len(headers) :]
        yield SourceRow(line, values)


def _jsonl_rows(text: str) -> Iterator[SourceRow]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield SourceRow(
                number, {"__error__": f"not valid JSON: {exc.msg} at column {exc.colno}"}
            )
            continue
        if not isinstance(obj, dict):
            yield SourceRow(number, {"__error__": "each line must be a JSON object"})
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
    """Open a CSV, XLSX or JSON Lines file; the format comes from the file name's ending."""
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
        text, encoding = decode(path.read_bytes())
        total = sum(1 for line in text.splitlines() if line.strip())
        keys: list[str] = []
        return TableFile(path, "jsonl", encoding, keys, total, text)
    if suffix in (".csv", ".txt", ".tsv"):
        text, encoding = decode(path.read_bytes())
        reader = csv.reader(io.StringIO(text, newline=""))
        headers = [_clean_header(h) for h in next(reader, [])]
        if not any(headers):
            raise InvalidInput(f"{path.name} has no header line")
        total = sum(1 for _ in reader)
        return TableFile(path, "csv", encoding, headers, total, text)
    raise InvalidInput(f"unsupported file type {suffix or '(none)'}; use .csv, .xlsx or .jsonl")


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

    The file is opened by :func:`open_table`, so the same encodings (UTF-8 with or without
    BOM, GBK/GB18030) and formats as the importer are accepted, and blank lines are skipped.
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
        if "__error__" in row.values:
            raise InvalidInput(f"{table.path.name}, line {row.line}: {row.values['__error__']}")
        if "__extra__" in row.values:
            raise InvalidInput(
                f"{table.path.name}, line {row.line}: more cells than the header has columns"
            )
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
