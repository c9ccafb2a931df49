"""``analyze``: a survey export (a DataFrame) and a spec in, every report section out."""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd

from manyi.errors import InvalidInput
from manyi.reporting.analysis.compute_drivers import (
    drivers_section,
    kano_section,
    value_curve_section,
)
from manyi.reporting.analysis.compute_index import indicators_section, pls_section
from manyi.reporting.analysis.compute_measures import metrics_section, segments_section
from manyi.reporting.analysis.compute_quality import reliability_section, servqual_section
from manyi.reporting.analysis.report import AnalysisReport, Section
from manyi.reporting.analysis.spec import SECTIONS, AnalysisSpec, RowFilter, check_columns

_RUNNERS: dict[str, Callable[..., Section]] = {
    "metrics": metrics_section,
    "reliability": reliability_section,
    "servqual": servqual_section,
    "indicators": indicators_section,
    "pls": pls_section,
    "drivers": drivers_section,
    "kano": kano_section,
    "value_curve": value_curve_section,
    "segments": segments_section,
}

#: Sections that use every row, whatever the spec's filter: the value curve compares the
#: customers' ratings with the staff's and the managers', who are filtered out elsewhere.
ALL_ROWS_SECTIONS = frozenset({"value_curve"})


def apply_filter(frame: pd.DataFrame, row_filter: RowFilter | None) -> pd.DataFrame:
    """Rows whose filter column holds one of the filter's values (all rows without a filter).

    Numeric columns are matched by number (``1`` matches ``1.0``), others by text.

    Examples
    --------
    >>> df = pd.DataFrame({"who": ["customer", "staff", "customer"], "x": [1, 2, 3]})
    >>> apply_filter(df, RowFilter(column="who", values=["customer"]))["x"].tolist()
    [1, 3]
    """
    if row_filter is None:
        return frame
    column = frame[row_filter.column]
    if pd.api.types.is_numeric_dtype(column):
        try:
            wanted = [float(v) for v in row_filter.values]
        except ValueError:
            raise InvalidInput(
                f"filter: column {row_filter.column!r} is numeric; filter it by numbers"
            ) from None
        keep = column.isin(wanted)
    else:
        keep = column.astype("string").str.strip().isin([str(v) for v in row_filter.values])
    keep = keep.fillna(False).astype(bool)
    if not keep.any():
        present = ", ".join(map(str, pd.unique(column.dropna())[:10]))
        raise InvalidInput(
            f"filter: no row has {row_filter.column} in {row_filter.values}; "
            f"the column holds: {present}"
        )
    return frame.loc[keep.to_numpy()]


def analyze(frame: pd.DataFrame, spec: AnalysisSpec) -> AnalysisReport:
    """Compute every section the spec asks for on a survey export.

    Column names are checked first: any the data lack raise
    :class:`~manyi.errors.InvalidInput` naming them per section. A part that the data do not
    allow (too few respondents, constant or non-numeric answers, a singular matrix, an
    inconsistent setting) is reported as "not computed" with the reason, and the rest of the
    report is still computed.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent (or rater), as read by ``manyi.ingestion.files.read_frame``.
    spec : AnalysisSpec
        Which columns are which (see :func:`manyi.reporting.analysis.spec.load_spec`).

    Returns
    -------
    AnalysisReport

    Examples
    --------
    >>> df = pd.DataFrame({"nps": [10, 9, 8, 6, 10], "csat": [5, 4, 4, 2, 5]})
    >>> from manyi.reporting.analysis.spec import parse_spec
    >>> report = analyze(df, parse_spec({"metrics": {"nps": ["nps"], "csat": ["csat"]}}))
    >>> report.section("metrics").part("nps.nps").values["score"]
    40.0
    """
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInput("analyze: the data must be a pandas DataFrame")
    started = time.perf_counter()
    frame = frame.copy()
    frame.columns = pd.Index([str(c) for c in frame.columns])
    if frame.columns.has_duplicates:
        twice = sorted({c for c in frame.columns if (frame.columns == c).sum() > 1})
        raise InvalidInput(f"the data have duplicate column names: {', '.join(twice)}")
    check_columns(spec, frame.columns)
    used = apply_filter(frame, spec.filter)
    sections: dict[str, Section] = {}
    for key in SECTIONS:
        settings = getattr(spec, key)
        if settings is None:
            sections[key] = Section(key=key, status="not requested")
            continue
        data = frame if key in ALL_ROWS_SECTIONS else used
        sections[key] = _RUNNERS[key](data, spec, settings)
    return AnalysisReport(
        spec=spec,
        n_rows=len(frame),
        n_used=len(used),
        n_columns=frame.shape[1],
        sections=sections,
        elapsed_s=time.perf_counter() - started,
    )


__all__ = ["ALL_ROWS_SECTIONS", "analyze", "apply_filter"]
