"""Analytic Hierarchy Process (AHP): weights from pairwise comparisons, with a consistency check.

An expert compares criteria two at a time on Saaty's 1–9 scale ("service speed is *moderately*
more important than price" = 3); the reciprocal matrix of those judgements yields the weights.
Because people are rarely perfectly consistent, the consistency ratio (CR) tells whether the
judgements can be trusted; above 0.1 the most inconsistent judgements are named so that the
expert can revisit them.

References
----------
Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
Saaty, T. L. (2003). Decision-making with the AHP: Why is the principal eigenvector
necessary. *European Journal of Operational Research* 145(1), 85–91.
Saaty, T. L. (2008). Decision making with the analytic hierarchy process. *International
Journal of Services Sciences* 1(1), 83–98.
Crawford, G. & Williams, C. (1985). A note on the analysis of subjective judgment matrices.
*Journal of Mathematical Psychology* 29, 387–405 (geometric-mean method).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from manyi.errors import InvalidInput

AhpMethod = Literal["eigenvector", "geometric"]

#: Saaty's random consistency index RI(n): the mean CI of many random reciprocal matrices of
#: order n with entries drawn from the 1/9…9 scale. Values from Saaty (1980), *The Analytic
#: Hierarchy Process*, p. 21 (the table most software and textbooks use; the 层次分析法 table
#: in Chinese textbooks is the same for n ≤ 10). Other tables exist (Donegan & Dodd 1991, Alonso
#: & Lamata 2006) and give slightly different CRs; pass ``random_index=`` to use one of them.
SAATY_1980_RANDOM_INDEX: Mapping[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}

#: Saaty's threshold: a CR above 10 % means the judgements are too inconsistent to use as they are.
CR_THRESHOLD = 0.1

_DEFAULT_RECIPROCAL_TOLERANCE = 0.01


@dataclass(frozen=True)
class AhpResult:
    """Weights and consistency of one pairwise-comparison matrix.

    Attributes
    ----------
    weights : pandas.Series
        Priority vector (sums to 1) from the requested ``method``, indexed by label.
    weights_eigenvector : pandas.Series
        Normalised principal right eigenvector (Saaty 1980).
    weights_geometric : pandas.Series
        Normalised geometric means of the rows (Crawford & Williams 1985).
    lambda_max : float
        Principal eigenvalue of the matrix (equals n for a perfectly consistent matrix).
    ci : float
        Consistency index ``(lambda_max - n) / (n - 1)``.
    random_index : float
        RI(n) used for the ratio (from :data:`SAATY_1980_RANDOM_INDEX` unless overridden).
    cr : float
        Consistency ratio ``CI / RI``; 0 for n ≤ 2, where every reciprocal matrix is consistent.
    consistent : bool
        ``cr <= 0.1``.
    judgements : pandas.DataFrame
        One row per judgement above the diagonal, most inconsistent first: ``row``, ``column``,
        ``given`` (a_ij), ``implied`` (w_i / w_j from the eigenvector weights), ``ratio``
        (a_ij · w_j / w_i) and ``deviation`` (|ln ratio|, 0 when the judgement agrees).
    message : str
        Plain-language verdict; when CR > 0.1 it names the three most inconsistent judgements.
    method : str
        The method behind ``weights``.
    """

    weights: pd.Series
    weights_eigenvector: pd.Series
    weights_geometric: pd.Series
    lambda_max: float
    ci: float
    random_index: float
    cr: float
    consistent: bool
    judgements: pd.DataFrame
    message: str
    method: str

    @property
    def n(self) -> int:
        """Number of compared elements."""
        return len(self.weights)


def pairwise_matrix(
    judgements: Mapping[tuple[str, str], float], labels: Sequence[str]
) -> pd.DataFrame:
    """Build a full reciprocal comparison matrix from one judgement per pair.

    ``judgements[(a, b)] = 3`` means "a is moderately more important than b"; the matrix gets
    ``a_ab = 3`` and ``a_ba = 1/3``. Every unordered pair of ``labels`` must be judged exactly
    once, so that a missing comparison cannot silently become "equal importance".

    Parameters
    ----------
    judgements : mapping of (str, str) to float
        One positive judgement per pair of labels, in either order.
    labels : sequence of str
        The compared elements, in the order the matrix should have.

    Returns
    -------
    pandas.DataFrame
        Square reciprocal matrix with ones on the diagonal, indexed by ``labels`` both ways.

    Examples
    --------
    >>> m = pairwise_matrix({("speed", "price"): 3, ("speed", "staff"): 5,
    ...                      ("price", "staff"): 2}, ["speed", "price", "staff"])
    >>> round(float(m.loc["price", "speed"]), 4)
    0.3333
    """
    names = [str(label) for label in labels]
    if len(set(names)) != len(names):
        raise InvalidInput("AHP: the labels must be distinct")
    index = {name: i for i, name in enumerate(names)}
    n = len(names)
    matrix = np.eye(n)
    seen: set[frozenset[str]] = set()
    for (a, b), value in judgements.items():
        for label in (a, b):
            if label not in index:
                raise InvalidInput(f"AHP: judgement names unknown element {label!r}")
        if a == b:
            raise InvalidInput(
                f"AHP: {a!r} is compared with itself; only distinct pairs are judged"
            )
        pair = frozenset((a, b))
        if pair in seen:
            raise InvalidInput(f"AHP: the pair {a!r}/{b!r} is judged twice")
        seen.add(pair)
        v = float(value)
        if not np.isfinite(v) or v <= 0:
            raise InvalidInput(
                f"AHP: judgement {a!r} vs {b!r} must be a positive number, got {value!r}"
            )
        matrix[index[a], index[b]] = v
        matrix[index[b], index[a]] = 1.0 / v
    missing = [
        f"{names[i]}/{names[j]}"
        for i in range(n)
        for j in range(i + 1, n)
        if frozenset((names[i], names[j])) not in seen
    ]
    if missing:
        raise InvalidInput(f"AHP: pairs not judged: {', '.join(missing[:10])}")
    return pd.DataFrame(matrix, index=names, columns=names)


def _as_matrix(
    matrix: pd.DataFrame | np.ndarray | Sequence[Sequence[float]], labels: Sequence[str] | None
) -> tuple[np.ndarray, list[str]]:
    if isinstance(matrix, pd.DataFrame):
        if labels is None:
            labels = [str(c) for c in matrix.columns]
        if list(map(str, matrix.index)) != list(map(str, matrix.columns)):
            raise InvalidInput(
                "AHP: the matrix's row labels must equal its column labels, in order"
            )
    try:
        arr = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"AHP: the comparison matrix must hold numbers ({exc})") from exc
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise InvalidInput(f"AHP: the comparison matrix must be square, got shape {arr.shape}")
    n = arr.shape[0]
    if n < 1:
        raise InvalidInput("AHP: the comparison matrix is empty")
    names = [str(x) for x in labels] if labels is not None else [f"c{i + 1}" for i in range(n)]
    if len(names) != n:
        raise InvalidInput(f"AHP: {len(names)} labels given for a {n}×{n} matrix")
    if len(set(names)) != n:
        raise InvalidInput("AHP: the labels must be distinct")
    return arr, names


def _validate(arr: np.ndarray, names: list[str], tol: float) -> None:
    if not np.all(np.isfinite(arr)):
        raise InvalidInput("AHP: the comparison matrix has missing or infinite entries")
    if np.any(arr <= 0):
        i, j = np.argwhere(arr <= 0)[0]
        raise InvalidInput(
            f"AHP: judgements must be positive (1/9…9); {names[i]} vs {names[j]} is {arr[i, j]:g}"
        )
    diag = np.diag(arr)
    bad = np.flatnonzero(np.abs(diag - 1.0) > tol)
    if bad.size:
        k = int(bad[0])
        raise InvalidInput(
            f"AHP: the diagonal must be 1 (an element is as important as itself); "
            f"{names[k]} vs {names[k]} is {diag[k]:g}"
        )
    # a_ij * a_ji must be 1: a relative check, so 3 and 0.333 (typed by hand) still pass.
    product = arr * arr.T
    off = np.abs(product - 1.0) > tol
    if np.any(off):
        i, j = np.argwhere(off)[0]
        raise InvalidInput(
            f"AHP: the matrix is not reciprocal: {names[i]} vs {names[j]} is {arr[i, j]:g} but "
            f"{names[j]} vs {names[i]} is {arr[j, i]:g} (expected {1 / arr[i, j]:.4g})"
        )


def _eigen(arr: np.ndarray) -> tuple[float, np.ndarray]:
    values, vectors = np.linalg.eig(arr)
    k = int(np.argmax(values.real))
    # Perron–Frobenius: a positive matrix has a real, simple largest eigenvalue with a positive
    # eigenvector; abs() only removes the arbitrary sign numpy may return.
    vec = np.abs(vectors[:, k].real)
    return float(values[k].real), vec / vec.sum()


def _geometric(arr: np.ndarray) -> np.ndarray:
    g = np.exp(np.log(arr).mean(axis=1))
    return np.asarray(g / g.sum())


def _judgement_table(arr: np.ndarray, w: np.ndarray, names: list[str]) -> pd.DataFrame:
    rows = []
    n = len(names)
    for i in range(n):
        for j in range(i + 1, n):
            ratio = arr[i, j] * w[j] / w[i]
            rows.append(
                {
                    "row": names[i],
                    "column": names[j],
                    "given": arr[i, j],
                    "implied": w[i] / w[j],
                    "ratio": ratio,
                    "deviation": abs(float(np.log(ratio))),
                }
            )
    table = pd.DataFrame(rows, columns=["row", "column", "given", "implied", "ratio", "deviation"])
    return table.sort_values("deviation", ascending=False, kind="stable").reset_index(drop=True)


def ahp(
    matrix: pd.DataFrame | np.ndarray | Sequence[Sequence[float]],
    labels: Sequence[str] | None = None,
    method: AhpMethod = "eigenvector",
    *,
    random_index: Mapping[int, float] | None = None,
    tol: float = _DEFAULT_RECIPROCAL_TOLERANCE,
) -> AhpResult:
    """Weights and consistency ratio of an AHP pairwise-comparison matrix.

    The weights are the normalised principal eigenvector ``A w = λ_max w`` (``"eigenvector"``,
    Saaty 1980) or the normalised row geometric means ``w_i ∝ (Π_j a_ij)^(1/n)``
    (``"geometric"``, Crawford & Williams 1985); both are always computed. Consistency:
    ``CI = (λ_max − n)/(n − 1)``, ``CR = CI / RI(n)`` with Saaty's (1980) random index
    (:data:`SAATY_1980_RANDOM_INDEX`); judgements are acceptable when ``CR ≤ 0.1``. CI uses the
    principal eigenvalue whatever the method, because consistency is a property of the matrix.

    When CR > 0.1 the message names the most inconsistent judgements, ranked by how far the
    given judgement is from the one the weights imply: ``|ln(a_ij · w_j / w_i)|`` (Saaty 2003
    picks the largest ``a_ij w_j / w_i``; the log makes a judgement that is 3× too large and one
    that is 3× too small count the same).

    Parameters
    ----------
    matrix : array-like or pandas.DataFrame, shape (n, n)
        Positive reciprocal matrix: ``a_ij`` = importance of i over j, ``a_ji = 1/a_ij``,
        ones on the diagonal. A DataFrame's labels are used when ``labels`` is not given.
    labels : sequence of str, optional
        Names of the n elements (default ``c1 … cn``).
    method : {"eigenvector", "geometric"}
        Which weights go into ``result.weights``.
    random_index : mapping of int to float, optional
        Another RI table, e.g. Donegan & Dodd (1991); default Saaty (1980), n ≤ 15.
    tol : float
        Allowed relative error in ``a_ij · a_ji = 1`` and on the diagonal (default 0.01, so a
        hand-typed 0.333 for 1/3 is accepted).

    Returns
    -------
    AhpResult

    Raises
    ------
    InvalidInput
        Not square, non-positive or missing entries, diagonal not 1, not reciprocal, or an
        order without a random index.

    References
    ----------
    Saaty (1980); Saaty (2008) drinks-consumption example (weights water 0.327, soda 0.190,
    coffee 0.177, milk 0.129, beer 0.116, tea 0.042, wine 0.019; CR 0.022).

    Examples
    --------
    >>> r = ahp([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]], labels=["speed", "price", "staff"])
    >>> r.weights.round(3).tolist(), r.consistent
    ([0.648, 0.23, 0.122], True)
    """
    if method not in ("eigenvector", "geometric"):
        raise InvalidInput(f"AHP: method must be 'eigenvector' or 'geometric', got {method!r}")
    arr, names = _as_matrix(matrix, labels)
    _validate(arr, names, tol)
    n = len(names)
    table = dict(SAATY_1980_RANDOM_INDEX if random_index is None else random_index)
    if n not in table:
        raise InvalidInput(
            f"AHP: no random index for {n} elements (the table covers {min(table)}–{max(table)}); "
            "split the criteria into a hierarchy of at most 9 per group, as Saaty advises"
        )
    lambda_max, w_eig = _eigen(arr)
    w_geo = _geometric(arr)
    ri = float(table[n])
    # For n ≤ 2 every reciprocal matrix is consistent and RI = 0: report CI = CR = 0.
    ci = 0.0 if n <= 2 else max((lambda_max - n) / (n - 1), 0.0)
    cr = 0.0 if n <= 2 or ri == 0 else ci / ri
    consistent = cr <= CR_THRESHOLD
    judgements = _judgement_table(arr, w_eig, names)
    if consistent:
        message = f"CR = {cr:.3f} ≤ 0.1: the judgements are acceptably consistent"
    else:
        worst = "; ".join(
            f"{r.row} vs {r.column}: given {r.given:.3g}, the other judgements imply {r.implied:.3g}"
            for r in judgements.head(3).itertuples()
        )
        message = f"CR = {cr:.3f} > 0.1: the judgements are inconsistent; revisit first {worst}"
    w_eig_s = pd.Series(w_eig, index=names, name="weight")
    w_geo_s = pd.Series(w_geo, index=names, name="weight")
    return AhpResult(
        weights=(w_eig_s if method == "eigenvector" else w_geo_s).copy(),
        weights_eigenvector=w_eig_s,
        weights_geometric=w_geo_s,
        lambda_max=lambda_max,
        ci=ci,
        random_index=ri,
        cr=cr,
        consistent=consistent,
        judgements=judgements,
        message=message,
        method=method,
    )


NodeWeights = AhpResult | pd.Series | Mapping[str, float]


@dataclass(frozen=True)
class AhpHierarchyResult:
    """Global weights of a criteria hierarchy.

    Attributes
    ----------
    global_weights : pandas.Series
        Weight of each leaf (criterion without sub-criteria) in the whole hierarchy; sums to 1.
    table : pandas.DataFrame
        One row per node below the goal: ``node``, ``parent``, ``level`` (1 = criteria),
        ``local_weight`` (within its parent), ``global_weight`` (product of the local weights
        on the path from the goal) and ``leaf``.
    level_cr : dict of int to float
        Consistency ratio of the total ranking of each level (层次总排序一致性),
        ``CR_k = Σ_j w_j CI_j / Σ_j w_j RI_j`` over the parent groups j of level k weighted by
        the parents' global weights; level 1 is the criteria matrix itself. Present only for
        levels whose every group was given as an :class:`AhpResult`.
    """

    global_weights: pd.Series
    table: pd.DataFrame
    level_cr: dict[int, float]


def _local_weights(node: str, weights: NodeWeights) -> tuple[pd.Series, AhpResult | None]:
    if isinstance(weights, AhpResult):
        return weights.weights.astype(float), weights
    series = pd.Series(weights, dtype=float) if not isinstance(weights, pd.Series) else weights
    series = series.astype(float)
    series.index = series.index.map(str)
    if series.empty or not np.all(np.isfinite(series.to_numpy())) or (series < 0).any():
        raise InvalidInput(
            f"AHP hierarchy: the weights under {node!r} must be non-negative numbers"
        )
    if abs(float(series.sum()) - 1.0) > 1e-6:
        raise InvalidInput(
            f"AHP hierarchy: the weights under {node!r} sum to {float(series.sum()):.6g}, not 1"
        )
    return series, None


def ahp_hierarchy(
    criteria: NodeWeights,
    sub_criteria: Mapping[str, NodeWeights] | None = None,
    *,
    goal: str = "goal",
) -> AhpHierarchyResult:
    """Aggregate local AHP weights down a hierarchy into global weights.

    The global weight of a node is the product of the local weights on the path from the goal:
    ``g(child) = g(parent) · w(child | parent)`` (Saaty 1980, hierarchic composition). Leaves'
    global weights sum to 1. Any node of ``sub_criteria`` may itself have sub-criteria, so
    hierarchies deeper than two levels work the same way.

    Parameters
    ----------
    criteria : AhpResult or pandas.Series or mapping of str to float
        Weights of the criteria under the goal (an :func:`ahp` result or weights summing to 1).
    sub_criteria : mapping of str to (AhpResult or Series or mapping), optional
        For each criterion (or sub-criterion) that is split further, the local weights of its
        children. A node not in the mapping is a leaf.
    goal : str
        Name of the top node in ``table``.

    Returns
    -------
    AhpHierarchyResult

    Raises
    ------
    InvalidInput
        Local weights not summing to 1, negative weights, a node with two parents, or a
        sub-criteria group whose parent is not in the hierarchy.

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill (hierarchic
    composition and the consistency of a whole hierarchy).
    Saaty, T. L. (2008). Decision making with the analytic hierarchy process. *International
    Journal of Services Sciences* 1(1), 83–98.

    Examples
    --------
    >>> h = ahp_hierarchy({"service": 0.6, "price": 0.4},
    ...                   {"service": {"speed": 0.75, "courtesy": 0.25}})
    >>> h.global_weights.round(2).to_dict()
    {'speed': 0.45, 'courtesy': 0.15, 'price': 0.4}
    """
    groups = dict(sub_criteria or {})
    rows: list[dict[str, object]] = []
    ci_sum: dict[int, float] = {}
    ri_sum: dict[int, float] = {}
    complete: dict[int, bool] = {}
    seen: set[str] = {goal}
    used_groups: set[str] = set()

    def visit(node: str, weights: NodeWeights, parent_global: float, level: int) -> None:
        local, result = _local_weights(node, weights)
        if result is None:
            complete[level] = False
        else:
            complete.setdefault(level, True)
            ci_sum[level] = ci_sum.get(level, 0.0) + parent_global * result.ci
            ri_sum[level] = ri_sum.get(level, 0.0) + parent_global * result.random_index
        for child, w in local.items():
            name = str(child)
            if name in seen:
                raise InvalidInput(
                    f"AHP hierarchy: {name!r} appears twice; each node has one parent"
                )
            seen.add(name)
            g = parent_global * float(w)
            is_leaf = name not in groups
            rows.append(
                {
                    "node": name,
                    "parent": node,
                    "level": level,
                    "local_weight": float(w),
                    "global_weight": g,
                    "leaf": is_leaf,
                }
            )
            if not is_leaf:
                used_groups.add(name)
                visit(name, groups[name], g, level + 1)

    visit(goal, criteria, 1.0, 1)
    orphans = sorted(set(map(str, groups)) - used_groups)
    if orphans:
        raise InvalidInput(
            f"AHP hierarchy: sub-criteria given for unknown node(s): {', '.join(orphans)}"
        )
    table = pd.DataFrame(
        rows, columns=["node", "parent", "level", "local_weight", "global_weight", "leaf"]
    )
    leaves = table[table["leaf"]]
    global_weights = pd.Series(
        leaves["global_weight"].to_numpy(), index=leaves["node"].to_list(), name="global_weight"
    )
    level_cr = {
        level: (ci_sum[level] / ri_sum[level] if ri_sum[level] > 0 else 0.0)
        for level, ok in sorted(complete.items())
        if ok
    }
    return AhpHierarchyResult(global_weights=global_weights, table=table, level_cr=level_cr)


__all__ = [
    "CR_THRESHOLD",
    "SAATY_1980_RANDOM_INDEX",
    "AhpHierarchyResult",
    "AhpResult",
    "ahp",
    "ahp_hierarchy",
    "pairwise_matrix",
]
