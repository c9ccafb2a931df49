"""Fuzzy comprehensive evaluation (模糊综合评价).

Each factor u_i (service speed, courtesy, …) has a membership vector r_i over the grades
v_1 … v_m (very satisfied … very dissatisfied): usually the share of respondents who gave each
grade. With factor weights A, the evaluation vector is ``B = A ∘ R`` for a chosen composition
operator; the overall grade is the one of largest membership, and with numeric grade scores a
single score summarises B.

References
----------
Zadeh, L. A. (1965). Fuzzy sets. *Information and Control* 8, 338–353.
汪培庄 (1983). 《模糊集合论及其应用》. 上海科学技术出版社 (the M(∧,∨) … M(·,+) models).
司守奎, 孙玺菁.《数学建模算法与应用》. 国防工业出版社 (clothing-evaluation example:
A = (0.1, 0.2, 0.3, 0.4) gives B = (0.2, 0.3, 0.4, 0.1) under M(∧,∨)).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from manyi.errors import InvalidInput
from manyi.stats.validation import numeric_frame

#: Accepted spellings of the four classic composition operators, mapped to the canonical name.
OPERATORS: Mapping[str, str] = {
    "M(·,+)": "M(·,+)",
    "M(*,+)": "M(·,+)",
    "weighted_average": "M(·,+)",
    "M(∧,∨)": "M(∧,∨)",
    "M(^,v)": "M(∧,∨)",
    "max_min": "M(∧,∨)",
    "M(·,∨)": "M(·,∨)",
    "M(*,v)": "M(·,∨)",
    "max_product": "M(·,∨)",
    "M(∧,⊕)": "M(∧,⊕)",
    "M(^,+)": "M(∧,⊕)",
    "bounded_sum": "M(∧,⊕)",
}

_TIE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class FuzzyResult:
    """Result of a fuzzy comprehensive evaluation.

    Attributes
    ----------
    b : pandas.Series
        Evaluation vector ``B = A ∘ R`` over the grades, as the operator gives it.
    b_normalised : pandas.Series
        ``B / Σ B`` (sums to 1), the form used for the score.
    grade : str
        Grade of maximum membership; among tied grades the first in the grade order (see
        ``tied_grades``).
    tied_grades : tuple of str
        All grades sharing the maximum membership (length 1 when there is no tie).
    score : float or None
        ``Σ_j b̂_j s_j`` with the grade scores ``s``; None when no scores are known.
    operator : str
        Canonical operator name, e.g. ``"M(·,+)"``.
    """

    b: pd.Series
    b_normalised: pd.Series
    grade: str
    tied_grades: tuple[str, ...]
    score: float | None
    operator: str


def membership_matrix(
    data: pd.DataFrame,
    scale: Sequence[float],
    *,
    columns: Sequence[str] | None = None,
    grades: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Membership matrix R from rating distributions: the share of answers at each grade.

    ``r_ij = #(answers to factor i equal to scale[j]) / #(non-missing answers to factor i)``.
    Each row sums to 1. Missing answers are left out of that factor's denominator.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows, factors (questions) in columns, answers coded with the values in
        ``scale``.
    scale : sequence of float
        The answer codes in grade order, e.g. ``[5, 4, 3, 2, 1]`` for "very satisfied" first.
    columns : sequence of str, optional
        Factors to use (default: all columns).
    grades : sequence of str, optional
        Names for the grades (default: the scale values as text).

    Returns
    -------
    pandas.DataFrame
        Factors × grades.

    Raises
    ------
    InvalidInput
        Unknown column, non-numeric answers, an answer not in ``scale``, or a factor without
        any answer.

    References
    ----------
    Zadeh, L. A. (1965). Fuzzy sets. *Information and Control* 8, 338–353.
    汪培庄 (1983). 《模糊集合论及其应用》. 上海科学技术出版社 (fuzzy comprehensive
    evaluation, whose evaluation matrix R this builds).

    Examples
    --------
    >>> d = pd.DataFrame({"speed": [5, 4, 4, 3], "staff": [5, 5, 4, 1]})
    >>> membership_matrix(d, [5, 4, 3, 2, 1]).loc["speed"].tolist()
    [0.25, 0.5, 0.25, 0.0, 0.0]
    """
    frame = numeric_frame(data, columns, what="membership matrix")
    codes = [float(v) for v in scale]
    if len(codes) < 2 or len(set(codes)) != len(codes):
        raise InvalidInput("membership matrix: the scale needs at least two distinct answer codes")
    names = [str(g) for g in grades] if grades is not None else [f"{v:g}" for v in codes]
    if len(names) != len(codes):
        raise InvalidInput(
            f"membership matrix: {len(names)} grade names for {len(codes)} scale values"
        )
    rows = {}
    for column in frame.columns:
        answers = frame[column].dropna().to_numpy()
        if answers.size == 0:
            raise InvalidInput(f"membership matrix: factor {column!r} has no answers")
        outside = sorted(set(answers.tolist()) - set(codes))
        if outside:
            shown = ", ".join(f"{v:g}" for v in outside[:5])
            raise InvalidInput(
                f"membership matrix: factor {column!r} has answers not on the scale: {shown}"
            )
        rows[str(column)] = [float(np.mean(answers == code)) for code in codes]
    return pd.DataFrame.from_dict(rows, orient="index", columns=names)


