"""Report sections on the headline measures: metrics with CIs and differences by segment."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial

import pandas as pd

from manyi.reporting.analysis.report import Part, Section, compute_part
from manyi.reporting.analysis.spec import AnalysisSpec
from manyi.reporting.analysis.spec_sections import (
    CesSpec,
    CsatSpec,
    MetricsSpec,
    NpsSpec,
    SegmentMeasureSpec,
    SegmentsSpec,
)
from manyi.stats.comparisons import compare_groups
from manyi.stats.metrics import ces, csat, nps
from manyi.stats.validation import numeric_frame, require_in_scale


def metrics_section(frame: pd.DataFrame, spec: AnalysisSpec, section: MetricsSpec) -> Section:
    """NPS, CSAT and CES of every named column, with respondent weights if the spec has them."""
    weights = frame[spec.weights_column] if spec.weights_column else None
    level = spec.confidence
    parts: list[Part] = []
    for n in section.nps:

        def one_nps(key: str, item: NpsSpec) -> Part:
            result = nps(frame[item.column], weights=weights, confidence=level)
            return Part(key, values={"column": item.column, **asdict(result)}, result=result)

        parts.append(compute_part(f"nps.{n.column}", partial(one_nps, f"nps.{n.column}", n)))
    for c in section.csat:

        def one_csat(key: str, item: CsatSpec) -> Part:
            result = csat(
                frame[item.column],
                scale=item.scale,
                top_k=item.top_k,
                weights=weights,
                confidence=level,
            )
            return Part(key, values={"column": item.column, **asdict(result)}, result=result)

        parts.append(compute_part(f"csat.{c.column}", partial(one_csat, f"csat.{c.column}", c)))
    for e in section.ces:

        def one_ces(key: str, item: CesSpec) -> Part:
            result = ces(
                frame[item.column],
                scale=item.scale,
                higher_is_easier=item.higher_is_easier,
                weights=weights,
                confidence=level,
            )
            return Part(key, values={"column": item.column, **asdict(result)}, result=result)

        parts.append(compute_part(f"ces.{e.column}", partial(one_ces, f"ces.{e.column}", e)))
    return Section.from_parts("metrics", parts)


def default_measures(metrics: MetricsSpec | None) -> list[SegmentMeasureSpec]:
    """Measures compared by segment when the spec lists none: those of the metrics section.

    NPS columns are compared as NPS; CSAT columns by mean and by top-k-box share; CES columns
    by mean.
    """
    if metrics is None:
        return []
    out = [SegmentMeasureSpec(column=n.column, kind="nps", scale=(0, 10)) for n in metrics.nps]
    for c in metrics.csat:
        out.append(SegmentMeasureSpec(column=c.column, kind="mean", scale=c.scale))
        out.append(
            SegmentMeasureSpec(
                column=c.column,
                kind="proportion",
                threshold=c.scale[1] - c.top_k + 1,
                scale=c.scale,
            )
        )
    out += [SegmentMeasureSpec(column=e.column, kind="mean", scale=e.scale) for e in metrics.ces]
    return out


def segments_section(frame: pd.DataFrame, spec: AnalysisSpec, section: SegmentsSpec) -> Section:
    """``compare_groups`` of every measure by every segment column, with the chosen correction."""
    measures = section.measures or default_measures(spec.metrics)
    correction = None if section.correction == "none" else section.correction
    parts: list[Part] = []
    for segment in section.columns:
        for measure in measures:
            key = f"{segment}/{measure.column}/{measure.kind}"

            def one(key: str, segment: str, m: SegmentMeasureSpec) -> Part:
                if m.scale is not None:
                    answers = numeric_frame(frame, [m.column], what=f"segments ({m.column})")
                    require_in_scale(answers, m.scale[0], m.scale[1], what=f"{m.column} answers")
                result = compare_groups(
                    frame,
                    m.column,
                    segment,
                    kind=m.kind,
                    correction=correction,
                    posthoc=section.posthoc,
                    threshold=m.threshold,
                    confidence=spec.confidence,
                )
                values = {
                    "segment": segment,
                    "column": m.column,
                    "kind": m.kind,
                    "threshold": m.threshold,
                    "groups": list(result.groups),
                    "test": result.test,
                    "statistic": result.statistic,
                    "df1": result.df1,
                    "df2": result.df2,
                    "p_value": result.p_value,
                    "significant": bool(result.p_value < 1 - result.confidence),
                    "effect_size": result.effect_size,
                    "effect_size_name": result.effect_size_name,
                    "posthoc": result.posthoc,
                    "correction": result.correction,
                    "confidence": result.confidence,
                    "n_dropped": result.n_dropped,
                    "notes": list(result.notes),
                }
                tables = {
                    "groups": result.summary,
                    "pairwise": result.pairwise,
                    "omnibus": result.omnibus,
                }
                return Part(key, values=values, tables=tables, result=result)

            parts.append(compute_part(key, partial(one, key, segment, measure)))
    return Section.from_parts("segments", parts)


__all__ = ["default_measures", "metrics_section", "segments_section"]
