"""The sections of an analysis spec: which columns are which, per report section.

Every model refuses unknown keys (a misspelt ``perceptoin`` is an error, not silently
ignored) and is immutable. Column names are checked against the data later, in
:func:`manyi.reporting.analysis.spec.check_columns`, because the spec is read before the file.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from manyi.stats.index_models import ACSI_MODEL, ECSI_MODEL


def _scale(value: object) -> object:
    if isinstance(value, list | tuple) and len(value) == 2:
        low, high = value
        if isinstance(low, int | float) and isinstance(high, int | float) and not low < high:
            raise ValueError(f"a scale is [lowest, highest] with lowest < highest, got {value}")
    return value


Scale = Annotated[tuple[float, float], BeforeValidator(_scale)]
"""An answer scale ``[lowest, highest]``, e.g. ``[1, 5]``."""


def _judgement(value: object) -> object:
    # YAML has no fractions, so "1/3" arrives as a string; AHP matrices are full of them.
    if isinstance(value, str):
        try:
            return float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{value!r} is not a number or a fraction such as 1/3") from None
    return value


Judgement = Annotated[float, BeforeValidator(_judgement)]


class SpecModel(BaseModel):
    """Base of every spec model: no unknown keys, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NpsSpec(SpecModel):
    """An NPS question (0–10 answers)."""

    column: str


class CsatSpec(SpecModel):
    """A CSAT question: its scale and how many top points count as satisfied."""

    column: str
    scale: Scale = (1, 5)
    top_k: int = Field(2, ge=1)


class CesSpec(SpecModel):
    """A CES question: its scale and wording direction."""

    column: str
    scale: Scale = (1, 7)
    higher_is_easier: bool = True


def _column_entries(value: object) -> object:
    # Allow the short form ``nps: [nps, nps_2]`` besides ``- {column: nps}``.
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        return [{"column": v} if isinstance(v, str) else v for v in value]
    return value


class MetricsSpec(SpecModel):
    """Headline measures with confidence intervals."""

    nps: Annotated[list[NpsSpec], BeforeValidator(_column_entries)] = []
    csat: Annotated[list[CsatSpec], BeforeValidator(_column_entries)] = []
    ces: Annotated[list[CesSpec], BeforeValidator(_column_entries)] = []

    @model_validator(mode="after")
    def _not_empty(self) -> MetricsSpec:
        if not (self.nps or self.csat or self.ces):
            raise ValueError("metrics: name at least one nps, csat or ces column")
        return self


class EfaSpec(SpecModel):
    """Exploratory factor analysis options (see ``manyi.stats.factor.efa``)."""

    n_factors: int | None = Field(None, ge=1)
    method: Literal["minres", "ml", "principal"] = "minres"
    rotation: Literal["varimax", "promax", "oblimin", "none"] = "promax"


