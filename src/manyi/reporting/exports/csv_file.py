"""CSV exports: UTF-8 with a byte-order mark (so Excel reads Chinese text right), one
header row of variable names, and no cell a spreadsheet would run as a formula.

OWASP's CSV injection guidance: a text cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return may be taken for a formula by Excel, LibreOffice or Google
Sheets (``=HYPERLINK(…)``, ``@SUM(…)``, DDE), so such a cell gets a single quote in
front, which those programs show as text. Numbers are written as numbers (``-3`` stays a
number): only text cells are neutralised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TextIO

from manyi.reporting.exports.variables import Cell, Variable

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` as a cell no spreadsheet runs as a formula (OWASP CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: Cell) -> str:
    """One cell's text: empty for a missing value, numbers as numbers, times in ISO 8601
    (UTC, as stored), text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):  # not expected, but never "True" in a score column
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return neutralise(value)


class CsvExport:
    """Writes rows to a text stream opened with ``newline=""`` (RFC 4180 line ends)."""

    def __init__(self, stream: TextIO, variables: list[Variable]) -> None:
        self._writer = csv.writer(stream, lineterminator="\r\n")
        self._writer.writerow([v.name for v in variables])

    def write_rows(self, rows: Iterable[list[Cell]]) -> None:
        self._writer.writerows([csv_cell(v) for v in row] for row in rows)


def csv_chunks(variables: list[Variable], pages: Iterable[list[list[Cell]]]) -> Iterator[bytes]:
    """The CSV file as bytes, one chunk per page of rows (for a streamed HTTP answer)."""
    buffer = io.StringIO(newline="")
    buffer.write(BOM)
    writer = CsvExport(buffer, variables)
    yield _drain(buffer)
    for rows in pages:
        writer.write_rows(rows)
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
