"""Headline satisfaction measures: NPS, CSAT and CES with their uncertainty.

Missing-answer rule (the same for all three): ``NaN`` and ``None`` are treated as "no
answer"; they are excluded from every share and mean and counted in ``n_missing``. A value
outside the answer scale is not silently dropped: it raises
:class:`~manyi.errors.InvalidInput` naming the offending values, because it usually means
the wrong column or a recoding mistake (e.g. NPS recoded 1–11).

Optional ``weights`` (survey or post-stratification weights) give weighted shares and
means; their uncertainty uses Kish's effective sample size
``n_eff = (sum w)^2 / sum w^2`` (Kish 1965), which is exact for equal weights and a
standard approximation otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from manyi.errors import InvalidInput

ScoresLike = Sequence[float | int | None] | np.ndarray | pd.Series
"""Answers as a list, a 1-D NumPy array or a pandas Series; ``None``/``NaN`` = no answer."""

NPS_SCALE = (0, 10)
PROMOTER_MIN = 9
DETRACTOR_MAX = 6


@dataclass(frozen=True)
class NpsResult:
    """Net Promoter Score with its sampling uncertainty.

    Attributes
    ----------
    n : int
        Number of answers used (non-missing).
    n_missing : int
        Number of missing answers (``NaN``/``None``) that were excluded.
    promoters, passives, detractors : float
        Shares (0–1, weighted if weights were given) of answers 9–10, 7–8 and 0–6.
    score : float
        NPS on the −100..100 scale: ``100 * (promoters - detractors)``.
    se : float
        Standard error of ``score`` (same −100..100 units).
    ci_low, ci_high : float
        Normal (Wald) confidence interval, clipped to [−100, 100].
    confidence : float
        Confidence level of the interval, e.g. 0.95.
    effective_n : float
        Kish effective sample size (equals ``n`` without weights).
    method : str
        Plain-language description of how the interval was computed.
    """

    n: int
    n_missing: int
    promoters: float
    passives: float
    detractors: float
    score: float
    se: float
    ci_low: float
    ci_high: float
    confidence: float
    effective_n: float
    method: str


@dataclass(frozen=True)
class CsatResult:
    """Customer-satisfaction score: mean rating and top-k-box share, each with a CI.

    Attributes
    ----------
    n, n_missing : int
        Answers used and missing answers excluded.
    mean, sd, se : float
        (Weighted) mean rating, its standard deviation and the standard error of the mean.
    ci_low, ci_high : float
        Student-t confidence interval of the mean (df = effective n − 1), clipped to the
        scale.
    top_box_share : float
        Share (0–1) of answers in the top ``top_k`` points of the scale.
    top_box_ci_low, top_box_ci_high : float
        Wilson score interval of ``top_box_share``.
    top_k : int
        Number of top scale points counted as "satisfied" (2 = top-2-box).
    top_box_min : float
        Lowest answer counted in the top box (``scale[1] - top_k + 1``).
    scale : tuple of float
        The answer scale (lowest, highest).
    confidence : float
        Confidence level of both intervals.
    effective_n : float
        Kish effective sample size (equals ``n`` without weights).
    method : str
        Plain-language description of the intervals.
    """

    n: int
    n_missing: int
    mean: float
    sd: float
    se: float
    ci_low: float
    ci_high: float
    top_box_share: float
    top_box_ci_low: float
    top_box_ci_high: float
    top_k: int
    top_box_min: float
    scale: tuple[float, float]
    confidence: float
    effective_n: float
    method: str


@dataclass(frozen=True)
class CesResult:
    """Customer Effort Score: mean rating and share of low-effort answers, each with a CI.

    Attributes
    ----------
    n, n_missing : int
        Answers used and missing answers excluded.
    mean, sd, se : float
        (Weighted) mean rating, its standard deviation and standard error.
    ci_low, ci_high : float
        Student-t confidence interval of the mean.
    low_effort_share : float
        Share (0–1) of answers on the "easy" side of the scale midpoint (see
        :func:`ces`).
    low_effort_ci_low, low_effort_ci_high : float
        Wilson score interval of ``low_effort_share``.
    scale : tuple of float
        The answer scale (lowest, highest).
    higher_is_easier : bool
        True for the CES 2.0 agreement wording ("the company made it easy…").
    confidence : float
        Confidence level of both intervals.
    effective_n : float
        Kish effective sample size.
    method : str
        Plain-language description of the definition and intervals.
    """

    n: int
    n_missing: int
    mean: float
    sd: float
    se: float
    ci_low: float
    ci_high: float
    low_effort_share: float
    low_effort_ci_low: float
    low_effort_ci_high: float
    scale: tuple[float, float]
    higher_is_easier: bool
    confidence: float
    effective_n: float
    method: str


def _as_float_array(values: ScoresLike, *, what: str) -> np.ndarray:
    """Turn a list / array / Series of answers into a 1-D float array (NaN = missing)."""
    if isinstance(values, pd.DataFrame) or (isinstance(values, np.ndarray) and values.ndim != 1):
        raise InvalidInput(f"{what}: expected one column of answers, not a table")
    try:
        series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
        numeric = pd.to_numeric(series, errors="raise")
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"{what}: answers must be numbers ({exc})") from exc
    return np.asarray(numeric.to_numpy(dtype=float, na_value=np.nan), dtype=float)


def _clean(
    scores: ScoresLike, weights: ScoresLike | None, *, what: str
) -> tuple[np.ndarray, np.ndarray, int]:
    """Drop missing answers; return (answers, weights, n_missing) with validated weights."""
    x = _as_float_array(scores, what=what)
    if weights is None:
        w = np.ones_like(x)
    else:
        w = _as_float_array(weights, what=f"{what} weights")
        if w.shape != x.shape:
            raise InvalidInput(f"{what}: {w.size} weights given for {x.size} answers")
    missing = np.isnan(x)
    x, w = x[~missing], w[~missing]
    if np.any(~np.isfinite(w)) or np.any(w < 0):
        raise InvalidInput(f"{what}: weights must be finite and non-negative for every answer")
    if x.size == 0:
        raise InvalidInput(f"{what}: no answers (all {int(missing.sum())} values are missing)")
    if w.sum() <= 0:
        raise InvalidInput(f"{what}: the weights of the answers sum to zero")
    return x, w, int(missing.sum())


def _check_scale(x: np.ndarray, low: float, high: float, *, what: str) -> None:
    outside = (x < low) | (x > high)
    if np.any(outside):
        bad = ", ".join(f"{v:g}" for v in np.unique(x[outside])[:10])
        raise InvalidInput(f"{what}: answers outside the scale {low:g}–{high:g}: {bad}")


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise InvalidInput(f"confidence must lie strictly between 0 and 1, got {confidence}")


def _kish_n(w: np.ndarray) -> float:
    return float(w.sum() ** 2 / np.sum(w**2))


def wilson_interval(successes: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion.

    .. math:: \\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}

    ``successes`` and ``n`` may be fractional (weighted counts with a Kish effective n).
    Computed by statsmodels ``proportion_confint(method="wilson")``.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. JASA 22, 209–212.

    Examples
    --------
    >>> [round(v, 4) for v in wilson_interval(8, 10)]
    [0.4902, 0.9433]
    """
    _check_confidence(confidence)
    if n <= 0:
        raise InvalidInput("a proportion needs at least one answer")
    if not 0 <= successes <= n:
        raise InvalidInput(f"successes ({successes}) must lie between 0 and n ({n})")
    low, high = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    # Rounding can put a bound a hair outside [0, 1] when the share is 0 or 1.
    return max(0.0, float(low)), min(1.0, float(high))


