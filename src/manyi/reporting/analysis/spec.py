"""The analysis spec: a short YAML file that says which columns of an export are which.

Every section is optional; a spec with only ``metrics:`` gives a report with only metrics.
:func:`load_spec` reads and validates the YAML (unknown keys, wrong types and impossible
settings are refused with the path to the bad key); :func:`check_columns` then checks every
column the spec names against the data, so that a typo is reported before anything is
computed, with the closest column names as suggestions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, model_validator

from manyi.errors import FieldError, InvalidInput
from manyi.reporting.analysis.spec_sections import (
    DriversSpec,
    IndicatorsSpec,
    KanoSpec,
    MetricsSpec,
    PlsSpec,
    ReliabilitySpec,
    SegmentsSpec,
    ServqualSpec,
    SpecModel,
    ValueCurveSpec,
)

#: Report sections in the order they appear in the report and the JSON.
SECTIONS: tuple[str, ...] = (
    "metrics",
    "reliability",
    "servqual",
    "indicators",
    "pls",
    "drivers",
    "kano",
    "value_curve",
    "segments",
)


class RowFilter(SpecModel):
    """Keep only rows whose ``column`` holds one of ``values`` (e.g. customers, not staff)."""

    column: str
    values: list[str | int | float]


class Label(SpecModel):
    """A display name in both languages."""

    zh: str
    en: str


class AnalysisSpec(SpecModel):
    """What to analyse in a survey export; every section is optional.

    Attributes
    ----------
    title, title_en : str
        Report title in Chinese and English.
    filter : RowFilter, optional
        Rows used by every section except ``value_curve`` (which compares rater groups and
        so needs all rows).
    confidence : float
        Level of every confidence interval (default 0.95).
    seed : int
        Seed of every bootstrap and parallel analysis, so reports are reproducible.
    weights_column : str, optional
        Respondent (survey) weights, used by the metrics section.
    labels : mapping
        Column or indicator → display name (text, or ``{zh: …, en: …}``) for tables and charts.
    metrics, reliability, servqual, indicators, pls, drivers, kano, value_curve, segments
        The sections (see docs/analyze.md).
    """

    title: str = "满意度调查分析报告"
    title_en: str = "Satisfaction survey analysis"
    filter: RowFilter | None = None
    confidence: float = Field(0.95, gt=0, lt=1)
    seed: int = 0
    weights_column: str | None = None
    labels: dict[str, str | Label] = Field(default_factory=dict)
    metrics: MetricsSpec | None = None
    reliability: ReliabilitySpec | None = None
    servqual: ServqualSpec | None = None
    indicators: IndicatorsSpec | None = None
    pls: PlsSpec | None = None
    drivers: DriversSpec | None = None
    kano: KanoSpec | None = None
    value_curve: ValueCurveSpec | None = None
    segments: SegmentsSpec | None = None

    @model_validator(mode="after")
    def _some_section(self) -> AnalysisSpec:
        if not any(getattr(self, name) is not None for name in SECTIONS):
            raise ValueError(f"the spec names no section; add one of: {', '.join(SECTIONS)}")
        if self.segments is not None and not self.segments.measures and self.metrics is None:
            raise ValueError(
                "segments: list 'measures' (column and kind) or add a metrics section, whose "
                "measures are compared by default"
            )
        return self

    def label(self, key: str, lang: str) -> str:
        """Display name of a column or indicator in ``lang`` ("zh-CN" or "en")."""
        value = self.labels.get(key)
        if value is None:
            return key
        if isinstance(value, str):
            return value
        return value.en if lang == "en" else value.zh


def parse_spec(data: Mapping[str, Any]) -> AnalysisSpec:
    """Validate an already parsed spec (a mapping), raising InvalidInput on any problem.

    Examples
    --------
    >>> parse_spec({"metrics": {"nps": ["nps"]}}).metrics.nps[0].column
    'nps'
    """
    if not isinstance(data, Mapping):
        raise InvalidInput("the analysis spec must be a mapping of section names to settings")
    try:
        return AnalysisSpec.model_validate(dict(data))
    except ValidationError as exc:
        errors = [
            FieldError(tuple(e["loc"]), _plain(e["msg"]), str(e["type"])) for e in exc.errors()
        ]
        raise InvalidInput("the analysis spec is not valid", errors) from None


def _plain(message: str) -> str:
    # pydantic prefixes validator messages with "Value error, "; users need only the message.
    return message.removeprefix("Value error, ")


def load_spec(path: str | Path) -> AnalysisSpec:
    """Read and validate a YAML (or JSON) analysis spec file.

    Examples
    --------
    >>> from manyi.reporting.analysis.example import EXAMPLE_SPEC
    >>> load_spec(EXAMPLE_SPEC).pls.model
    'ECSI'
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"no such spec file: {path}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path.name}: save the spec as UTF-8 text") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path.name} is not valid YAML: {exc}") from None
    return parse_spec(data if data is not None else {})


