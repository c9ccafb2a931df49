"""XLSX exports with labels, written row by row (xlsxwriter's constant_memory mode).

Sheet ``data``: row 1 holds each column's label (the question text in the chosen
language), row 2 its variable name, then one row per response. Sheet ``codebook``: every
variable with its label, type, question and item, and one row per value label (the
meaning of each code). Text is written as text cells, never as formulas, so a comment
starting with ``=`` stays a comment.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from manyi.errors import InvalidInput
from manyi.reporting.exports.variables import Cell, Variable

#: Excel's rows per sheet, less the two header rows.
XLSX_MAX_ROWS = 1_048_576 - 2
#: Excel's longest cell text; longer open answers are cut there (xlsxwriter does it).
XLSX_MAX_TEXT = 32_767

_CODEBOOK_HEADER = ("variable", "label", "type", "question", "item", "value", "value label")


def check_xlsx_rows(rows: int) -> None:
    if rows > XLSX_MAX_ROWS:
        raise InvalidInput(
            f"an XLSX sheet holds at most {XLSX_MAX_ROWS:,} responses and this export has "
            f"{rows:,}; export CSV or SAV, or narrow the period"
        )


class XlsxExport:
    """An XLSX file being written; call :meth:`close` (or use ``with``) to finish it."""

    def __init__(self, path: Path, variables: list[Variable], *, title: str = "") -> None:
        self._book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        if title:
            self._book.set_properties({"title": title})
        self._bold = self._book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self._time = self._book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self._sheet = self._book.add_worksheet("data")
        self._codebook(variables)
        # constant_memory writes a row out when the next begins: each row whole, in order
        for col, variable in enumerate(variables):
            if variable.type == "datetime":
                self._sheet.set_column(col, col, 20)
            self._sheet.write_string(0, col, variable.label, self._bold)
        for col, variable in enumerate(variables):
            self._sheet.write_string(1, col, variable.name)
        self._sheet.freeze_panes(2, 1)
        self._next_row = 2

    def _codebook(self, variables: list[Variable]) -> None:
        sheet = self._book.add_worksheet("codebook")
        for col, text in enumerate(_CODEBOOK_HEADER):
            sheet.write_string(0, col, text, self._bold)
        row = 1
        for v in variables:
            described = [v.name, v.label, v.type, v.question or "", v.item]
            for value, label in v.value_labels.items() or [(None, "")]:
                for col, text in enumerate(described):
                    sheet.write_string(row, col, text)
                if value is not None:
                    sheet.write_number(row, 5, value)
                    sheet.write_string(row, 6, label)
                row += 1
        sheet.set_column(1, 1, 40)
        sheet.set_column(6, 6, 30)

    def write_rows(self, rows: list[list[Cell]]) -> None:
        sheet, time_format = self._sheet, self._time
        for values in rows:
            r = self._next_row
            for col, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, col, value)
                elif isinstance(value, datetime):
                    sheet.write_datetime(r, col, value, time_format)
                else:
                    sheet.write_number(r, col, value)
            self._next_row += 1

    def close(self) -> None:
        self._book.close()

    def __enter__(self) -> XlsxExport:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
