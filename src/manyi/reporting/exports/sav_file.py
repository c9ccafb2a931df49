"""SPSS .sav exports with variable labels, value labels and measurement levels (pyreadstat).

pyreadstat writes a whole data frame at once and cannot append to a file, so a .sav
export holds its data in memory until the end. It is kept compact: each numeric and time
column in a packed ``array('d')`` (8 bytes a value, no Python object per cell), text
columns as lists of strings; the memory bound is about rows × (8 bytes × numeric columns
+ the text) plus pyreadstat's own copy while it writes, which is why
``MANYI_EXPORT_SAV_MAX_ROWS`` caps the rows of one .sav export (measured: 889 MiB peak
at 1,000,000 responses of 16 items, docs/performance.md#exports).
"""

from __future__ import annotations

import math
from array import array
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from manyi.errors import InvalidInput
from manyi.reporting.exports.variables import Cell, Variable

_EPOCH = datetime(1970, 1, 1)


def check_sav_rows(rows: int, limit: int) -> None:
    if rows > limit:
        raise InvalidInput(
            f"a .sav export is built in memory and this one would have {rows:,} responses, "
            f"more than MANYI_EXPORT_SAV_MAX_ROWS ({limit:,}); narrow the period or export "
            "CSV or XLSX, which are written row by row"
        )


class SavExport:
    """Collects rows column by column; :meth:`close` writes the .sav file."""

    def __init__(self, path: Path, variables: list[Variable], *, title: str = "") -> None:
        self._path = path
        self._variables = variables
        self._title = title
        self._numbers: dict[int, array[float]] = {}
        self._texts: dict[int, list[str]] = {}
        for col, variable in enumerate(variables):
            if variable.type == "text":
                self._texts[col] = []
            else:
                self._numbers[col] = array("d")

    def write_rows(self, rows: list[list[Cell]]) -> None:
        nan = math.nan
        for col, numbers in self._numbers.items():
            if self._variables[col].type == "datetime":
                numbers.extend(
                    (v - _EPOCH).total_seconds() if isinstance(v, datetime) else nan
                    for v in (row[col] for row in rows)
                )
            else:
                numbers.extend(
                    nan if v is None else float(v)  # type: ignore[arg-type]
                    for v in (row[col] for row in rows)
                )
        for col, texts in self._texts.items():
            texts.extend("" if row[col] is None else str(row[col]) for row in rows)

    def close(self) -> None:
        columns: dict[str, object] = {}
        for col, variable in enumerate(self._variables):
            if col in self._texts:
                columns[variable.name] = pd.Series(self._texts.pop(col), dtype=object)
                continue
            values = np.frombuffer(self._numbers.pop(col), dtype=np.float64)
            if variable.type == "datetime":
                # seconds since 1970 → datetime64 (NaN becomes NaT, SPSS's missing time)
                columns[variable.name] = pd.to_datetime(values, unit="s")
            else:
                columns[variable.name] = values
        frame = pd.DataFrame(columns)
        pyreadstat.write_sav(
            frame,
            str(self._path),
            file_label=self._title[:64],
            column_labels={v.name: v.label for v in self._variables},
            variable_value_labels={
                v.name: {float(k): label for k, label in v.value_labels.items()}
                for v in self._variables
                if v.value_labels
            },
            variable_measure={v.name: v.measure for v in self._variables},
        )