def referenced_columns(spec: AnalysisSpec) -> dict[str, list[str]]:
    """Every data column each part of the spec names, keyed by section (and "filter").

    Examples
    --------
    >>> referenced_columns(parse_spec({"metrics": {"nps": ["nps"], "csat": ["q1"]}}))
    {'metrics': ['nps', 'q1']}
    """
    out: dict[str, list[str]] = {}
    if spec.filter is not None:
        out["filter"] = [spec.filter.column]
    if spec.weights_column is not None:
        out["weights_column"] = [spec.weights_column]
    if spec.metrics is not None:
        m = spec.metrics
        out["metrics"] = [
            *(e.column for e in m.nps),
            *(e.column for e in m.csat),
            *(e.column for e in m.ces),
        ]
    if spec.reliability is not None:
        out["reliability"] = [c for cols in spec.reliability.constructs.values() for c in cols]
    if spec.servqual is not None:
        sq = spec.servqual
        cols = [
            c
            for item in sq.items.values()
            for c in (item.expectation, item.perception, item.adequate, item.desired)
            if c is not None
        ]
        if sq.importance:
            cols += [v for v in sq.importance.values() if isinstance(v, str)]
        out["servqual"] = cols
    if spec.indicators is not None:
        ind = spec.indicators
        cols = [c for group in ind.items.values() for c in group]
        if ind.weights.method == "entropy" and ind.weights.entropy.alternatives:
            cols.append(ind.weights.entropy.alternatives)
        out["indicators"] = cols
    if spec.pls is not None:
        out["pls"] = [c for cols in spec.pls.blocks.values() for c in cols]
    if spec.drivers is not None:
        out["drivers"] = [spec.drivers.target, *spec.drivers.predictors]
    if spec.kano is not None:
        out["kano"] = [
            c
            for pair in spec.kano.attributes.values()
            for c in (pair.functional, pair.dysfunctional)
        ]
    if spec.value_curve is not None:
        out["value_curve"] = [spec.value_curve.group, *spec.value_curve.elements]
    if spec.segments is not None:
        measures = [m.column for m in spec.segments.measures or []]
        out["segments"] = [*spec.segments.columns, *measures]
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


def check_columns(spec: AnalysisSpec, columns: Iterable[object]) -> None:
    """Raise InvalidInput naming, per section, every spec column that the data lacks.

    Each missing column comes with the closest existing names as a suggestion, because the
    usual cause is a typo or a header that Excel changed.

    Examples
    --------
    >>> check_columns(parse_spec({"metrics": {"nps": ["nps"]}}), ["NPS", "csat"])
    Traceback (most recent call last):
    ...
    manyi.errors.InvalidInput: the spec names columns that are not in the data: metrics: nps ...
    """
    present = [str(c) for c in columns]
    known = set(present)
    errors: list[FieldError] = []
    summary: list[str] = []
    for section, cols in referenced_columns(spec).items():
        missing = [c for c in cols if c not in known]
        if not missing:
            continue
        hints = []
        for name in missing:
            close = difflib.get_close_matches(name, present, n=2, cutoff=0.6)
            if not close:
                close = [p for p in present if p.lower() == name.lower()]
            hints.append(f"{name} (did you mean {' or '.join(close)}?)" if close else name)
        errors.append(FieldError((section,), f"unknown column(s): {', '.join(hints)}", "missing"))
        summary.append(f"{section}: {', '.join(missing)}")
    if errors:
        raise InvalidInput(
            "the spec names columns that are not in the data: " + "; ".join(summary), errors
        )


__all__ = [
    "SECTIONS",
    "AnalysisSpec",
    "Label",
    "RowFilter",
    "check_columns",
    "load_spec",
    "parse_spec",
    "referenced_columns",
]
