"""Report sections on indices: indicator weights (AHP, entropy) with the CSI, and the PLS model.

Indicator system. An indicator is one column, or several columns averaged per respondent
(answers they skipped are left out of their average). The hierarchy's leaves are indicators;
several top nodes are placed under one root (``root``, default "CSI"). Weights:

* ``equal`` — equal local weights in every group;
* ``given`` — local weights per node (siblings sum to 1);
* ``ahp`` — one pairwise matrix per parent node, over its children in hierarchy order; global
  weights by hierarchic composition (Saaty 1980), with the CR of every matrix;
* ``entropy`` — entropy weights of the leaf indicators (rows: complete respondents, or the
  means of the groups of an ``alternatives`` column), taken as *global* weights; a node's local
  weight is the sum of its leaves' weights over that of its parent, so the CSI equals
  ``Σ_i w_i s_i`` over the indicators.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from manyi.errors import InvalidInput
from manyi.reporting.analysis.report import Part, Section, compute_part
from manyi.reporting.analysis.spec import AnalysisSpec
from manyi.reporting.analysis.spec_sections import IndicatorsSpec, PlsSpec
from manyi.stats.ahp import AhpResult, ahp, ahp_hierarchy
from manyi.stats.csi import csi
from manyi.stats.entropy import entropy_weights
from manyi.stats.fuzzy import fuzzy_evaluation, membership_matrix
from manyi.stats.index_models import ACSI_MODEL, ECSI_MODEL, LATENT_LABELS
from manyi.stats.pls import PLSResult, pls_path_model
from manyi.stats.validation import numeric_frame


def indicator_frame(frame: pd.DataFrame, section: IndicatorsSpec) -> pd.DataFrame:
    """Respondents × indicators: the column itself, or the row mean of several columns."""
    out: dict[str, pd.Series] = {}
    for name, columns in section.items.items():
        values = numeric_frame(frame, columns, what=f"indicator {name!r}")
        out[name] = values.iloc[:, 0] if len(columns) == 1 else values.mean(axis=1, skipna=True)
    return pd.DataFrame(out, index=frame.index)


def indicator_tree(section: IndicatorsSpec) -> tuple[str, dict[str, list[str]]]:
    """(root, {node: children}) with a single root; every group listed once."""
    if section.hierarchy is None:
        return section.root, {section.root: list(section.items)}
    tree = {k: list(v) for k, v in section.hierarchy.items()}
    children = {c for kids in tree.values() for c in kids}
    tops = [k for k in tree if k not in children]
    if not tops:
        raise InvalidInput("indicators: the hierarchy has a cycle (no top node)")
    if len(tops) == 1:
        return tops[0], tree
    if section.root in tree:
        raise InvalidInput(
            f"indicators: several top nodes ({', '.join(tops)}) and the root name "
            f"{section.root!r} is already a node; set 'root' to another name"
        )
    tree[section.root] = tops
    return section.root, tree


def _ahp_weights(section: IndicatorsSpec, root: str, tree: dict[str, list[str]]) -> Part:
    matrices = section.weights.ahp or {}
    unknown = sorted(set(matrices) - set(tree))
    if unknown:
        raise InvalidInput(
            f"AHP: matrices given for {', '.join(unknown)}, which have no children; "
            f"parent nodes are {', '.join(tree)}"
        )
    results: dict[str, AhpResult] = {}
    for parent, kids in tree.items():
        if parent not in matrices:
            raise InvalidInput(
                f"AHP: no pairwise matrix for {parent!r} (children, in order: {', '.join(kids)})"
            )
        results[parent] = ahp(matrices[parent], labels=kids, method=section.weights.ahp_method)
    hierarchy = ahp_hierarchy(
        results[root], {p: r for p, r in results.items() if p != root}, goal=root
    )
    local = {str(k): float(v) for r in results.values() for k, v in r.weights.items()}
    matrices_out = {
        parent: {
            "children": tree[parent],
            "weights": r.weights.to_dict(),
            "lambda_max": r.lambda_max,
            "ci": r.ci,
            "random_index": r.random_index,
            "cr": r.cr,
            "consistent": r.consistent,
            "message": r.message,
        }
        for parent, r in results.items()
    }
    tables = {"hierarchy": hierarchy.table}
    for parent, r in results.items():
        if not r.consistent:
            tables[f"judgements.{parent}"] = r.judgements
    values = {
        "method": "ahp",
        "ahp_method": section.weights.ahp_method,
        "local_weights": local,
        "global_weights": hierarchy.global_weights.to_dict(),
        "matrices": matrices_out,
        "level_cr": {str(k): v for k, v in hierarchy.level_cr.items()},
        "all_consistent": all(r.consistent for r in results.values()),
    }
    return Part("weights", values=values, tables=tables, result=hierarchy)


def _entropy_weights(
    frame: pd.DataFrame, ind: pd.DataFrame, section: IndicatorsSpec, tree: dict[str, list[str]]
) -> Part:
    opts = section.weights.entropy
    if opts.alternatives:
        data = ind.groupby(frame[opts.alternatives].astype("string")).mean()
    else:
        data = ind.dropna()
    result = entropy_weights(data, normalisation=opts.normalisation)
    leaf_weight = {str(k): float(v) for k, v in result.weights.items()}

    def total(node: str) -> float:
        return leaf_weight[node] if node not in tree else sum(total(k) for k in tree[node])

    local: dict[str, float] = {}
    for parent, kids in tree.items():
        parent_total = total(parent)
        for kid in kids:
            # A group whose leaves all got zero weight splits evenly, so the tree stays valid.
            local[kid] = total(kid) / parent_total if parent_total > 0 else 1.0 / len(kids)
    table = pd.DataFrame(
        {"weight": result.weights, "entropy": result.entropy, "divergence": result.divergence}
    )
    values = {
        "method": "entropy",
        "normalisation": result.normalisation,
        "alternatives": opts.alternatives or "respondents",
        "n_alternatives": len(data),
        "local_weights": local,
        "global_weights": leaf_weight,
    }
    return Part("weights", values=values, tables={"entropy": table}, result=result)


def _simple_weights(section: IndicatorsSpec) -> Part:
    given = section.weights.given if section.weights.method == "given" else None
    values = {"method": section.weights.method, "local_weights": dict(given or {})}
    return Part("weights", values=values)


def _csi_part(
    ind: pd.DataFrame, section: IndicatorsSpec, root: str, tree: dict[str, list[str]], weights: Part
) -> Part:
    local = weights.values.get("local_weights") or None
    result = csi(ind, tree, local, scale=section.scale, root_name=root)
    values = {"index": result.index, "root": result.root, "scores": result.scores.to_dict()}
    return Part("csi", values=values, tables={"nodes": result.table}, result=result)


def _fuzzy_part(frame: pd.DataFrame, section: IndicatorsSpec, csi_part: Part) -> Part:
    opts = section.fuzzy
    if opts is None:  # pragma: no cover - only called with fuzzy settings
        raise InvalidInput("fuzzy: no settings")
    multi = [name for name, cols in section.items.items() if len(cols) != 1]
    if multi:
        raise InvalidInput(
            "fuzzy evaluation needs one answer column per indicator (grades are answer codes); "
            f"{', '.join(multi)} average several columns"
        )
    if csi_part.status != "ok":
        raise InvalidInput(f"fuzzy evaluation needs the index weights: {csi_part.reason}")
    answers = frame[[cols[0] for cols in section.items.values()]]
    answers.columns = pd.Index(list(section.items))
    names = opts.grade_names or [f"{g:g}" for g in opts.grades]
    memberships = membership_matrix(answers, opts.grades, grades=names)
    table = csi_part.tables["nodes"]
    leaves = table[table["node"].isin(list(section.items))]
    weights = pd.Series(leaves["global_weight"].to_numpy(), index=leaves["node"].to_list())
    result = fuzzy_evaluation(
        memberships, weights, opts.operator, grades=names, grade_scores=list(opts.grades)
    )
    values = {
        "operator": result.operator,
        "b": result.b.to_dict(),
        "b_normalised": result.b_normalised.to_dict(),
        "grade": result.grade,
        "tied_grades": list(result.tied_grades),
        "score": result.score,
    }
    return Part("fuzzy", values=values, tables={"memberships": memberships}, result=result)


def indicators_section(frame: pd.DataFrame, spec: AnalysisSpec, section: IndicatorsSpec) -> Section:
    """Weights of the indicator system, the weighted 0–100 CSI and the fuzzy evaluation."""

    def weights() -> Part:
        root, tree = indicator_tree(section)
        method = section.weights.method
        if method == "ahp":
            return _ahp_weights(section, root, tree)
        if method == "entropy":
            return _entropy_weights(frame, indicator_frame(frame, section), section, tree)
        return _simple_weights(section)

    weights_part = compute_part("weights", weights)

    def index() -> Part:
        if weights_part.status != "ok":
            raise InvalidInput(f"the CSI needs the weights: {weights_part.reason}")
        root, tree = indicator_tree(section)
        return _csi_part(indicator_frame(frame, section), section, root, tree, weights_part)

    parts = [weights_part, compute_part("csi", index)]
    if section.fuzzy is not None:
        parts.append(compute_part("fuzzy", partial(_fuzzy_part, frame, section, parts[1])))
    return Section.from_parts("indicators", parts)


def pls_blocks_and_paths(section: PlsSpec) -> tuple[str, list[tuple[str, str]]]:
    """(model name, inner paths): the built-in model without the latents the spec lacks."""
    if section.model == "custom":
        return "custom", [(a, b) for a, b in section.paths or []]
    base = ACSI_MODEL if section.model == "ACSI" else ECSI_MODEL
    absent = [k for k in base.latents if k not in section.blocks]
    model = base.without(*absent) if absent else base
    return model.name, list(model.paths)


def _pls_values(name: str, result: PLSResult) -> dict[str, object]:
    return {
        "model": name,
        "scheme": result.scheme,
        "scaled": result.scaled,
        "n_obs": result.n_obs,
        "n_dropped": result.n_dropped,
        "gof": result.gof,
        "r_squared": result.r_squared.to_dict(),
        "indices": result.indices.to_dict(),
        "index_scale": list(result.index_scale),
        "iterations": result.iterations,
        "labels": {k: list(LATENT_LABELS[k]) for k in result.latents if k in LATENT_LABELS},
        "bootstrap": None
        if result.bootstrap is None
        else {
            "n_resamples": result.bootstrap.n_resamples,
            "n_failed": result.bootstrap.n_failed,
            "confidence": result.bootstrap.confidence,
        },
    }


def pls_section(frame: pd.DataFrame, spec: AnalysisSpec, section: PlsSpec) -> Section:
    """The PLS path model: paths, R², AVE, composite reliability, GoF, 0–100 indices."""

    def compute() -> Part:
        name, paths = pls_blocks_and_paths(section)
        result = pls_path_model(
            frame,
            section.blocks,
            paths,
            modes=section.modes,
            scheme=section.scheme,
            scaled=section.scaled,
            bootstrap=section.bootstrap,
            seed=spec.seed,
            scale=section.scale,
            confidence=spec.confidence,
        )
        summary = result.inner_summary.copy()
        summary["composite_reliability"] = result.composite_reliability.reindex(summary.index)
        summary["index"] = result.indices.reindex(summary.index)
        tables = {
            "paths": result.inner_model,
            "latents": summary,
            "outer": result.outer_model,
            "effects": result.effects,
            "unidimensionality": result.unidimensionality,
        }
        if result.bootstrap is not None:
            tables["bootstrap_paths"] = result.bootstrap.paths
            tables["bootstrap_r_squared"] = result.bootstrap.r_squared
        return Part("model", values=_pls_values(name, result), tables=tables, result=result)

    return Section.from_parts("pls", [compute_part("model", compute)])


__all__ = [
    "indicator_frame",
    "indicator_tree",
    "indicators_section",
    "pls_blocks_and_paths",
    "pls_section",
]