class ReliabilitySpec(SpecModel):
    """Constructs (name → item columns) for alpha, item analysis, KMO, Bartlett, EFA, screening."""

    constructs: dict[str, list[str]]
    efa: EfaSpec = EfaSpec()
    screening: bool = True

    @field_validator("constructs")
    @classmethod
    def _constructs(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if not value:
            raise ValueError("reliability: name at least one construct")
        seen: set[str] = set()
        for name, items in value.items():
            if len(items) < 2:
                raise ValueError(f"reliability: construct {name!r} needs at least 2 items")
            twice = seen.intersection(items)
            if twice or len(set(items)) != len(items):
                raise ValueError(
                    f"reliability: item(s) {', '.join(sorted(twice) or items)} listed twice"
                )
            seen.update(items)
        return value


class ServqualItemSpec(SpecModel):
    """One SERVQUAL item: its expectation and perception columns and its dimension."""

    expectation: str
    perception: str
    dimension: str
    adequate: str | None = None
    desired: str | None = None


class ServqualSpec(SpecModel):
    """SERVQUAL items, optional importance (points or columns) and weighting."""

    items: dict[str, ServqualItemSpec]
    scale: Scale = (1, 7)
    importance: dict[str, float | str] | None = None
    weighting: Literal["aggregate", "respondent"] = "aggregate"

    @model_validator(mode="after")
    def _check(self) -> ServqualSpec:
        if not self.items:
            raise ValueError("servqual: give at least one item")
        if self.importance is not None:
            kinds = {isinstance(v, str) for v in self.importance.values()}
            if len(kinds) > 1:
                raise ValueError(
                    "servqual: importance must be all points or all column names, not a mix"
                )
        if self.weighting == "respondent" and not (
            self.importance and all(isinstance(v, str) for v in self.importance.values())
        ):
            raise ValueError("servqual: weighting 'respondent' needs importance columns")
        return self


class EntropySpec(SpecModel):
    """How entropy weights are formed (see ``manyi.stats.entropy.entropy_weights``)."""

    normalisation: Literal["proportion", "minmax"] = "minmax"
    alternatives: str | None = None
    """Group column whose groups (stores, branches) are the alternatives; default respondents."""


class WeightsSpec(SpecModel):
    """Where the indicator weights come from."""

    method: Literal["equal", "given", "ahp", "entropy"] = "equal"
    given: dict[str, float] | None = None
    ahp: dict[str, list[list[Judgement]]] | None = None
    ahp_method: Literal["eigenvector", "geometric"] = "eigenvector"
    entropy: EntropySpec = EntropySpec()

    @model_validator(mode="after")
    def _check(self) -> WeightsSpec:
        if self.method == "given" and not self.given:
            raise ValueError("weights: method 'given' needs 'given: {node: weight}'")
        if self.method == "ahp" and not self.ahp:
            raise ValueError("weights: method 'ahp' needs 'ahp: {parent node: matrix}'")
        return self


class FuzzySpec(SpecModel):
    """Fuzzy comprehensive evaluation of the indicators with the index weights."""

    grades: list[float]
    """Answer codes in grade order, best first, e.g. ``[5, 4, 3, 2, 1]``."""
    grade_names: list[str] | None = None
    operator: str = "M(·,+)"

    @model_validator(mode="after")
    def _check(self) -> FuzzySpec:
        if len(self.grades) < 2:
            raise ValueError("fuzzy: give at least two grades")
        if self.grade_names is not None and len(self.grade_names) != len(self.grades):
            raise ValueError("fuzzy: grade_names must have one name per grade")
        return self


def _indicator_columns(value: object) -> object:
    if isinstance(value, dict):
        return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
    return value


class IndicatorsSpec(SpecModel):
    """The indicator system: indicators, hierarchy, weights; gives the CSI."""

    items: Annotated[dict[str, list[str]], BeforeValidator(_indicator_columns)]
    """Indicator → column (or several columns, averaged per respondent)."""
    scale: Scale = (1, 5)
    hierarchy: dict[str, list[str]] | None = None
    root: str = "CSI"
    weights: WeightsSpec = WeightsSpec()
    fuzzy: FuzzySpec | None = None

    @model_validator(mode="after")
    def _check(self) -> IndicatorsSpec:
        if not self.items:
            raise ValueError("indicators: give at least one indicator")
        if any(not cols for cols in self.items.values()):
            raise ValueError("indicators: every indicator needs at least one column")
        if self.hierarchy is not None:
            children = [c for kids in self.hierarchy.values() for c in kids]
            leaves = [c for c in children if c not in self.hierarchy]
            unknown = sorted(set(leaves) - set(self.items))
            if unknown:
                raise ValueError(
                    f"indicators: the hierarchy names {', '.join(unknown)}, which are neither "
                    "indicators nor nodes"
                )
            unused = sorted(set(self.items) - set(children))
            if unused:
                raise ValueError(
                    f"indicators: indicator(s) {', '.join(unused)} are not in the hierarchy"
                )
        return self


class PlsSpec(SpecModel):
    """PLS path model: blocks, paths (or the built-in ACSI/ECSI model) and options."""

    blocks: dict[str, list[str]]
    model: Literal["ACSI", "ECSI", "custom"] = "custom"
    paths: list[tuple[str, str]] | None = None
    modes: dict[str, Literal["A", "B"]] | None = None
    scheme: Literal["centroid", "factorial", "path"] = "centroid"
    scaled: bool = False
    scale: Scale | None = None
    bootstrap: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _check(self) -> PlsSpec:
        if self.model == "custom" and not self.paths:
            raise ValueError("pls: give 'paths' or use 'model: ACSI' / 'model: ECSI'")
        if self.model != "custom" and self.paths:
            raise ValueError(f"pls: model {self.model} has its own paths; remove 'paths'")
        if self.model != "custom":
            known = (ACSI_MODEL if self.model == "ACSI" else ECSI_MODEL).latents
            unknown = [k for k in self.blocks if k not in known]
            if unknown:
                raise ValueError(
                    f"pls: the {self.model} model has no latent(s) {', '.join(unknown)}; "
                    f"its latents are {', '.join(known)}"
                )
        if self.bootstrap and self.bootstrap < 10:
            raise ValueError("pls: bootstrap needs at least 10 resamples (or 0 for none)")
        return self


class IpaSpec(SpecModel):
    """Importance–performance chart options."""

    centre: Literal["data", "scale"] = "data"
    scale: Scale | None = None
    importance: Literal["correlation", "beta", "relative_weights", "shapley"] = "relative_weights"


class DriversSpec(SpecModel):
    """Key-driver analysis of ``target`` on ``predictors``, with an IPA chart."""

    target: str
    predictors: list[str]
    method: Literal["relative_weights", "shapley", "both"] = "both"
    bootstrap: int = Field(200, ge=0)
    ipa: IpaSpec | None = IpaSpec()

    @model_validator(mode="after")
    def _check(self) -> DriversSpec:
        if not self.predictors:
            raise ValueError("drivers: give at least one predictor")
        if self.target in self.predictors:
            raise ValueError(f"drivers: the target {self.target!r} is also a predictor")
        return self


class KanoPairSpec(SpecModel):
    """The functional and dysfunctional question of one Kano attribute."""

    functional: str
    dysfunctional: str


class KanoSpec(SpecModel):
    """Kano attributes (name → question pair)."""

    attributes: dict[str, KanoPairSpec]
    min_respondents: int = Field(5, ge=1)


class ValueCurveSpec(SpecModel):
    """Service elements rated by several groups (customers, staff, management)."""

    group: str
    elements: list[str]
    groups: list[str] | None = None
    alpha: float = Field(0.05, gt=0, lt=1)


class SegmentMeasureSpec(SpecModel):
    """One measure to compare across segments."""

    column: str
    kind: Literal["mean", "nps", "proportion", "distribution"] = "mean"
    threshold: float | None = None
    scale: Scale | None = None
    """Answer scale; answers outside it make the comparison "not computed" (as for metrics)."""


class SegmentsSpec(SpecModel):
    """Significant differences by segment; measures default to the metrics section's."""

    columns: list[str]
    measures: list[SegmentMeasureSpec] | None = None
    correction: Literal["holm", "bonferroni", "fdr_bh", "none"] = "holm"
    posthoc: Literal["games-howell", "tukey", "welch"] = "games-howell"


__all__ = [
    "CesSpec",
    "CsatSpec",
    "DriversSpec",
    "EfaSpec",
    "EntropySpec",
    "FuzzySpec",
    "IndicatorsSpec",
    "IpaSpec",
    "KanoPairSpec",
    "KanoSpec",
    "MetricsSpec",
    "NpsSpec",
    "PlsSpec",
    "ReliabilitySpec",
    "Scale",
    "SegmentMeasureSpec",
    "SegmentsSpec",
    "ServqualItemSpec",
    "ServqualSpec",
    "SpecModel",
    "ValueCurveSpec",
    "WeightsSpec",
]