def _compose(a: np.ndarray, r: np.ndarray, operator: str) -> np.ndarray:
    if operator == "M(·,+)":
        return np.asarray(a @ r)
    if operator == "M(∧,∨)":
        return np.asarray(np.minimum(a[:, None], r).max(axis=0))
    if operator == "M(·,∨)":
        return np.asarray((a[:, None] * r).max(axis=0))
    # M(∧,⊕): bounded sum a ⊕ b = min(1, a + b) of the pairwise minima.
    return np.asarray(np.minimum(1.0, np.minimum(a[:, None], r).sum(axis=0)))


def _grade_scores(
    names: list[str], grade_scores: Sequence[float] | Mapping[str, float] | None
) -> np.ndarray | None:
    if grade_scores is None:
        # Numeric grade names (e.g. from membership_matrix on a 5..1 scale) are their own scores.
        try:
            return np.array([float(n) for n in names])
        except ValueError:
            return None
    if isinstance(grade_scores, Mapping):
        missing = [n for n in names if n not in grade_scores]
        if missing:
            raise InvalidInput(f"fuzzy evaluation: no grade score for {', '.join(missing)}")
        values = np.array([float(grade_scores[n]) for n in names])
    else:
        values = np.asarray(list(grade_scores), dtype=float)
        if values.shape != (len(names),):
            raise InvalidInput(
                f"fuzzy evaluation: {values.size} grade scores for {len(names)} grades"
            )
    if not np.all(np.isfinite(values)):
        raise InvalidInput("fuzzy evaluation: grade scores must be finite numbers")
    return values


