"""One self-contained HTML file of the report, readable offline in Chinese or English.

The page is rendered with Jinja2 from ``templates/`` and shows exactly the numbers of the JSON
form (:func:`manyi.reporting.analysis.report.report_to_dict`). Charts are Plotly figures whose
JSON sits in ``<script type="application/json">`` blocks; the plotly.js bundled with the
installed ``plotly`` package is inlined once, so the file opens without a network (no CDN, no
external link of any kind). Accessibility: one ``h1``, a heading per section and part, table
headers with ``scope``, every chart a ``role="img"`` element with an ``aria-label`` describing
it in words, and the chart's numbers in a table beside it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from plotly.offline import get_plotlyjs

from manyi.i18n import check_language, format_number, format_percent
from manyi.i18n.jinja import enable_i18n, template_context
from manyi.reporting.analysis import charts
from manyi.reporting.analysis.labels import TEXTS, display_name, text
from manyi.reporting.analysis.report import AnalysisReport, report_to_dict

TEMPLATES = Path(__file__).with_name("templates")

#: Columns whose values are shares (0–1) and are shown as percentages.
SHARE_COLUMNS = frozenset(
    {"promoters", "passives", "detractors", "top_box_share", "low_effort_share", "share"}
)
#: Columns holding p values, shown as "< 0.001" when tiny.
P_COLUMNS = frozenset({"p", "p_value", "p_adjusted", "p_holm", "chi2_p"})
#: Columns whose values are column, indicator or code keys, shown by their display names.
NAME_COLUMNS = frozenset(
    {
        "name",
        "node",
        "parent",
        "element",
        "group_a",
        "group_b",
        "construct",
        "dimension",
        "item",
        "type",
        "segment",
    }
)
#: Row names the statistics give their summary tables (EFA variance), shown as texts.
ROW_TEXTS = frozenset({"ss_loadings", "proportion", "cumulative"})


@dataclass(frozen=True)
class ChartView:
    """A chart as the template needs it: element id, figure JSON and text alternative."""

    id: str
    json: str
    description: str


def _chart_view(chart: charts.Chart) -> ChartView:
    # "</" inside a <script> block would end it early; "<\/" is the same JSON string.
    payload = chart.figure.to_json().replace("</", "<\\/")
    return ChartView(f"chart-{chart.key}", payload, chart.description)


def format_value(value: Any, column: str = "", lang: str = "zh-CN") -> str:
    """Format one table cell: percentages, p values, 3 decimals, yes/no, lists.

    Numbers follow the language's conventions (Babel): grouped thousands, its decimal sign.

    Examples
    --------
    >>> format_value(0.3125, "promoters"), format_value(1e-9, "p_value"), format_value(None)
    ('31.2%', '< 0.001', '—')
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return text("yes" if value else "no", lang)
    if isinstance(value, list):
        return "；".join(map(str, value)) if lang != "en" else "; ".join(map(str, value))
    if isinstance(value, int):
        return format_number(value, lang)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "—"
        if column in SHARE_COLUMNS:
            return format_percent(value, lang, 1)
        if column in P_COLUMNS and value < 0.001:
            return "< " + format_number(0.001, lang, 3)
        return format_number(value, lang, 1 if abs(value) >= 1000 else 3)
    return str(value)


def _charts(
    data: Mapping[str, Any], lang: str, name: Callable[[str], str]
) -> dict[str, dict[str, ChartView]]:
    """Every chart of the report, keyed by section and part."""
    out: dict[str, dict[str, ChartView]] = {}
    sections = data["sections"]

    def ok(section: str, part: str) -> Mapping[str, Any] | None:
        found = sections[section]["parts"].get(part)
        return found if found is not None and found["status"] == "ok" else None

    def put(section: str, part: str, chart: charts.Chart) -> None:
        out.setdefault(section, {})[part] = _chart_view(chart)

    for key, part in sections["metrics"]["parts"].items():
        if key.startswith("nps.") and part["status"] == "ok":
            put("metrics", key, charts.nps_mix(part, lang, name))
    builders: list[tuple[str, str, Callable[[Mapping[str, Any]], charts.Chart]]] = [
        ("reliability", "efa", lambda p: charts.scree(p, lang)),
        ("servqual", "gaps", lambda p: charts.servqual_gaps(p, lang, name)),
        ("indicators", "csi", lambda p: charts.csi_scores(p, lang, name)),
        ("pls", "model", lambda p: charts.pls_indices(p, lang)),
        ("drivers", "relative_weights", lambda p: charts.driver_importance(p, lang, name)),
        ("drivers", "shapley_r2", lambda p: charts.driver_importance(p, lang, name)),
        ("drivers", "ipa", lambda p: charts.ipa_scatter(p, lang, name)),
        ("kano", "kano", lambda p: charts.kano_scatter(p, lang, name)),
        ("value_curve", "curve", lambda p: charts.value_curves(p, lang, name)),
    ]
    for section, part_key, build in builders:
        part = ok(section, part_key)
        if part is not None:
            put(section, part_key, build(part))
    return out


def _environment() -> Environment:
    return enable_i18n(
        Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            # {% do list.append(x) %}: no throw-away "_" variable that would hide gettext's _
            extensions=["jinja2.ext.do"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
    )


def render_html(report: AnalysisReport, lang: str = "zh-CN") -> str:
    """The report as one self-contained HTML page.

    Parameters
    ----------
    report : AnalysisReport
        From :func:`manyi.reporting.analysis.run.analyze`.
    lang : {"zh-CN", "en"}
        Language of the page's texts; titles are shown in both.

    Returns
    -------
    str
        HTML5 text with plotly.js inlined (about 4.8 MB, mostly plotly.js).

    Examples
    --------
    >>> import pandas as pd
    >>> from manyi.reporting.analysis.run import analyze
    >>> from manyi.reporting.analysis.spec import parse_spec
    >>> report = analyze(pd.DataFrame({"nps": [10, 9, 7, 3]}), parse_spec({"metrics": {"nps": ["nps"]}}))
    >>> page = render_html(report, "en")
    >>> page.startswith("<!DOCTYPE html>"), "https://" in page.split("<script")[0]
    (True, False)
    """
    check_language(lang)
    data = report_to_dict(report)
    spec = report.spec

    def name(key: str) -> str:
        return display_name(spec, str(key), lang)

    def header(column: str) -> str:
        # A statistics column has a text; a column named after data (a group) its label.
        return text(column, lang) if column in TEXTS else name(column)

    def cell(value: Any, column: str) -> str:
        if column == "name" and value in ROW_TEXTS:
            return text(str(value), lang)
        if column in NAME_COLUMNS and isinstance(value, str):
            return name(value)
        return format_value(value, column, lang)

    template = _environment().get_template("report.html")
    return template.render(
        **template_context(lang),
        lang=lang,
        data=data,
        sections=data["sections"],
        charts=_charts(data, lang, name),
        t=lambda key: text(str(key), lang),
        header=header,
        name=name,
        cell=cell,
        fmt=lambda value, column="": format_value(value, column, lang),
        plotly_js=get_plotlyjs(),
        elapsed=f"{report.elapsed_s:.1f}",
        tojson=lambda value: json.dumps(value, ensure_ascii=False),
    )


__all__ = ["ChartView", "format_value", "render_html"]
