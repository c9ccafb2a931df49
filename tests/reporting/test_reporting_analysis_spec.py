"""The analysis spec: validation messages a user can act on, and column checks before work."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pandas as pd
import pytest

from manyi.errors import InvalidInput
from manyi.reporting.analysis import EXAMPLE_SPEC, analyze, load_spec, parse_spec
from manyi.reporting.analysis.spec import check_columns, referenced_columns


def test_example_spec_loads_with_every_section() -> None:
    spec = load_spec(EXAMPLE_SPEC)
    assert spec.filter is not None and spec.filter.values == ["customer"]
    assert spec.indicators is not None and spec.indicators.weights.ahp is not None
    # YAML has no fractions: "1/2" arrives as text and must become 0.5.
    assert spec.indicators.weights.ahp["CSI"] == [[1.0, 2.0], [0.5, 1.0]]
    assert spec.label("el_price", "en") == "Price transparency"
    assert spec.label("el_price", "zh-CN") == "价格透明"
    assert spec.label("unknown", "en") == "unknown"


def test_unknown_key_is_refused_with_its_path() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_spec({"metrics": {"nps": ["nps"], "csta": ["csat"]}})
    locs = [e.loc for e in err.value.errors]
    assert ("metrics", "csta") in locs
    assert "not valid" in err.value.message


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ({}, "names no section"),
        ({"metrics": {}}, "at least one nps, csat or ces"),
        ({"metrics": {"csat": [{"column": "q", "scale": [5, 1]}]}}, "lowest < highest"),
        ({"reliability": {"constructs": {"a": ["x"]}}}, "at least 2 items"),
        ({"pls": {"blocks": {"SAT": ["s1"]}}}, "give 'paths'"),
        ({"pls": {"model": "ACSI", "blocks": {"IMAG": ["i1"]}}}, "no latent(s) IMAG"),
        ({"segments": {"columns": ["channel"]}}, "measures"),
        (
            {"indicators": {"items": {"a": "a"}, "weights": {"method": "ahp"}}},
            "method 'ahp' needs",
        ),
        (
            {
                "indicators": {
                    "items": {"a": "a"},
                    "weights": {"method": "ahp", "ahp": {"CSI": [["x"]]}},
                }
            },
            "not a number or a fraction",
        ),
        ({"servqual": {"items": {}, "weighting": "respondent"}}, "at least one item"),
        ({"drivers": {"target": "y", "predictors": ["y", "x"]}}, "also a predictor"),
        ({"indicators": {"items": {"a": "a"}, "hierarchy": {"top": ["a", "b"]}}}, "b"),
    ],
)
def test_invalid_specs_say_what_is_wrong(spec: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_spec(spec)
    assert fragment in str(err.value)


def test_unknown_columns_are_named_per_section_with_suggestions() -> None:
    spec = parse_spec(
        {
            "metrics": {"nps": ["NPS"], "csat": ["csat"]},
            "drivers": {"target": "csat", "predictors": ["speed", "pricee"]},
        }
    )
    frame = pd.DataFrame({"nps": [9], "csat": [4], "speed": [3], "price": [2]})
    with pytest.raises(InvalidInput) as err:
        analyze(frame, spec)
    message = str(err.value)
    assert "metrics: NPS" in message
    assert "drivers: pricee" in message
    assert "did you mean price?" in message
    assert "did you mean nps?" in message
    assert {e.loc for e in err.value.errors} == {("metrics",), ("drivers",)}


def test_referenced_columns_cover_every_section() -> None:
    spec = load_spec(EXAMPLE_SPEC)
    columns = referenced_columns(spec)
    assert set(columns) == {
        "filter",
        "metrics",
        "reliability",
        "servqual",
        "indicators",
        "pls",
        "drivers",
        "kano",
        "value_curve",
        "segments",
    }
    assert "imp_tan" in columns["servqual"]
    assert columns["value_curve"][0] == "rater"
    check_columns(spec, [c for cols in columns.values() for c in cols])  # all present: no error


def test_filter_that_keeps_no_row_is_an_error() -> None:
    spec = parse_spec(
        {"filter": {"column": "who", "values": ["customer"]}, "metrics": {"nps": ["nps"]}}
    )
    with pytest.raises(InvalidInput, match="the column holds: staff"):
        analyze(pd.DataFrame({"who": ["staff"], "nps": [9]}), spec)


def test_load_spec_reports_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("metrics: [unclosed\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not valid YAML"):
        load_spec(bad)
    with pytest.raises(InvalidInput, match="no such spec file"):
        load_spec(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    "module",
    [
        "manyi.reporting.analysis",
        "manyi.reporting.analysis.spec",
        "manyi.reporting.analysis.report",
        "manyi.reporting.analysis.run",
        "manyi.reporting.analysis.labels",
        "manyi.reporting.analysis.advice",
        "manyi.reporting.analysis.html",
    ],
)
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(
        importlib.import_module(module),
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 0
    assert result.failed == 0
