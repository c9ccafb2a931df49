"""The Chinese `manyi analyze` report names everything in Chinese (defect: it showed the
SERVQUAL dimensions, PLS latent types, test names and EFA rows by their English keys)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest

from manyi.ingestion.files import read_frame
from manyi.reporting.analysis import (
    EXAMPLE_DATA,
    EXAMPLE_SPEC,
    AnalysisReport,
    analyze,
    load_spec,
    render_html,
    report_to_dict,
)

#: English codes that the statistics return and the report must name in the page language.
ENGLISH_CODES = (
    "tangibles",
    "reliability",
    "responsiveness",
    "assurance",
    "empathy",
    "Endogenous",
    "Exogenous",
    "ss_loadings",
    "cumulative",
    "eigenvalues",
    "Welch ANOVA",
    "chi-square",
    "eta_squared",
    "cramers_v",
    "nps_difference",
    "respondent importance columns",
    "acceptably consistent",
)


class Reader(HTMLParser):
    """What a reader sees or hears: text, aria labels and the charts' texts."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.figures: list[dict[str, Any]] = []
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self._tag = "json" if found.get("type") == "application/json" else tag
        self.texts += [v for k, v in attrs if k in ("aria-label", "title") and v]

    def handle_endtag(self, tag: str) -> None:
        self._tag = ""

    def handle_data(self, data: str) -> None:
        if self._tag == "json":
            self.figures.append(json.loads(data))
        elif self._tag not in ("script", "style"):
            self.texts.append(data)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def chart_texts(figure: dict[str, Any]) -> list[str]:
    # Names, category labels and titles; not the styling (fonts, colours, templates).
    out: list[str] = []
    for trace in figure["data"]:
        for key in ("name", "x", "y", "text", "hovertext"):
            out += list(strings(trace.get(key)))
    layout = figure["layout"]
    for key in ("title", "xaxis", "yaxis"):
        out += list(strings((layout.get(key) or {}).get("title", {})))
    return out


@pytest.fixture(scope="module")
def report() -> AnalysisReport:
    spec = load_spec(EXAMPLE_SPEC)
    assert spec.segments is not None
    fast = spec.model_copy(
        update={"segments": spec.segments.model_copy(update={"posthoc": "welch"})}
    )
    return analyze(read_frame(EXAMPLE_DATA), fast)


@pytest.fixture(scope="module")
def readers(report: AnalysisReport) -> dict[str, Reader]:
    out = {}
    for lang in ("zh-CN", "en"):
        reader = Reader()
        reader.feed(render_html(report, lang))
        out[lang] = reader
    return out


def found(texts: list[str], code: str) -> list[str]:
    pattern = re.compile(rf"(?<![\w-]){re.escape(code)}(?![\w-])", re.IGNORECASE)
    return [t.strip()[:80] for t in texts if pattern.search(t)]


@pytest.mark.parametrize("code", ENGLISH_CODES)
def test_chinese_report_shows_no_english_code(readers: dict[str, Reader], code: str) -> None:
    zh = readers["zh-CN"]
    seen = [*zh.texts, *(t for f in zh.figures for t in chart_texts(f))]
    assert found(seen, code) == []


def test_chinese_report_names_the_dimensions_in_chinese(readers: dict[str, Reader]) -> None:
    text = " ".join(readers["zh-CN"].texts)
    for name in ("有形性", "可靠性", "响应性", "保证性", "移情性", "内生", "外生"):
        assert name in text
    assert "“有形性”的多数题项载荷在" in text  # the screening reason quotes the dimension
    assert "有形性：Cronbach's α" in text  # and so does the advice
    servqual = next(f for f in readers["zh-CN"].figures if "SERVQUAL" in str(f["layout"]))
    assert servqual["data"][0]["x"][:2] == ["有形性", "可靠性"]


def test_english_report_names_them_in_english(readers: dict[str, Reader]) -> None:
    text = " ".join(readers["en"].texts)
    assert "Tangibles: Cronbach's α" in text and "Endogenous" in text
    assert "有形性" not in text


def test_json_advice_names_constructs_in_its_language(report: AnalysisReport) -> None:
    advice = report_to_dict(report)["sections"]["reliability"]["parts"]["advice"]["values"]
    assert not found(advice["zh"], "tangibles")
    assert any(line.startswith("有形性：") for line in advice["zh"])
    assert any(line.startswith("Tangibles:") for line in advice["en"])
