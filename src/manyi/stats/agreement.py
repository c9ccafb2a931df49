"""Inter-coder agreement: Cohen's kappa, Krippendorff's alpha, and the answers to settle.

Coding open answers into themes is a judgement; before a code book is trusted, two (or
more) people code the same answers independently and their agreement is measured
(product.md, "building the indicator system"). Common readings: kappa or alpha ≥ 0.80
reliable, 0.67–0.80 acceptable for tentative conclusions (Krippendorff 2004), below
that revise the code book. :func:`disagreements` lists the answers to discuss.

Missing codes (``None``/NaN) are skipped: Cohen's kappa uses the answers both coders
coded; Krippendorff's alpha uses every unit with at least two codes (its design handles
missing data and any number of coders).

The statistics are computed by established libraries: kappa, its standard errors, z and
p by statsmodels ``cohens_kappa``; alpha by the ``krippendorff`` package. This module
adds the coding-table handling (any hashable codes, missing codes, category order), the
argument checks with their messages, and the documented result dataclasses. It moved here
from ``manyi.text.agreement`` (issue #9), which re-exports it.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import krippendorff
import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.inter_rater import cohens_kappa

from manyi.errors import InvalidInput

__all__ = [
    "KappaResult",
    "KrippendorffResult",
    "cohen_kappa",
    "disagreements",
    "krippendorff_alpha",
]

Level = Literal["nominal", "ordinal", "interval", "ratio"]


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return bool(value is pd.NA or value is pd.NaT)


def _as_list(values: Sequence[Any] | pd.Series | np.ndarray, name: str) -> list[Any]:
    if isinstance(values, str):
        raise InvalidInput(f"{name} must be a list of codes, not one string")
    try:
        out = list(values)
    except TypeError as exc:
        raise InvalidInput(f"{name} must be a list of codes") from exc
    for v in out:
        if not _missing(v) and not isinstance(v, Hashable):
            raise InvalidInput(f"{name} contains a code that cannot be compared: {v!r}")
    return out


@dataclass(frozen=True)
class KappaResult:
    """Cohen's kappa of two coders.

    Attributes
    ----------
    kappa : float
        ``(p_o - p_e) / (1 - p_e)`` (weighted: ``1 - Σ w_d o / Σ w_d e``).
    se : float
        Large-sample standard error (Fleiss, Cohen & Everitt 1969).
    ci_low, ci_high : float
        Wald confidence interval ``kappa ± z se`` (not clipped).
    z, p_value : float
        Test of kappa = 0 with the null-hypothesis standard error (two-sided).
    observed_agreement, expected_agreement : float
        ``p_o`` and ``p_e`` (weighted versions when ``weights`` is given).
    n : int
        Answers coded by both coders.
    weights : str or None
        ``None``, ``"linear"`` or ``"quadratic"``.
    categories : tuple
        The categories, in the order used for the weights.
    confidence : float
        Confidence level of the interval.
    """

    kappa: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float
    observed_agreement: float
    expected_agreement: float
    n: int
    weights: str | None
    categories: tuple[Any, ...]
    confidence: float


def _order(values: list[Any], categories: Sequence[Any] | None) -> list[Any]:
    present = list(dict.fromkeys(values))
    if categories is not None:
        cats = list(categories)
        unknown = [v for v in present if v not in cats]
        if unknown:
            raise InvalidInput(f"codes not in categories: {unknown[:5]}")
        return cats
    try:
        return sorted(present)
    except TypeError:
        return sorted(present, key=str)


def cohen_kappa(
    coder_a: Sequence[Any] | pd.Series | np.ndarray,
    coder_b: Sequence[Any] | pd.Series | np.ndarray,
    *,
    weights: Literal["linear", "quadratic"] | None = None,
    categories: Sequence[Any] | None = None,
    confidence: float = 0.95,
) -> KappaResult:
    """Cohen's kappa between two coders, with a confidence interval.

    ``kappa = (p_o - p_e) / (1 - p_e)``: ``p_o`` the share of answers coded alike,
    ``p_e = Σ_k p_a(k) p_b(k)`` the share expected by chance from each coder's marginal
    distribution. Weighted kappa uses agreement weights ``w_ij = 1 - |i - j| / (K - 1)``
    (linear) or ``1 - (i - j)² / (K - 1)²`` (quadratic) over the ordered categories. The
    standard error is the large-sample formula of Fleiss, Cohen & Everitt (1969):
    ``var = [Σ_ij p_ij (w_ij - (w̄_i. + w̄_.j)(1 - κ))² - (κ - p_e(1 - κ))²] / (n (1 - p_e)²)``.
    Kappa, both standard errors, z and p are computed by statsmodels ``cohens_kappa`` on
    the coders' cross table; the interval is ``kappa ± z_{(1+confidence)/2} se``.

    Parameters
    ----------
    coder_a, coder_b : sequence
        Codes given by each coder to the same answers, in the same order; ``None``/NaN
        mark an answer a coder did not code (the pair is skipped).
    weights : {None, "linear", "quadratic"}
        Weighting for ordered categories; ``None`` for nominal codes.
    categories : sequence, optional
        All categories in order (needed for weights when codes are not naturally
        sortable, e.g. "low" < "mid" < "high").
    confidence : float, default 0.95
        Level of the interval.

    Returns
    -------
    KappaResult

    Raises
    ------
    InvalidInput
        When the lengths differ, fewer than two answers are coded by both, or both
        coders used one and the same single category (kappa is undefined).

    References
    ----------
    Cohen J. (1960), A coefficient of agreement for nominal scales, Educational and
    Psychological Measurement 20; Cohen J. (1968), Weighted kappa; Fleiss J.L., Cohen J.,
    Everitt B.S. (1969), Large sample standard errors of kappa and weighted kappa,
    Psychological Bulletin 72(5).

    Examples
    --------
    >>> a = ["yes"] * 25 + ["no"] * 25
    >>> b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    >>> round(cohen_kappa(a, b).kappa, 3)
    0.4
    """
    a_all = _as_list(coder_a, "coder_a")
    b_all = _as_list(coder_b, "coder_b")
    if len(a_all) != len(b_all):
        raise InvalidInput(
            f"the two coders must code the same answers: {len(a_all)} vs {len(b_all)} codes"
        )
    if weights not in (None, "linear", "quadratic"):
        raise InvalidInput(f"weights must be None, 'linear' or 'quadratic', got {weights!r}")
    if not 0.0 < confidence < 1.0:
        raise InvalidInput(f"confidence must be between 0 and 1, got {confidence}")
    pairs = [(x, y) for x, y in zip(a_all, b_all, strict=True) if not (_missing(x) or _missing(y))]
    n = len(pairs)
    if n < 2:
        raise InvalidInput(f"kappa needs at least 2 answers coded by both coders; got {n}")
    cats = _order([v for p in pairs for v in p], categories)
    index = {c: i for i, c in enumerate(cats)}
    k = len(cats)
    table = np.zeros((k, k))
    for x, y in pairs:
        table[index[x], index[y]] += 1
    p = table / n
    row, col = p.sum(axis=1), p.sum(axis=0)
    if weights is None or k == 1:
        w = np.eye(k)
    else:
        dist = np.abs(np.subtract.outer(np.arange(k), np.arange(k))) / (k - 1)
        w = 1.0 - (dist if weights == "linear" else dist**2)
    p_o = float((w * p).sum())
    p_e = float((w * np.outer(row, col)).sum())
    if math.isclose(p_e, 1.0):
        raise InvalidInput("kappa is undefined: both coders used one and the same category")
    # statsmodels' "linear"/"quadratic" disagreement weights |i - j|/(K - 1) and their
    # squares over the category positions are 1 minus our agreement weights.
    with np.errstate(divide="ignore", invalid="ignore"):  # a zero null SE is handled below
        fitted = cohens_kappa(table) if weights is None else cohens_kappa(table, wt=weights)
    kappa = float(fitted.kappa)
    se = math.sqrt(max(float(fitted.var_kappa), 0.0))
    se0 = math.sqrt(max(float(fitted.var_kappa0), 0.0))
    # statsmodels' own interval is fixed at 95 %; the same Wald form at any level.
    crit = float(stats.norm.ppf(0.5 + confidence / 2.0))
    z = float(fitted.z_value) if se0 > 0 else math.inf
    p_value = float(fitted.pvalue_two_sided) if se0 > 0 else 0.0
    return KappaResult(
        kappa=kappa,
        se=se,
        ci_low=float(kappa - crit * se),
        ci_high=float(kappa + crit * se),
        z=float(z),
        p_value=p_value,
        observed_agreement=p_o,
        expected_agreement=p_e,
        n=n,
        weights=weights,
        categories=tuple(cats),
        confidence=confidence,
    )


@dataclass(frozen=True)
class KrippendorffResult:
    """Krippendorff's alpha (``manyi.text.agreement.AlphaResult`` is this class).

    Attributes
    ----------
    alpha : float
        ``1 - D_o / D_e`` (computed by the ``krippendorff`` package).
    level : str
        Level of measurement: nominal, ordinal, interval or ratio.
    observed_disagreement, expected_disagreement : float
        ``D_o`` and ``D_e``.
    n_units : int
        Units with at least two codes (pairable units).
    n_values : int
        Codes in those units (``n`` in Krippendorff's notation).
    values : tuple
        The distinct codes, in the order used for ordinal distances.
    """

    alpha: float
    level: str
    observed_disagreement: float
    expected_disagreement: float
    n_units: int
    n_values: int
    values: tuple[Any, ...]


def _reliability_rows(data: Any) -> list[list[Any]]:
    if isinstance(data, pd.DataFrame):
        return [list(r) for r in data.itertuples(index=False, name=None)]
    if isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise InvalidInput("reliability data must be a 2-D table: one row per coder")
        return [list(r) for r in data]
    if isinstance(data, str | bytes) or not isinstance(data, Sequence):
        raise InvalidInput("reliability data must be a table: one row per coder")
    rows = []
    for r in data:
        if isinstance(r, str | bytes) or not isinstance(r, Sequence | np.ndarray | pd.Series):
            raise InvalidInput("each row of the reliability data must be one coder's codes")
        rows.append(list(r))
    return rows


def krippendorff_alpha(
    reliability_data: Sequence[Sequence[Any]] | np.ndarray | pd.DataFrame,
    level: Level = "nominal",
    *,
    value_order: Sequence[Any] | None = None,
) -> KrippendorffResult:
    """Krippendorff's alpha for any number of coders, any level, with missing codes.

    With the coincidence matrix ``o_ck = Σ_u (number of c–k pairs of codes from
    different coders in unit u) / (m_u - 1)`` over units with ``m_u >= 2`` codes,
    ``n_c = Σ_k o_ck`` and ``n = Σ_c n_c``:
    ``alpha = 1 - (n - 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck``. Distances ``δ²``: nominal
    ``[c ≠ k]``; interval ``(c - k)²``; ratio ``((c - k)/(c + k))²``; ordinal
    ``(Σ_{g=c..k} n_g - (n_c + n_k)/2)²`` over the ordered values. Alpha is computed by
    the ``krippendorff`` package (``krippendorff.alpha`` on the units × values counts);
    ``D_o`` and ``D_e``, which it does not return, from the coincidence matrix above.

    Parameters
    ----------
    reliability_data : table
        One row per coder, one column per unit (answer); ``None``/NaN where a coder did
        not code a unit. A DataFrame is read the same way (rows = coders).
    level : {"nominal", "ordinal", "interval", "ratio"}, default "nominal"
        Level of measurement of the codes.
    value_order : sequence, optional
        Order of the values for ``"ordinal"`` when they do not sort naturally.

    Returns
    -------
    KrippendorffResult

    Raises
    ------
    InvalidInput
        For an unknown level, rows of different lengths, non-numeric codes at the
        interval/ratio level, no unit with two codes, or a single value overall.

    References
    ----------
    Krippendorff K. (2011), Computing Krippendorff's alpha-reliability, Annenberg School
    for Communication, University of Pennsylvania (worked example: nominal 0.743);
    Hayes A.F., Krippendorff K. (2007), Communication Methods and Measures 1(1).

    Examples
    --------
    >>> nan = None
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> round(krippendorff_alpha(data).alpha, 3)
    0.743
    """
    if level not in ("nominal", "ordinal", "interval", "ratio"):
        raise InvalidInput(f"level must be nominal, ordinal, interval or ratio; got {level!r}")
    rows = _reliability_rows(reliability_data)
    if not rows:
        raise InvalidInput("reliability data has no coders")
    width = len(rows[0])
    if any(len(r) != width for r in rows):
        raise InvalidInput("every coder's row must have one entry per unit (same length)")
    units = [[r[j] for r in rows if not _missing(r[j])] for j in range(width)]
    units = [u for u in units if len(u) >= 2]
    if not units:
        raise InvalidInput("no unit was coded by at least two coders")
    present = list(dict.fromkeys(v for u in units for v in u))
    if level in ("interval", "ratio"):
        bad = [
            v for v in present if isinstance(v, bool) or not isinstance(v, int | float | np.number)
        ]
        if bad:
            raise InvalidInput(f"{level} alpha needs numeric codes; got {bad[:3]}")
    values = _order(present, value_order if level == "ordinal" else None)
    if len(values) < 2:
        raise InvalidInput("alpha is undefined when every code has the same value")
    index = {v: i for i, v in enumerate(values)}
    v = len(values)
    # Units × values: how many coders gave each value to each pairable unit.
    value_counts = np.zeros((len(units), v))
    for row, unit in enumerate(units):
        value_counts[row] = np.bincount([index[x] for x in unit], minlength=v)
    # The coincidence matrix only for D_o and D_e, which the package does not return.
    pairs = value_counts[:, :, None] * value_counts[:, None, :]
    pairs -= value_counts[:, :, None] * np.eye(v)[None, :, :]
    coincidence = (pairs / (value_counts.sum(axis=1) - 1)[:, None, None]).sum(axis=0)
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    delta = _distances(level, values, n_c)
    d_o = float((coincidence * delta).sum() / n)
    d_e = float((np.outer(n_c, n_c) * delta).sum() / (n * (n - 1)))
    if d_e == 0:
        raise InvalidInput("alpha is undefined: the codes show no variation")
    # Nominal and ordinal distances depend on the values' positions only; interval and
    # ratio distances on the numbers themselves.
    domain = np.arange(v) if level in ("nominal", "ordinal") else np.asarray(values, float)
    alpha = krippendorff.alpha(
        value_counts=value_counts, value_domain=domain, level_of_measurement=level
    )
    return KrippendorffResult(
        alpha=float(alpha),
        level=level,
        observed_disagreement=d_o,
        expected_disagreement=d_e,
        n_units=len(units),
        n_values=round(float(n)),
        values=tuple(values),
    )


def _distances(level: str, values: list[Any], n_c: np.ndarray) -> np.ndarray:
    v = len(values)
    if level == "nominal":
        return 1.0 - np.eye(v)
    if level == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(n_c)])
        i, j = np.meshgrid(np.arange(v), np.arange(v), indexing="ij")
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        between = cum[hi + 1] - cum[lo]
        return np.asarray((between - (n_c[i] + n_c[j]) / 2.0) ** 2)
    x = np.asarray(values, dtype=float)
    diff = np.subtract.outer(x, x)
    if level == "interval":
        return np.asarray(diff**2)
    total = np.add.outer(x, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(total != 0, diff / total, 0.0)
    return np.asarray(ratio**2)


def disagreements(
    coder_a: Sequence[Any] | pd.Series | np.ndarray,
    coder_b: Sequence[Any] | pd.Series | np.ndarray,
    texts: Sequence[str] | pd.Series | None = None,
    *,
    include_missing: bool = False,
) -> pd.DataFrame:
    """The answers two coders coded differently, to discuss and settle.

    Parameters
    ----------
    coder_a, coder_b : sequence
        Codes of each coder, same answers in the same order. Multi-label codes can be
        given as tuples or frozensets (compared as wholes).
    texts : sequence of str, optional
        The answers, quoted in the result.
    include_missing : bool, default False
        Also list answers that only one coder coded.

    Returns
    -------
    pandas.DataFrame
        Columns ``position`` (0-based row in the input), ``text`` (when given),
        ``coder_a``, ``coder_b``; indexed like ``texts`` when that is a Series.

    Raises
    ------
    InvalidInput
        When the lengths differ.

    Examples
    --------
    >>> disagreements(["物流", "服务", "价格"], ["物流", "价格", "价格"], ["慢", "态度差", "贵"])
       position text coder_a coder_b
    1         1  态度差      服务      价格
    """
    a = _as_list(coder_a, "coder_a")
    b = _as_list(coder_b, "coder_b")
    if len(a) != len(b):
        raise InvalidInput(f"the two coders must code the same answers: {len(a)} vs {len(b)}")
    if texts is not None and len(texts) != len(a):
        raise InvalidInput(f"texts has {len(texts)} answers but the coders coded {len(a)}")
    index = texts.index if isinstance(texts, pd.Series) else pd.RangeIndex(len(a))
    keep: list[int] = []
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        mx, my = _missing(x), _missing(y)
        if (mx or my) and not (include_missing and mx != my):
            continue
        if mx or my or x != y:
            keep.append(i)
    out = pd.DataFrame({"position": keep}, index=index[keep])
    if texts is not None:
        text_list = list(texts)
        out["text"] = [text_list[i] for i in keep]
    out["coder_a"] = [a[i] for i in keep]
    out["coder_b"] = [b[i] for i in keep]
    return out
