"""`manyi analyze`: a complete survey-analysis report from an export file, offline.

A spec (YAML) says which columns are which; :func:`analyze` computes every section the spec
asks for with :mod:`manyi.stats` and returns an :class:`AnalysisReport`;
:func:`render_html` turns it into one self-contained HTML page (Plotly charts inlined, no
network needed) and :func:`report_to_json` into the same numbers as JSON. The layer rule
holds: this package reads no files of survey data itself; the CLI reads them with
``manyi.ingestion.files.read_frame``.

>>> import pandas as pd
>>> from manyi.reporting.analysis import analyze, parse_spec
>>> report = analyze(pd.DataFrame({"nps": [10, 9, 8, 6, 10]}), parse_spec({"metrics": {"nps": ["nps"]}}))
>>> report.section("metrics").status
'ok'
"""

from manyi.reporting.analysis.example import EXAMPLE_DATA, EXAMPLE_SPEC
from manyi.reporting.analysis.html import render_html
from manyi.reporting.analysis.report import (
    JSON_SCHEMA,
    AnalysisReport,
    Part,
    Section,
    report_to_dict,
    report_to_json,
)
from manyi.reporting.analysis.run import analyze
from manyi.reporting.analysis.spec import (
    SECTIONS,
    AnalysisSpec,
    check_columns,
    load_spec,
    parse_spec,
)

__all__ = [
    "EXAMPLE_DATA",
    "EXAMPLE_SPEC",
    "JSON_SCHEMA",
    "SECTIONS",
    "AnalysisReport",
    "AnalysisSpec",
    "Part",
    "Section",
    "analyze",
    "check_columns",
    "load_spec",
    "parse_spec",
    "render_html",
    "report_to_dict",
    "report_to_json",
]
