"""The analysis report: sections made of parts, and its JSON form.

A *part* is one computed result (the NPS of one column, the alpha of one construct, the PLS
model); a *section* groups the parts of one report heading. A part that cannot be computed on
the data (too few respondents, a constant column, a singular matrix) carries
``status="not computed"`` and the reason instead of numbers, and the other parts go on.

The JSON form (:func:`report_to_dict`) is what ``manyi analyze --json`` writes and what the
HTML shows: every section key is always present, NaN and infinities become ``null``, tables
become lists of records whose first field is the table's index. Its layout is documented in
docs/analyze.md and versioned by :data:`JSON_SCHEMA`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from manyi.reporting.analysis.spec import SECTIONS, AnalysisSpec

#: Identifies the JSON layout; bumped only when a key is renamed or removed.
JSON_SCHEMA = "manyi.analyze/1"

PartStatus = Literal["ok", "not computed"]
SectionStatus = Literal["ok", "partial", "not computed", "not requested"]


@dataclass(frozen=True)
class Part:
    """One computed result of a section.

    Attributes
    ----------
    key : str
        Stable key within the section, e.g. ``"nps.nps"`` or ``"alpha.tangibles"``.
    status : {"ok", "not computed"}
        Whether the numbers are there.
    reason : str or None
        Why it was not computed (the message of the error the statistic raised).
    values : mapping
        Headline numbers and settings (JSON-ready: str, int, float, bool, None, lists, dicts).
    tables : mapping of str to DataFrame
        Tables behind the part, e.g. ``"items"``; the index is kept as the first JSON field.
    result : object or None
        The ``manyi.stats`` result object itself, for use from Python (not in the JSON).
    """

    key: str
    status: PartStatus = "ok"
    reason: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    result: object | None = None


@dataclass(frozen=True)
class Section:
    """One report section.

    Attributes
    ----------
    key : str
        One of :data:`manyi.reporting.analysis.spec.SECTIONS`.
    status : {"ok", "partial", "not computed", "not requested"}
        "partial" when some parts were not computed; "not requested" when the spec has no
        such section.
    parts : mapping of str to Part
        The parts, in report order.
    reason : str or None
        For "not computed": the first part's reason.
    """

    key: str
    status: SectionStatus
    parts: Mapping[str, Part] = field(default_factory=dict)
    reason: str | None = None

    @classmethod
    def from_parts(cls, key: str, parts: list[Part]) -> Section:
        """Build a section and derive its status from its parts."""
        failed = [p for p in parts if p.status != "ok"]
        status: SectionStatus
        if not parts or len(failed) == len(parts):
            status = "not computed"
        elif failed:
            status = "partial"
        else:
            status = "ok"
        reason = failed[0].reason if status == "not computed" and failed else None
        return cls(key=key, status=status, parts={p.key: p for p in parts}, reason=reason)

    def part(self, key: str) -> Part:
        """The part called ``key`` (KeyError naming the available parts otherwise)."""
        try:
            return self.parts[key]
        except KeyError:
            raise KeyError(f"{self.key} has no part {key!r}; it has {list(self.parts)}") from None


@dataclass(frozen=True)
class AnalysisReport:
    """Everything ``manyi analyze`` computed.

    Attributes
    ----------
    spec : AnalysisSpec
        The spec the report was computed from.
    n_rows : int
        Rows in the data.
    n_used : int
        Rows used after the spec's ``filter`` (all rows without one).
    n_columns : int
        Columns in the data.
    sections : mapping of str to Section
        Every section of :data:`SECTIONS`, in order ("not requested" where the spec has none).
    elapsed_s : float
        Seconds the computation took.
    """

    spec: AnalysisSpec
    n_rows: int
    n_used: int
    n_columns: int
    sections: Mapping[str, Section]
    elapsed_s: float

    def section(self, key: str) -> Section:
        """The section called ``key``."""
        return self.sections[key]


def compute_part(key: str, compute: Callable[[], Part]) -> Part:
    """Run ``compute``; if the data do not allow it, return a "not computed" part instead.

    The statistics raise :class:`~manyi.errors.InvalidInput` (a ValueError) for data they
    cannot use, and NumPy raises ``LinAlgError`` (also a ValueError) or an ArithmeticError for
    degenerate matrices; those become the part's reason. Any other exception is a bug and is
    not hidden.
    """
    try:
        return compute()
    except (ValueError, ArithmeticError) as exc:
        return Part(key=key, status="not computed", reason=str(exc) or type(exc).__name__)


def _scalar(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): _scalar(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray | pd.Series):
        return [_scalar(v) for v in value]
    return str(value)


def jsonable(value: Any) -> Any:
    """Turn numbers, NumPy scalars, containers and NaN into plain JSON values (NaN → None).

    Examples
    --------
    >>> jsonable({"a": float("nan"), "b": np.int64(3), "c": (1.5, None)})
    {'a': None, 'b': 3, 'c': [1.5, None]}
    """
    return _scalar(value)


def table_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as JSON records; a named or non-default index becomes the first field.

    The first field is called after the index (``name`` when the index has no name), so a
    table of drivers gives ``[{"name": "speed", "raw": 0.3, …}, …]``.
    """
    frame = table.copy()
    index = frame.index
    default = (
        isinstance(index, pd.RangeIndex)
        and index.name is None
        and index.start == 0
        and index.step == 1
    )
    if not default:
        name = frame.index.name or "name"
        if name in frame.columns:
            name = f"{name}_"
        frame.index = frame.index.rename(name)
        frame = frame.reset_index()
    frame.columns = [str(c) for c in frame.columns]
    return [{str(k): _scalar(v) for k, v in row.items()} for row in frame.to_dict("records")]