def two_proportion_z(
    successes_a: float, n_a: float, successes_b: float, n_b: float
) -> tuple[float, float]:
    """Pooled two-sample z test that two proportions are equal: ``(z, two-sided p)``.

    ``z = (p_a − p_b) / sqrt(p̄(1 − p̄)(1/n_a + 1/n_b))`` with the pooled proportion ``p̄``;
    computed by statsmodels ``proportions_ztest``. NaN for both when ``p̄`` is 0 or 1
    (no variation, nothing to test).

    Examples
    --------
    >>> [round(v, 4) for v in two_proportion_z(30, 100, 18, 100)]
    [1.9868, 0.0469]
    """
    if n_a <= 0 or n_b <= 0:
        raise InvalidInput("each proportion needs at least one answer")
    if not (0 <= successes_a <= n_a and 0 <= successes_b <= n_b):
        raise InvalidInput("successes must lie between 0 and n")
    pooled = (successes_a + successes_b) / (n_a + n_b)
    if pooled in (0.0, 1.0):
        return float("nan"), float("nan")
    z, p = proportions_ztest([successes_a, successes_b], [n_a, n_b])
    return float(z), float(p)


def nps(
    scores: ScoresLike, weights: ScoresLike | None = None, confidence: float = 0.95
) -> NpsResult:
    """Net Promoter Score of 0–10 "likelihood to recommend" answers.

    Promoters answer 9–10, passives 7–8, detractors 0–6 (Reichheld 2003).

    .. math::
        \\mathrm{NPS} = 100\\,(p_P - p_D), \\qquad
        \\mathrm{SE} = 100\\sqrt{\\frac{p_P + p_D - (p_P - p_D)^2}{n}}

    The SE is that of the mean of a +1/0/−1 "trinomial" variable; with weights the shares
    are weighted and ``n`` is Kish's effective n. The interval is the normal (Wald) one,
    clipped to [−100, 100]; it is too narrow for very small samples or extreme shares
    (Rocks 2016), so treat intervals from fewer than ~30 answers with care.

    Parameters
    ----------
    scores : list, numpy array or pandas Series
        Whole-number answers 0–10; ``NaN``/``None`` = no answer (counted in ``n_missing``).
    weights : same shapes, optional
        Non-negative respondent weights, one per answer.
    confidence : float
        Confidence level of the interval.

    Returns
    -------
    NpsResult
        ``score`` (NPS on −100…100) with its standard error ``se`` and interval
        ``ci_low``/``ci_high``; the shares ``promoters``, ``passives`` and ``detractors``
        (0–1); ``n`` answers used, ``n_missing`` excluded and Kish's ``effective_n``.

    References
    ----------
    Reichheld, F. (2003). The one number you need to grow. Harvard Business Review.
    Rocks, B. (2016). Interval estimation for the "Net Promoter Score". The American
    Statistician 70(4), 365–372.

    Examples
    --------
    >>> r = nps([10, 9, 9, 8, 7, 6, 3, None])
    >>> round(r.score, 1), r.n, r.n_missing
    (14.3, 7, 1)
    """
    _check_confidence(confidence)
    x, w, n_missing = _clean(scores, weights, what="NPS")
    _check_scale(x, *NPS_SCALE, what="NPS")
    if np.any(x != np.round(x)):
        bad = ", ".join(f"{v:g}" for v in np.unique(x[x != np.round(x)])[:10])
        raise InvalidInput(f"NPS: answers must be whole numbers 0–10, got {bad}")
    total = w.sum()
    p_pro = float(w[x >= PROMOTER_MIN].sum() / total)
    p_det = float(w[x <= DETRACTOR_MAX].sum() / total)
    n_eff = _kish_n(w)
    variance = max(p_pro + p_det - (p_pro - p_det) ** 2, 0.0) / n_eff
    se = 100.0 * float(np.sqrt(variance))
    score = 100.0 * (p_pro - p_det)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    return NpsResult(
        n=int(x.size),
        n_missing=n_missing,
        promoters=p_pro,
        passives=1.0 - p_pro - p_det,
        detractors=p_det,
        score=score,
        se=se,
        ci_low=max(-100.0, score - z * se),
        ci_high=min(100.0, score + z * se),
        confidence=confidence,
        effective_n=n_eff,
        method="normal (Wald) interval on the trinomial variance"
        + (", Kish effective n for weights" if weights is not None else ""),
    )


