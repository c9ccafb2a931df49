"""Report sections on the questionnaire and service quality: reliability/EFA and SERVQUAL."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial

import pandas as pd

from manyi.reporting.analysis.advice import reliability_advice
from manyi.reporting.analysis.labels import display_name
from manyi.reporting.analysis.report import Part, Section, compute_part
from manyi.reporting.analysis.spec import AnalysisSpec
from manyi.reporting.analysis.spec_sections import ReliabilitySpec, ServqualSpec
from manyi.stats.factor import bartlett_sphericity, efa, kmo, parallel_analysis
from manyi.stats.reliability import cronbach_alpha, item_analysis
from manyi.stats.screening import screen_indicators
from manyi.stats.servqual import DIMENSION_NAMES_ZH, servqual


def _alpha_part(frame: pd.DataFrame, name: str, items: list[str], level: float) -> Part:
    result = cronbach_alpha(frame[items], confidence=level)
    return Part(
        f"alpha.{name}",
        values={"construct": name, **asdict(result)},
        tables={"items": item_analysis(frame[items])},
        result=result,
    )


def _efa_part(frame: pd.DataFrame, section: ReliabilitySpec, seed: int) -> Part:
    opts = section.efa
    rotation = None if opts.rotation == "none" else opts.rotation
    result = efa(frame, n_factors=opts.n_factors, method=opts.method, rotation=rotation, seed=seed)
    # Parallel analysis again (same seed as efa's own) for the scree chart's random line.
    parallel = parallel_analysis(frame, seed=seed)
    loadings = result.loadings.copy()
    loadings["communality"] = result.communalities
    scree = pd.DataFrame(
        {
            "eigenvalue": parallel.eigenvalues.to_numpy(),
            "random_mean": parallel.random_mean.to_numpy(),
            "random_quantile": parallel.random_quantile.to_numpy(),
        },
        index=pd.RangeIndex(1, len(parallel.eigenvalues) + 1, name="component"),
    )
    tables = {"loadings": loadings, "variance": result.variance, "scree": scree}
    if result.factor_correlations is not None:
        tables["factor_correlations"] = result.factor_correlations
    values = {
        "n_factors": result.n_factors,
        "n_factors_rule": result.n_factors_rule,
        "n_factors_parallel": result.n_factors_parallel,
        "n_factors_kaiser": result.n_factors_kaiser,
        "method": result.method,
        "rotation": result.rotation,
        "n": result.n,
        "converged": result.converged,
    }
    return Part("efa", values=values, tables=tables, result=result)


def _named_reasons(reasons: list[str], names: dict[str, str], quotes: tuple[str, str]) -> list[str]:
    # The statistics quote a construct by its key ("most items of 'tangibles' load on F5");
    # the report quotes it by its name in the reason's language.
    left, right = quotes
    out = []
    for reason in reasons:
        for key, name in names.items():
            reason = reason.replace(f"{left}{key}{right}", f"{left}{name}{right}")
        out.append(reason)
    return out


def _screening_part(
    frame: pd.DataFrame, section: ReliabilitySpec, seed: int, spec: AnalysisSpec
) -> Part:
    opts = section.efa
    rotation = None if opts.rotation == "none" else opts.rotation
    table = screen_indicators(
        frame,
        section.constructs,
        n_factors=opts.n_factors,
        method=opts.method,
        rotation=rotation,
        seed=seed,
    )
    for lang, column, quotes in (
        ("en", "reasons", ("'", "'")),
        ("zh-CN", "reasons_zh", ("“", "”")),
    ):
        names = {key: display_name(spec, key, lang) for key in section.constructs}
        table[column] = [_named_reasons(list(r), names, quotes) for r in table[column]]
    drop = [str(i) for i in table.index[~table["keep"].astype(bool)]]
    values = {"n_items": len(table), "n_keep": len(table) - len(drop), "drop": drop}
    return Part("screening", values=values, tables={"items": table}, result=table)


def reliability_section(
    frame: pd.DataFrame, spec: AnalysisSpec, section: ReliabilitySpec
) -> Section:
    """Alpha and item analysis per construct; KMO, Bartlett, EFA and screening on all items."""
    items = [c for cols in section.constructs.values() for c in cols]
    parts = [
        compute_part(f"alpha.{name}", partial(_alpha_part, frame, name, cols, spec.confidence))
        for name, cols in section.constructs.items()
    ]

    def kmo_part() -> Part:
        result = kmo(frame[items])
        return Part(
            "kmo",
            values={"overall": result.overall, "label": result.label},
            tables={"items": result.per_item.to_frame("msa")},
            result=result,
        )

    def bartlett_part() -> Part:
        result = bartlett_sphericity(frame[items])
        return Part("bartlett", values=asdict(result), result=result)

    parts.append(compute_part("kmo", kmo_part))
    parts.append(compute_part("bartlett", bartlett_part))
    parts.append(compute_part("efa", partial(_efa_part, frame[items], section, spec.seed)))
    if section.screening:
        parts.append(
            compute_part(
                "screening", partial(_screening_part, frame[items], section, spec.seed, spec)
            )
        )
    if any(p.status == "ok" for p in parts):
        # Advice is derived from the other parts, so it exists only when some of them do.
        en, zh = reliability_advice(parts, lambda key, lang: display_name(spec, key, lang))
        parts.append(Part("advice", values={"en": en, "zh": zh}))
    return Section.from_parts("reliability", parts)


def servqual_section(frame: pd.DataFrame, spec: AnalysisSpec, section: ServqualSpec) -> Section:
    """Item and dimension gaps, weighted scores and the zone of tolerance."""

    def compute() -> Part:
        items = {
            code: (item.expectation, item.perception, item.dimension)
            for code, item in section.items.items()
        }
        adequate = {c: i.adequate for c, i in section.items.items() if i.adequate is not None}
        desired = {c: i.desired for c, i in section.items.items() if i.desired is not None}
        importance: dict[str, str] | dict[str, float] | None = None
        if section.importance is not None:
            given = section.importance
            importance = (
                {k: str(v) for k, v in given.items()}
                if all(isinstance(v, str) for v in given.values())
                else {k: float(v) for k, v in given.items()}
            )
        result = servqual(
            frame,
            items,
            importance=importance,
            weighting=section.weighting,
            adequate=adequate or None,
            desired=desired or None,
            scale=section.scale,
        )
        dimensions = result.dimensions.copy()
        dimensions.insert(
            0,
            "dimension_zh",
            [DIMENSION_NAMES_ZH.get(str(d).lower(), str(d)) for d in dimensions.index],
        )
        tables = {"items": result.items, "dimensions": dimensions}
        if result.zone is not None and result.zone_dimensions is not None:
            tables["zone"] = result.zone
            tables["zone_dimensions"] = result.zone_dimensions
        values = {
            "unweighted_score": result.unweighted_score,
            "weighted_score": result.weighted_score,
            "weights": result.weights.to_dict(),
            "weights_source": result.weights_source,
            "weighting": result.weighting,
            "n_weighted": result.n_weighted,
            "scale": list(section.scale),
        }
        return Part("gaps", values=values, tables=tables, result=result)

    return Section.from_parts("servqual", [compute_part("gaps", compute)])


__all__ = ["reliability_section", "servqual_section"]