def fuzzy_evaluation(
    memberships: pd.DataFrame | np.ndarray | Sequence[Sequence[float]],
    weights: pd.Series | Mapping[str, float] | Sequence[float],
    operator: str = "M(·,+)",
    *,
    grades: Sequence[str] | None = None,
    grade_scores: Sequence[float] | Mapping[str, float] | None = None,
) -> FuzzyResult:
    """Fuzzy comprehensive evaluation ``B = A ∘ R``.

    For weights ``a_i`` and memberships ``r_ij`` the operators give

    - ``"M(·,+)"`` weighted average: ``b_j = Σ_i a_i r_ij`` (uses all factors; the default);
    - ``"M(∧,∨)"`` main factor decides: ``b_j = max_i min(a_i, r_ij)``;
    - ``"M(·,∨)"`` main factor emphasised: ``b_j = max_i a_i r_ij``;
    - ``"M(∧,⊕)"`` bounded sum: ``b_j = min(1, Σ_i min(a_i, r_ij))``.

    The grade is chosen by maximum membership of B. Ties (within 1e-12) go to the first tied
    grade in the order given, and all tied grades are reported in ``tied_grades``: with grades
    listed best first that is the more favourable reading, so check ``tied_grades``. Maximum
    membership ignores the order of the grades; when grades are ordered and scored, prefer
    ``score = Σ_j b̂_j s_j`` with ``b̂ = B/ΣB``.

    Parameters
    ----------
    memberships : pandas.DataFrame or array-like, shape (n_factors, n_grades)
        Membership matrix R with entries in [0, 1], e.g. from :func:`membership_matrix`.
        A DataFrame's index names the factors and its columns the grades.
    weights : pandas.Series or mapping or sequence
        Factor weights A (non-negative, summing to 1), e.g. from :func:`manyi.stats.ahp.ahp`.
        A Series or mapping is aligned to R's factor names.
    operator : str
        One of ``"M(·,+)"``, ``"M(∧,∨)"``, ``"M(·,∨)"``, ``"M(∧,⊕)"`` (ASCII aliases
        ``"weighted_average"``, ``"max_min"``, ``"max_product"``, ``"bounded_sum"``).
    grades : sequence of str, optional
        Grade names (default: R's column names, or ``g1 … gm``).
    grade_scores : sequence or mapping of float, optional
        A score per grade, e.g. ``[100, 80, 60, 40, 20]``. Default: the grade names when they
        are all numbers (so a 5…1 scale scores on 5…1), otherwise no score.

    Returns
    -------
    FuzzyResult

    Raises
    ------
    InvalidInput
        Shapes that do not match, memberships outside [0, 1], negative weights or weights not
        summing to 1, an unknown operator, or B identically zero.

    References
    ----------
    Zadeh, L. A. (1965). Fuzzy sets. *Information and Control* 8, 338–353.
    汪培庄 (1983). 《模糊集合论及其应用》. 上海科学技术出版社 (the M(∧,∨) … M(·,+)
    composition models).
    司守奎, 孙玺菁.《数学建模算法与应用》. 国防工业出版社 (the clothing-evaluation example
    below: A = (0.1, 0.2, 0.3, 0.4) gives B = (0.2, 0.3, 0.4, 0.1) under M(∧,∨)).

    Examples
    --------
    >>> r = [[0.2, 0.5, 0.2, 0.1], [0.7, 0.2, 0.1, 0.0], [0.0, 0.4, 0.5, 0.1], [0.2, 0.3, 0.5, 0.0]]
    >>> res = fuzzy_evaluation(r, [0.1, 0.2, 0.3, 0.4], "M(∧,∨)",
    ...                        grades=["很欢迎", "较欢迎", "不太欢迎", "不欢迎"])
    >>> res.b.tolist(), res.grade
    ([0.2, 0.3, 0.4, 0.1], '不太欢迎')
    """
    if operator not in OPERATORS:
        raise InvalidInput(
            f"fuzzy evaluation: unknown operator {operator!r}; use one of "
            "'M(·,+)', 'M(∧,∨)', 'M(·,∨)', 'M(∧,⊕)'"
        )
    op = OPERATORS[operator]
    if isinstance(memberships, pd.DataFrame):
        r_frame = numeric_frame(memberships, what="fuzzy evaluation memberships")
        factor_names = [str(i) for i in memberships.index]
        grade_names = [str(c) for c in memberships.columns]
    else:
        try:
            arr = np.asarray(memberships, dtype=float)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"fuzzy evaluation: memberships must be numbers ({exc})") from exc
        if arr.ndim != 2:
            raise InvalidInput("fuzzy evaluation: memberships must be a factors × grades matrix")
        r_frame = pd.DataFrame(arr)
        factor_names = [f"u{i + 1}" for i in range(arr.shape[0])]
        grade_names = [f"g{j + 1}" for j in range(arr.shape[1])]
    r = r_frame.to_numpy(dtype=float)
    if r.shape[0] < 1 or r.shape[1] < 2:
        raise InvalidInput("fuzzy evaluation: need at least one factor and two grades")
    if not np.all(np.isfinite(r)) or np.any(r < 0) or np.any(r > 1):
        raise InvalidInput(
            "fuzzy evaluation: memberships must lie in [0, 1] with no missing values"
        )
    if grades is not None:
        grade_names = [str(g) for g in grades]
        if len(grade_names) != r.shape[1]:
            raise InvalidInput(
                f"fuzzy evaluation: {len(grade_names)} grade names for {r.shape[1]} grades"
            )
    if isinstance(weights, pd.Series | Mapping):
        w_series = pd.Series(weights, dtype=float)
        w_series.index = w_series.index.map(str)
        missing = [f for f in factor_names if f not in w_series.index]
        extra = [str(f) for f in w_series.index if f not in factor_names]
        if missing or extra:
            raise InvalidInput(
                "fuzzy evaluation: weights and memberships name different factors "
                f"(no weight for: {', '.join(missing) or '-'}; no memberships for: {', '.join(extra) or '-'})"
            )
        a = w_series.reindex(factor_names).to_numpy(dtype=float)
    else:
        a = np.asarray(list(weights), dtype=float)
        if a.shape != (r.shape[0],):
            raise InvalidInput(f"fuzzy evaluation: {a.size} weights for {r.shape[0]} factors")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise InvalidInput("fuzzy evaluation: weights must be non-negative numbers")
    if abs(float(a.sum()) - 1.0) > 1e-6:
        raise InvalidInput(
            f"fuzzy evaluation: the weights sum to {float(a.sum()):.6g}; they must sum to 1 "
            "(divide them by their total)"
        )
    b = _compose(a, r, op)
    total = float(b.sum())
    if total <= 0:
        raise InvalidInput("fuzzy evaluation: the evaluation vector is all zero; check R and A")
    b_hat = b / total
    top = float(b.max())
    tied = tuple(g for g, v in zip(grade_names, b, strict=True) if top - v <= _TIE_TOLERANCE)
    scores = _grade_scores(grade_names, grade_scores)
    score = None if scores is None else float(b_hat @ scores)
    return FuzzyResult(
        b=pd.Series(b, index=grade_names, name="b"),
        b_normalised=pd.Series(b_hat, index=grade_names, name="b_normalised"),
        grade=tied[0],
        tied_grades=tied,
        score=score,
        operator=op,
    )


__all__ = ["OPERATORS", "FuzzyResult", "fuzzy_evaluation", "membership_matrix"]