def _mean_interval(
    x: np.ndarray,
    w: np.ndarray,
    confidence: float,
    scale: tuple[float, float],
    *,
    what: str,
) -> tuple[float, float, float, float, float, float]:
    """Return (mean, sd, se, ci_low, ci_high, n_eff): Student-t interval clipped to the scale."""
    n_eff = _kish_n(w)
    if x.size < 2 or n_eff <= 1.0:
        raise InvalidInput(
            f"{what}: too few respondents ({x.size}); at least 2 are needed for an interval"
        )
    mean = float(np.sum(w * x) / w.sum())
    # Weighted variance with the Kish n_eff in place of n in Bessel's correction; reduces
    # to the ordinary sample variance (ddof=1) when all weights are equal.
    var = float(np.sum(w * (x - mean) ** 2) / w.sum()) * n_eff / (n_eff - 1)
    sd = float(np.sqrt(var))
    se = sd / float(np.sqrt(n_eff))
    t = float(stats.t.ppf(0.5 + confidence / 2, n_eff - 1))
    # A mean cannot leave the answer scale, so the interval is clipped to it (it otherwise
    # reads "5.06 on a 1–5 scale" for small, high-scoring samples).
    return mean, sd, se, max(scale[0], mean - t * se), min(scale[1], mean + t * se), n_eff


