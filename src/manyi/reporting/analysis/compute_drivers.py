"""Report sections on what to improve: key drivers with IPA, Kano, and the value curve."""

from __future__ import annotations

from functools import partial

import pandas as pd

from manyi.reporting.analysis.report import Part, Section, compute_part
from manyi.reporting.analysis.spec import AnalysisSpec
from manyi.reporting.analysis.spec_sections import DriversSpec, KanoSpec, ValueCurveSpec
from manyi.stats.drivers import correlations, relative_weights, shapley_r2, standardized_betas
from manyi.stats.ipa import ipa_from_data
from manyi.stats.kano import kano
from manyi.stats.value_curve import value_curve


def _importance_part(
    frame: pd.DataFrame, spec: AnalysisSpec, section: DriversSpec, method: str
) -> Part:
    compute = relative_weights if method == "relative_weights" else shapley_r2
    result = compute(
        frame,
        section.target,
        section.predictors,
        bootstrap=section.bootstrap,
        seed=spec.seed,
        confidence=spec.confidence,
    )
    values = {
        "target": section.target,
        "method": result.method,
        "r2": result.r2,
        "n": result.n,
        "n_boot": result.n_boot,
        "raw": result.table["raw"].to_dict(),
    }
    return Part(method, values=values, tables={"predictors": result.table}, result=result)


def _betas_part(frame: pd.DataFrame, spec: AnalysisSpec, section: DriversSpec) -> Part:
    result = standardized_betas(
        frame, section.target, section.predictors, confidence=spec.confidence
    )
    table = result.table.join(
        correlations(frame, section.target, "pearson", predictors=section.predictors)[["r"]]
    )
    values = {"target": section.target, "r2": result.r2, "adj_r2": result.adj_r2, "n": result.n}
    return Part("betas", values=values, tables={"predictors": table}, result=result)


def _ipa_part(frame: pd.DataFrame, section: DriversSpec) -> Part:
    opts = section.ipa
    if opts is None:  # pragma: no cover - only called with IPA settings
        raise ValueError("no IPA settings")
    result = ipa_from_data(
        frame,
        section.target,
        section.predictors,
        importance=opts.importance,
        centre=opts.centre,
        scale=opts.scale,
    )
    values = {
        "importance_method": opts.importance,
        "centre": result.centre,
        "importance_cross": result.importance_cross,
        "performance_cross": result.performance_cross,
        "quadrants": result.table["quadrant"].to_dict(),
    }
    return Part("ipa", values=values, tables={"attributes": result.table}, result=result)


def drivers_section(frame: pd.DataFrame, spec: AnalysisSpec, section: DriversSpec) -> Section:
    """Relative weights and/or Shapley R² with bootstrap CIs, betas, and the IPA grid."""
    methods = (
        ["relative_weights", "shapley_r2"]
        if section.method == "both"
        else ["shapley_r2" if section.method == "shapley" else "relative_weights"]
    )
    parts = [compute_part(m, partial(_importance_part, frame, spec, section, m)) for m in methods]
    parts.append(compute_part("betas", partial(_betas_part, frame, spec, section)))
    if section.ipa is not None:
        parts.append(compute_part("ipa", partial(_ipa_part, frame, section)))
    return Section.from_parts("drivers", parts)


def kano_section(frame: pd.DataFrame, spec: AnalysisSpec, section: KanoSpec) -> Section:
    """Kano category, Better/Worse, strengths and tests per attribute."""

    def compute() -> Part:
        names = list(section.attributes)
        functional = frame[[p.functional for p in section.attributes.values()]].copy()
        dysfunctional = frame[[p.dysfunctional for p in section.attributes.values()]].copy()
        functional.columns = pd.Index(names)
        dysfunctional.columns = pd.Index(names)
        result = kano(functional, dysfunctional, min_respondents=section.min_respondents)
        values = {"categories": result.summary["category"].to_dict()}
        return Part("kano", values=values, tables={"attributes": result.summary}, result=result)

    return Section.from_parts("kano", [compute_part("kano", compute)])


def value_curve_section(
    frame: pd.DataFrame, spec: AnalysisSpec, section: ValueCurveSpec
) -> Section:
    """Mean rating per element and rater group, with Holm-corrected Welch tests of the gaps."""

    def compute() -> Part:
        result = value_curve(
            frame, section.elements, section.group, groups=section.groups, alpha=section.alpha
        )
        values = {
            "group_column": section.group,
            "groups": [str(g) for g in result.means.columns],
            "alpha": section.alpha,
            "n_significant": int(result.gaps["significant"].sum()),
        }
        tables = {"means": result.means, "counts": result.counts, "gaps": result.gaps}
        return Part("curve", values=values, tables=tables, result=result)

    return Section.from_parts("value_curve", [compute_part("curve", compute)])


__all__ = ["drivers_section", "kano_section", "value_curve_section"]
