"""Customer-satisfaction index (CSI, 顾客满意度指数) over an indicator hierarchy.

Each indicator's mean rating is put on a 0–100 scale, then weighted sums climb the hierarchy
(indicators → dimensions → index), as in the weighted-index construction of GB/T 19038-2009
《顾客满意测评模型和方法指南》 and Fornell's ACSI reporting scale. The weights usually come from
:func:`manyi.stats.ahp.ahp`, :func:`manyi.stats.entropy.entropy_weights` or experts.

References
----------
Fornell, C. (1992). A national customer satisfaction barometer: the Swedish experience.
*Journal of Marketing* 56(1), 6–21 (0–100 index scale).
GB/T 19038-2009 顾客满意测评模型和方法指南 (weighted indicator index).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from manyi.errors import InvalidInput
from manyi.stats.validation import numeric_frame, require_in_scale

_WEIGHT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class CsiResult:
    """A weighted 0–100 satisfaction index.

    Attributes
    ----------
    index : float
        Score of the root node, 0 (everyone at the scale minimum) … 100 (everyone at the maximum).
    scores : pandas.Series
        0–100 score of every node (root, dimensions, indicators).
    table : pandas.DataFrame
        One row per node: ``node``, ``parent`` (None for the root), ``level`` (0 = root),
        ``local_weight`` (within the parent), ``global_weight`` (share of the index),
        ``mean`` (indicators only: mean rating), ``n`` (indicators only: answers used), ``score``.
    root : str
        Name of the root node.
    """

    index: float
    scores: pd.Series
    table: pd.DataFrame
    root: str


def _find_root(
    hierarchy: Mapping[str, Sequence[str]], root_name: str
) -> tuple[str, dict[str, list[str]]]:
    tree = {str(k): [str(c) for c in v] for k, v in hierarchy.items()}
    children = {c for kids in tree.values() for c in kids}
    tops = [k for k in tree if k not in children]
    if not tree:
        raise InvalidInput("CSI: the hierarchy is empty")
    if not tops:
        raise InvalidInput("CSI: the hierarchy has a cycle (no top node)")
    if len(tops) == 1:
        return tops[0], tree
    # Several top-level dimensions: put them under one implicit root.
    if root_name in tree:
        raise InvalidInput(f"CSI: several top nodes ({', '.join(tops)}) and {root_name!r} is taken")
    tree[root_name] = tops
    return root_name, tree


def _local_weights(node: str, kids: list[str], weights: Mapping[str, float]) -> list[float]:
    given = [k for k in kids if k in weights]
    if not given:
        # No weights at all for a group: equal weights (the neutral choice, stated in the docs).
        return [1.0 / len(kids)] * len(kids)
    if len(given) != len(kids):
        missing = [k for k in kids if k not in weights]
        raise InvalidInput(f"CSI: no weight for {', '.join(missing)} (under {node!r})")
    values = [float(weights[k]) for k in kids]
    if any(not np.isfinite(v) or v < 0 for v in values):
        raise InvalidInput(f"CSI: the weights under {node!r} must be non-negative numbers")
    if abs(sum(values) - 1.0) > _WEIGHT_TOLERANCE:
        raise InvalidInput(
            f"CSI: the weights under {node!r} sum to {sum(values):.6g}; the weights of the children "
            "of one node must sum to 1"
        )
    return values


def csi(
    data: pd.DataFrame,
    hierarchy: Mapping[str, Sequence[str]] | None,
    weights: Mapping[str, float] | pd.Series | None,
    scale: tuple[float, float] = (1, 5),
    *,
    root_name: str = "CSI",
) -> CsiResult:
    """Weighted customer-satisfaction index on 0–100 over an indicator hierarchy.

    Indicator i (a data column) scores ``s_i = 100 · (x̄_i − L)/(H − L)`` with ``x̄_i`` its mean
    over the non-missing answers and ``(L, H)`` the rating scale; a node scores
    ``s_k = Σ_{c ∈ children(k)} w_c s_c`` with the children's local weights summing to 1; the
    index is the root's score. Equivalently ``CSI = Σ_i g_i s_i`` with ``g_i`` the product of
    local weights from the root (``global_weight``).

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows, indicator ratings in columns.
    hierarchy : mapping of str to sequence of str, or None
        ``{node: [children]}``; leaves are data columns. Several top nodes are placed under one
        root named ``root_name``. ``None``: a single level, every weighted column under the root.
    weights : mapping of str to float, or None
        Local weight of each node within its parent (siblings sum to 1). A group with no weight
        given at all gets equal weights; ``None`` means equal weights everywhere.
    scale : (float, float)
        Lowest and highest rating, e.g. ``(1, 5)`` or ``(0, 10)``.
    root_name : str
        Name of the root when one has to be added.

    Returns
    -------
    CsiResult

    Raises
    ------
    InvalidInput
        Unknown column, ratings outside the scale, an indicator without answers, sibling
        weights not summing to 1, a node with two parents or a cycle.

    References
    ----------
    Fornell, C. (1992). A national customer satisfaction barometer: the Swedish experience.
    *Journal of Marketing* 56(1), 6–21 (0–100 index scale).
    GB/T 19038-2009 顾客满意测评模型和方法指南 (weighted indicator index).

    Examples
    --------
    >>> d = pd.DataFrame({"speed": [5, 4], "courtesy": [4, 4], "price": [3, 2]})
    >>> r = csi(d, {"service": ["speed", "courtesy"], "value": ["price"]},
    ...         {"service": 0.6, "value": 0.4, "speed": 0.5, "courtesy": 0.5}, scale=(1, 5))
    >>> round(r.index, 2), round(float(r.scores["service"]), 2)
    (63.75, 81.25)
    """
    low, high = (float(scale[0]), float(scale[1]))
    if not high > low:
        raise InvalidInput(f"CSI: the scale must be (lowest, highest), got {scale!r}")
    w_map: dict[str, float] = (
        {} if weights is None else {str(k): float(v) for k, v in dict(weights).items()}
    )
    if hierarchy is None:
        leaves = list(w_map) if w_map else [str(c) for c in data.columns]
        root, tree = root_name, {root_name: leaves}
    else:
        root, tree = _find_root(hierarchy, root_name)
    rows: list[dict[str, object]] = []
    seen: set[str] = set()
    indicators: list[str] = []

    def walk(
        node: str, parent: str | None, level: int, local: float, glob: float, path: tuple[str, ...]
    ) -> None:
        if node in path:
            raise InvalidInput(f"CSI: the hierarchy has a cycle through {node!r}")
        if node in seen:
            raise InvalidInput(
                f"CSI: {node!r} appears twice in the hierarchy; each node has one parent"
            )
        seen.add(node)
        rows.append(
            {
                "node": node,
                "parent": parent,
                "level": level,
                "local_weight": local,
                "global_weight": glob,
            }
        )
        kids = tree.get(node)
        if not kids:
            indicators.append(node)
            return
        for kid, w in zip(kids, _local_weights(node, kids, w_map), strict=True):
            walk(kid, node, level + 1, w, glob * w, (*path, node))

    walk(root, None, 0, 1.0, 1.0, ())
    unknown_weights = sorted(set(w_map) - seen)
    if unknown_weights:
        raise InvalidInput(
            f"CSI: weights given for node(s) not in the hierarchy: {', '.join(unknown_weights)}"
        )
    frame = numeric_frame(data, indicators, what="CSI")
    require_in_scale(frame, low, high, what="CSI ratings")
    means = frame.mean(axis=0, skipna=True)
    counts = frame.notna().sum(axis=0)
    empty = [c for c in indicators if counts[c] == 0]
    if empty:
        raise InvalidInput(f"CSI: indicator(s) {', '.join(empty)} have no answers")
    scores: dict[str, float] = {
        c: 100.0 * (float(means[c]) - low) / (high - low) for c in indicators
    }

    def score(node: str) -> float:
        if node not in scores:
            kids = tree[node]
            scores[node] = float(
                sum(
                    w * score(k)
                    for k, w in zip(kids, _local_weights(node, kids, w_map), strict=True)
                )
            )
        return scores[node]

    score(root)
    table = pd.DataFrame(rows)
    table["mean"] = [float(means[n]) if n in indicators else np.nan for n in table["node"]]
    table["n"] = pd.array(
        [int(counts[n]) if n in indicators else None for n in table["node"]], dtype="Int64"
    )
    table["score"] = [scores[n] for n in table["node"]]
    ordered = pd.Series({n: scores[n] for n in table["node"]}, name="score")
    return CsiResult(index=scores[root], scores=ordered, table=table, root=root)


__all__ = ["CsiResult", "csi"]