def part_to_dict(part: Part) -> dict[str, Any]:
    """JSON form of one part."""
    return {
        "status": part.status,
        "reason": part.reason,
        "values": jsonable(part.values),
        "tables": {name: table_records(t) for name, t in part.tables.items()},
    }


def report_to_dict(report: AnalysisReport) -> dict[str, Any]:
    """JSON form of the whole report (stable keys; see docs/analyze.md).

    Examples
    --------
    >>> import pandas as pd
    >>> from manyi.reporting.analysis.run import analyze
    >>> from manyi.reporting.analysis.spec import parse_spec
    >>> frame = pd.DataFrame({"nps": [10, 9, 7, 3, 10, 8]})
    >>> out = report_to_dict(analyze(frame, parse_spec({"metrics": {"nps": ["nps"]}})))
    >>> round(out["sections"]["metrics"]["parts"]["nps.nps"]["values"]["score"], 1)
    33.3
    """
    spec = report.spec
    return {
        "schema": JSON_SCHEMA,
        "title": spec.title,
        "title_en": spec.title_en,
        "data": {"rows": report.n_rows, "rows_used": report.n_used, "columns": report.n_columns},
        "settings": {
            "confidence": spec.confidence,
            "seed": spec.seed,
            "filter": None if spec.filter is None else jsonable(spec.filter.model_dump()),
            "weights_column": spec.weights_column,
        },
        "sections": {
            key: {
                "status": report.sections[key].status,
                "reason": report.sections[key].reason,
                "parts": {k: part_to_dict(p) for k, p in report.sections[key].parts.items()},
            }
            for key in SECTIONS
        },
    }


def report_to_json(report: AnalysisReport, *, indent: int | None = 2) -> str:
    """The report as JSON text (UTF-8 characters kept, NaN written as null)."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=indent, allow_nan=False)


__all__ = [
    "JSON_SCHEMA",
    "AnalysisReport",
    "Part",
    "PartStatus",
    "Section",
    "SectionStatus",
    "compute_part",
    "jsonable",
    "part_to_dict",
    "report_to_dict",
    "report_to_json",
    "table_records",
]
