"""The report's HTML: one self-contained document (CSS inline, charts as inline SVG), in
zh-CN or English, that WeasyPrint turns into the PDF and the pages show as it is.

Texts come from the one gettext catalog (``{{ _("...") }}`` in the templates, the
table of :mod:`manyi.reporting.reports.texts` for names chosen in code); numbers and dates
from :mod:`manyi.i18n` formats. Stored text (department names, theme names, quotes) is
escaped by Jinja's autoescaping.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from manyi.i18n import format_number, format_percent
from manyi.i18n.jinja import enable_i18n, template_context
from manyi.reporting.reports.model import ReportContent, Trend
from manyi.reporting.reports.svg import TrendPoint, trend_chart
from manyi.reporting.reports.texts import text

if TYPE_CHECKING:
    from manyi.reporting.reports.build import ReportTarget

TEMPLATES = Path(__file__).with_name("templates")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return enable_i18n(env)


@cache
def _css() -> Markup:
    # Our own file, inlined so the HTML needs no fetch (PDF, e-mail, download alike).
    return Markup((TEMPLATES / "report.css").read_text(encoding="utf-8"))


def value_text(
    value: float | None, lang: str, digits: int, unit: str = "number", signed: bool = False
) -> str:
    """A measure's value as the report shows it (a share as a percentage)."""
    if unit == "percent":
        return format_percent(value, lang, digits, signed=signed)
    return format_number(value, lang, digits, signed=signed)


def chart_of(trend: Trend, lang: str, title: str) -> Markup:
    points = [TrendPoint(p.label, p.value, p.low, p.high, p.marked) for p in trend.points]
    scale = 100.0 if trend.unit == "percent" else 1.0
    scaled = [
        TrendPoint(
            p.label,
            None if p.value is None else p.value * scale,
            None if p.low is None else p.low * scale,
            None if p.high is None else p.high * scale,
            p.marked,
        )
        for p in points
    ]
    return trend_chart(scaled, title=title, value_format="{:.0f}")


def render_html(content: ReportContent, *, title: str, target: ReportTarget, language: str) -> str:
    """The whole HTML document of one report."""
    lang = language

    def label(key: str) -> str:
        return text(key, lang) if key in ("nps", "csat", "ces", "csi") else key

    def value(v: float | None, digits: int = 0, unit: str = "number", signed: bool = False) -> str:
        return value_text(v, lang, digits, unit, signed)

    def chart(trend: Trend) -> Markup:
        return chart_of(trend, lang, label(trend.key))

    template = "executive.html" if content.kind == "executive" else "report.html"
    context: dict[str, Any] = {
        **template_context(lang),
        "lang": lang,
        "title": title,
        "scope_name": target.name(lang),
        "report": content,
        "label": label,
        "value": value,
        "chart": chart,
        "css": _css(),
    }
    return _environment().get_template(template).render(context)