def _validate_scale(scale: tuple[float, float], *, what: str) -> tuple[float, float]:
    if len(scale) != 2 or not scale[0] < scale[1]:
        raise InvalidInput(
            f"{what}: scale must be (lowest, highest) with lowest < highest, got {scale}"
        )
    return float(scale[0]), float(scale[1])


def csat(
    scores: ScoresLike,
    scale: tuple[float, float] = (1, 5),
    top_k: int = 2,
    weights: ScoresLike | None = None,
    confidence: float = 0.95,
) -> CsatResult:
    """Customer satisfaction (CSAT): mean rating and top-k-box share on any rating scale.

    .. math::
        \\bar x \\pm t_{n-1}\\,s/\\sqrt n, \\qquad
        \\text{top-}k = \\frac{\\#\\{x \\ge \\text{high} - k + 1\\}}{n}
        \\text{ with a Wilson interval}

    Works for 5-, 7-, 10- and 11-point scales (``scale=(0, 10)``).

    Parameters
    ----------
    scores : list, numpy array or pandas Series
        Ratings; ``NaN``/``None`` = no answer.
    scale : (lowest, highest)
        Answer scale; values outside raise :class:`~manyi.errors.InvalidInput`.
    top_k : int
        How many top points count as satisfied (2 = "top-2-box": 4–5 on a 1–5 scale).
    weights : optional
        Non-negative respondent weights (Kish effective n for the intervals).
    confidence : float
        Confidence level of both intervals.

    Returns
    -------
    CsatResult
        ``mean`` rating with ``sd``, ``se`` and Student-t interval ``ci_low``/``ci_high``;
        ``top_box_share`` (0–1) with its Wilson interval ``top_box_ci_low``/
        ``top_box_ci_high`` and ``top_box_min`` (lowest answer counted); ``n``,
        ``n_missing`` and Kish's ``effective_n``.

    References
    ----------
    Student (1908). The probable error of a mean. Biometrika 6, 1–25.
    Wilson, E. B. (1927). JASA 22, 209–212.

    Examples
    --------
    >>> r = csat([5, 4, 4, 3, 5, 2, None])
    >>> round(r.mean, 2), round(r.top_box_share, 3), r.n_missing
    (3.83, 0.667, 1)
    """
    _check_confidence(confidence)
    low, high = _validate_scale(scale, what="CSAT")
    if not 1 <= top_k <= high - low:
        raise InvalidInput(f"CSAT: top_k must be between 1 and {high - low:g}, got {top_k}")
    x, w, n_missing = _clean(scores, weights, what="CSAT")
    _check_scale(x, low, high, what="CSAT")
    mean, sd, se, lo, hi, n_eff = _mean_interval(x, w, confidence, (low, high), what="CSAT")
    top_min = high - top_k + 1
    share = float(w[x >= top_min].sum() / w.sum())
    box_lo, box_hi = wilson_interval(share * n_eff, n_eff, confidence)
    return CsatResult(
        n=int(x.size),
        n_missing=n_missing,
        mean=mean,
        sd=sd,
        se=se,
        ci_low=lo,
        ci_high=hi,
        top_box_share=share,
        top_box_ci_low=box_lo,
        top_box_ci_high=box_hi,
        top_k=top_k,
        top_box_min=top_min,
        scale=(low, high),
        confidence=confidence,
        effective_n=n_eff,
        method="Student-t interval of the mean; Wilson interval of the top-box share",
    )


