"""The HTML report: self-contained (no external URL), plotly.js once, bilingual, accessible."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from plotly.offline import get_plotlyjs

from manyi.errors import InvalidInput
from manyi.ingestion.files import read_frame
from manyi.reporting.analysis import (
    EXAMPLE_DATA,
    EXAMPLE_SPEC,
    AnalysisReport,
    analyze,
    load_spec,
    parse_spec,
    render_html,
    report_to_dict,
)
from manyi.reporting.analysis.html import format_value


class Page(HTMLParser):
    """Collects what the accessibility and offline checks look at."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.json_blocks: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        self._in_json = tag == "script" and found.get("type") == "application/json"

    def handle_endtag(self, tag: str) -> None:
        self._in_json = False

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self.json_blocks.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.tags if t == tag]


@pytest.fixture(scope="module")
def report() -> AnalysisReport:
    spec = load_spec(EXAMPLE_SPEC)
    assert spec.segments is not None
    # Welch post hoc instead of Games-Howell keeps this module fast; the page is the same shape.
    fast = spec.model_copy(
        update={"segments": spec.segments.model_copy(update={"posthoc": "welch"})}
    )
    return analyze(read_frame(EXAMPLE_DATA), fast)


@pytest.fixture(scope="module")
def pages(report: AnalysisReport) -> dict[str, str]:
    return {lang: render_html(report, lang) for lang in ("zh-CN", "en")}


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    return parser


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_no_external_url_anywhere_in_markup(pages: dict[str, str], lang: str) -> None:
    page = pages[lang]
    parsed = parse(page)
    for tag, attrs in parsed.tags:
        for name in ("src", "href", "data", "action", "poster"):
            value = attrs.get(name) or ""
            assert not re.match(r"\s*(https?:)?//", value), (tag, name, value)
    assert not parsed.all("link")
    assert not parsed.all("iframe")
    assert all("src" not in attrs for attrs in parsed.all("script"))
    # Our own markup and data carry no URL at all. plotly.js itself holds URL strings in its
    # code (the plotly.com logo link, map-tile servers), used only by the logo (turned off)
    # and map traces (none here); the parser above saw that no element points anywhere.
    ours = page.replace(get_plotlyjs(), "")
    assert "http://" not in ours and "https://" not in ours
    # Chart data must not point anywhere either (no plot.ly links, no map tiles).
    for block in parsed.json_blocks:
        assert "http://" not in block and "https://" not in block


def test_plotly_js_is_inlined_exactly_once(pages: dict[str, str]) -> None:
    signature = get_plotlyjs()[:400]
    for page in pages.values():
        assert page.count(signature) == 1
        assert page.lower().count("</script>") == len(parse(page).all("script"))


def test_every_chart_renders_from_valid_json_with_a_text_alternative(
    pages: dict[str, str],
) -> None:
    parsed = parse(pages["en"])
    plots = [a for a in parsed.all("div") if a.get("data-figure")]
    # nps, scree, servqual, csi, pls, relative weights, shapley, ipa, kano, value curve
    assert len(plots) == 10
    for attrs in plots:
        assert attrs.get("role") == "img"
        assert len(attrs.get("aria-label") or "") > 10
    assert len(parsed.json_blocks) == 10
    for block in parsed.json_blocks:
        figure = json.loads(block)
        assert figure["data"] and "layout" in figure


def test_headings_tables_and_language(pages: dict[str, str], report: AnalysisReport) -> None:
    zh, en = parse(pages["zh-CN"]), parse(pages["en"])
    assert zh.all("html")[0]["lang"] == "zh-CN"
    assert en.all("html")[0]["lang"] == "en"
    assert len(en.all("h1")) == 1
    sections = [a["id"] for a in en.all("section")]
    assert sections == [k for k, s in report.sections.items() if s.status != "not requested"]
    assert all(a.get("aria-labelledby") for a in en.all("section"))
    headers = en.all("th")
    assert headers and all(a.get("scope") in ("col", "row") for a in headers)
    assert len(en.all("caption")) == len(en.all("table"))
    assert "Key drivers" in pages["en"] and "关键驱动因素" in pages["zh-CN"]
    assert "Price transparency" in pages["en"] and "价格透明" in pages["zh-CN"]


def test_page_shows_the_json_numbers(pages: dict[str, str], report: AnalysisReport) -> None:
    data = report_to_dict(report)
    nps = data["sections"]["metrics"]["parts"]["nps.nps"]["values"]
    csi = data["sections"]["indicators"]["parts"]["csi"]["values"]["index"]
    gof = data["sections"]["pls"]["parts"]["model"]["values"]["gof"]
    for page in pages.values():
        assert f"{nps['score']:.3f} [{nps['ci_low']:.3f}, {nps['ci_high']:.3f}]" in page
        assert f"{csi:.3f}" in page
        assert f"{gof:.3f}" in page


def test_unknown_language_is_refused(report: AnalysisReport) -> None:
    with pytest.raises(InvalidInput, match="unknown language"):
        render_html(report, "fr")


def test_text_in_data_is_escaped() -> None:
    frame = pd.DataFrame({"nps": [9, 10, 3, 7], "seg<script>": ["a", "a", "b", "b"]})
    spec = parse_spec(
        {
            "title": "<script>alert(1)</script>",
            "metrics": {"nps": ["nps"]},
            "segments": {"columns": ["seg<script>"]},
        }
    )
    page = render_html(analyze(frame, spec), "en")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("value", "column", "lang", "expected"),
    [
        (0.3125, "promoters", "en", "31.2%"),
        (0.0004, "p_value", "en", "< 0.001"),
        (0.0123, "p", "en", "0.012"),
        (12345.678, "chi2", "en", "12,345.7"),
        (True, "keep", "zh-CN", "是"),
        (["a", "b"], "reasons", "en", "a; b"),
        (float("nan"), "mean", "en", "—"),
        (None, "mean", "en", "—"),
        (3, "n", "en", "3"),
    ],
)
def test_cell_formatting(value: object, column: str, lang: str, expected: str) -> None:
    assert format_value(value, column, lang) == expected
