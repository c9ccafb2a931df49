"""Answers to the two study surveys: SERVQUAL (22 items × E/P/I) and Kano.

SERVQUAL, per respondent with halo ``g``, expectation level η ~ N(0, 1), dimension
factors ``f_d = 0.75 g + 0.66 u_d`` and importance level ν ~ N(0, 1)::

    E_i = round(Ē_d + 0.45 η + 0.55 ε)                                     # 1–7
    P_i = round(Ē_d + gap_d + o_i + 0.8 f_d + 0.3 η + 0.55 ε' + s_d + b)   # 1–7
    I_i = round(Ī_d + 0.35 ν + 0.6 ε'')                                    # 1–7
    overall* = 7.2 + 1.6 Σ_d β_d (f_d + s_d) / Σ β + N(0, 0.8²) + b       # 1–10
    loyalty  = round(3.7 + 0.5 (overall* − 7.2) + N(0, 0.6²) + b)          # 1–5

with the true gaps, means and weights below, ``s_d`` the incident's dent in
reliability and responsiveness, and ``b`` the incentive bias. Kano answers are drawn
per feature from a true category mix, then a functional/dysfunctional pair that the
Berger et al. (1993) evaluation table maps back to that category.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from manyi.demo.drivers import incentive_bias, rate
from manyi.demo.servqual_items import SERVQUAL_ITEMS
from manyi.domain.enums import KanoAnswer, ServqualDimension

D = ServqualDimension
# True perception-minus-expectation gap per dimension before rounding and the 7-point ceiling.
SERVQUAL_TRUE_GAP: dict[ServqualDimension, float] = {
    D.TANGIBLES: -0.4,
    D.RELIABILITY: -1.3,
    D.RESPONSIVENESS: -1.1,
    D.ASSURANCE: -0.5,
    D.EMPATHY: -0.7,
}
SERVQUAL_EXPECTATION: dict[ServqualDimension, float] = {
    D.TANGIBLES: 5.6,
    D.RELIABILITY: 6.3,
    D.RESPONSIVENESS: 6.1,
    D.ASSURANCE: 6.0,
    D.EMPATHY: 5.7,
}
SERVQUAL_IMPORTANCE: dict[ServqualDimension, float] = {
    D.TANGIBLES: 5.0,
    D.RELIABILITY: 6.4,
    D.RESPONSIVENESS: 6.1,
    D.ASSURANCE: 5.9,
    D.EMPATHY: 5.5,
}
# Share of overall satisfaction each dimension explains (the product's default prior).
SERVQUAL_WEIGHTS: dict[ServqualDimension, float] = {
    D.RELIABILITY: 0.28,
    D.RESPONSIVENESS: 0.22,
    D.TANGIBLES: 0.17,
    D.ASSURANCE: 0.15,
    D.EMPATHY: 0.14,
}
SERVQUAL_INCIDENT_SHIFT: dict[ServqualDimension, float] = {
    D.RELIABILITY: -0.6,
    D.RESPONSIVENESS: -0.4,
}
_ITEM_OFFSET: dict[str, float] = {"sq_r4": -0.2, "sq_s1": -0.2, "sq_t1": 0.1}

# Kano categories: A attractive, O one-dimensional, M must-be, I indifferent, R reverse, Q questionable.
KANO_CATEGORIES: tuple[str, ...] = ("A", "O", "M", "I", "R", "Q")
KANO_TRUE_MIX: dict[str, tuple[float, float, float, float, float, float]] = {
    "kano_sms_reminder": (0.20, 0.45, 0.15, 0.15, 0.03, 0.02),
    "kano_recycling": (0.45, 0.20, 0.05, 0.25, 0.03, 0.02),
    "kano_cleanup": (0.05, 0.25, 0.50, 0.15, 0.03, 0.02),
    "kano_24h_repair": (0.25, 0.40, 0.15, 0.15, 0.03, 0.02),
    "kano_video_guide": (0.30, 0.10, 0.05, 0.45, 0.08, 0.02),
    "kano_promo_calls": (0.05, 0.02, 0.03, 0.35, 0.50, 0.05),
}
KANO_TRUE_CATEGORY: dict[str, str] = {
    code: KANO_CATEGORIES[int(np.argmax(mix))] for code, mix in KANO_TRUE_MIX.items()
}
_LIKE, _MUST, _NEUTRAL, _LIVE, _DISLIKE = (a.value for a in KanoAnswer)
_MIDDLE = ((_MUST, 0.3), (_NEUTRAL, 0.5), (_LIVE, 0.2))


def servqual_answers(
    rng: np.random.Generator, g: np.ndarray, strength: np.ndarray, incentivised: np.ndarray
) -> list[dict[str, Any]]:
    """SERVQUAL survey answers for respondents with halo ``g`` on days of incident ``strength``."""
    m = len(g)
    bias7 = incentive_bias(1, 7) * incentivised
    eta = rng.normal(size=m)
    nu = rng.normal(size=m)
    factors = {d: 0.75 * g + 0.66 * rng.normal(size=m) for d in D}
    shifts = {d: SERVQUAL_INCIDENT_SHIFT.get(d, 0.0) * strength for d in D}
    columns: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for item in SERVQUAL_ITEMS:
        d = item.dimension
        e_mean = SERVQUAL_EXPECTATION[d]
        expectation = rate(e_mean + 0.45 * eta + 0.55 * rng.normal(size=m), 1, 7)
        perception = rate(
            e_mean
            + SERVQUAL_TRUE_GAP[d]
            + _ITEM_OFFSET.get(item.code, 0.0)
            + 0.8 * factors[d]
            + 0.3 * eta
            + 0.55 * rng.normal(size=m)
            + shifts[d]
            + bias7,
            1,
            7,
        )
        importance = rate(SERVQUAL_IMPORTANCE[d] + 0.35 * nu + 0.6 * rng.normal(size=m), 1, 7)
        columns[item.code] = (expectation, perception, importance)
    total = sum(SERVQUAL_WEIGHTS.values())
    quality = sum(SERVQUAL_WEIGHTS[d] * (factors[d] + shifts[d]) for d in D) / total
    overall_latent = (
        7.2 + 1.6 * quality + 0.8 * rng.normal(size=m) + incentive_bias(1, 10) * incentivised
    )
    overall = rate(overall_latent, 1, 10)
    loyalty = rate(
        3.7
        + 0.5 * (overall_latent - 7.2)
        + 0.6 * rng.normal(size=m)
        + incentive_bias(1, 5) * incentivised,
        1,
        5,
    )
    out: list[dict[str, Any]] = []
    lists = {code: tuple(a.tolist() for a in cols) for code, cols in columns.items()}
    overall_list, loyalty_list = overall.tolist(), loyalty.tolist()
    for r in range(m):
        answers: dict[str, Any] = {
            code: {"expectation": e[r], "perception": p[r], "importance": i[r]}
            for code, (e, p, i) in lists.items()
        }
        answers["overall"] = overall_list[r]
        answers["loyalty"] = loyalty_list[r]
        out.append(answers)
    return out


def _pick(rng: np.random.Generator, options: tuple[tuple[str, float], ...]) -> str:
    weights = np.array([w for _, w in options])
    return options[int(rng.choice(len(options), p=weights / weights.sum()))][0]


def kano_pair(rng: np.random.Generator, category: str) -> dict[str, str]:
    """A functional/dysfunctional answer pair that the Kano table classifies as ``category``."""
    if category == "A":
        return {"functional": _LIKE, "dysfunctional": _pick(rng, _MIDDLE)}
    if category == "O":
        return {"functional": _LIKE, "dysfunctional": _DISLIKE}
    if category == "M":
        return {"functional": _pick(rng, _MIDDLE), "dysfunctional": _DISLIKE}
    if category == "I":
        return {"functional": _pick(rng, _MIDDLE), "dysfunctional": _pick(rng, _MIDDLE)}
    if category == "R":
        if rng.random() < 0.5:
            return {"functional": _DISLIKE, "dysfunctional": _pick(rng, (*_MIDDLE, (_LIKE, 0.5)))}
        return {"functional": _pick(rng, _MIDDLE), "dysfunctional": _LIKE}
    same = _LIKE if rng.random() < 0.5 else _DISLIKE
    return {"functional": same, "dysfunctional": same}


def kano_answers(rng: np.random.Generator, m: int) -> list[dict[str, Any]]:
    """Kano survey answers for ``m`` respondents, each feature drawn from its true mix."""
    drawn = {
        code: rng.choice(len(KANO_CATEGORIES), size=m, p=np.array(mix) / sum(mix))
        for code, mix in KANO_TRUE_MIX.items()
    }
    return [
        {code: kano_pair(rng, KANO_CATEGORIES[int(cats[r])]) for code, cats in drawn.items()}
        for r in range(m)
    ]