def ces(
    scores: ScoresLike,
    scale: tuple[float, float] = (1, 7),
    higher_is_easier: bool = True,
    weights: ScoresLike | None = None,
    confidence: float = 0.95,
) -> CesResult:
    """Customer Effort Score: mean rating and share of low-effort answers.

    Definition of "low effort": an answer strictly on the easy side of the scale midpoint.
    With the CES 2.0 wording ("The company made it easy for me to handle my issue",
    1 = strongly disagree … 7 = strongly agree; ``higher_is_easier=True``) that is 5, 6 or 7
    — the "agree" answers; on a 1–5 scale it is 4 or 5. With the original CES 1.0 wording
    ("How much effort did you personally have to put forth…", 1 = very low effort;
    ``higher_is_easier=False``) it is the answers strictly below the midpoint. The neutral
    midpoint never counts as low effort.

    .. math:: \\text{low effort} = \\#\\{x > m\\}/n,\\quad m = (\\text{low} + \\text{high})/2

    The mean gets a Student-t interval and the share a Wilson interval.

    Parameters
    ----------
    scores : list, numpy array or pandas Series
        Ratings; ``NaN``/``None`` = no answer.
    scale : (lowest, highest)
        Answer scale, default the CES 2.0 seven-point agreement scale.
    higher_is_easier : bool
        False for effort-wording scales where a high answer means high effort.
    weights : optional
        Non-negative respondent weights.
    confidence : float
        Confidence level of both intervals.

    Returns
    -------
    CesResult
        ``mean`` rating with ``sd``, ``se`` and Student-t interval ``ci_low``/``ci_high``;
        ``low_effort_share`` (0–1) with its Wilson interval ``low_effort_ci_low``/
        ``low_effort_ci_high``; ``n``, ``n_missing`` and Kish's ``effective_n``.

    References
    ----------
    Dixon, M., Freeman, K. & Toman, N. (2010). Stop trying to delight your customers.
    Harvard Business Review 88(7/8), 116–122 (CES 1.0). CEB (2013), CES 2.0 wording.

    Examples
    --------
    >>> r = ces([7, 6, 5, 4, 2, 6])
    >>> round(r.low_effort_share, 3)
    0.667
    """
    _check_confidence(confidence)
    low, high = _validate_scale(scale, what="CES")
    x, w, n_missing = _clean(scores, weights, what="CES")
    _check_scale(x, low, high, what="CES")
    mean, sd, se, lo, hi, n_eff = _mean_interval(x, w, confidence, (low, high), what="CES")
    midpoint = (low + high) / 2
    easy = x > midpoint if higher_is_easier else x < midpoint
    share = float(w[easy].sum() / w.sum())
    easy_lo, easy_hi = wilson_interval(share * n_eff, n_eff, confidence)
    side = "above" if higher_is_easier else "below"
    return CesResult(
        n=int(x.size),
        n_missing=n_missing,
        mean=mean,
        sd=sd,
        se=se,
        ci_low=lo,
        ci_high=hi,
        low_effort_share=share,
        low_effort_ci_low=easy_lo,
        low_effort_ci_high=easy_hi,
        scale=(low, high),
        higher_is_easier=higher_is_easier,
        confidence=confidence,
        effective_n=n_eff,
        method=f"low effort = answers {side} the midpoint {midpoint:g}; "
        "Student-t interval of the mean; Wilson interval of the share",
    )


__all__ = [
    "CesResult",
    "CsatResult",
    "NpsResult",
    "ScoresLike",
    "ces",
    "csat",
    "nps",
    "two_proportion_z",
    "wilson_interval",
]
