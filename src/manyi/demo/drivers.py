"""The true model behind the demo's NPS and CSAT answers (what key-driver analysis should find).

Every response gets a latent experience score per driver (mean 0, SD about 1 before
shifts)::

    g      = h_customer + u_response + segment shift + 0.15 × (time position)   # general halo
    z_k    = 0.5 g + 0.866 e_k + shift_k(t, segment)                             # driver k
    NPS*   = 7.95 + Σ_k w_k z_k + ε,  ε ~ t(4) / √2, SD 1                       # 0–10, rounded, clipped
    rating = round(μ_k + 0.85 z_k)                                               # 1–5, clipped

with h ~ N(0, 0.6²) per customer and u ~ N(0, 0.8²) per response. Incentivised
respondents add 10 % of the scale range to every latent score (0.4 on 1–5, 1.0 on 0–10,
0.6 on 1–7), which after rounding at the ceiling shows as about +0.3 on CSAT: response
bias. The delivery driver carries the incident (−1.2 SD at full
strength), the 双11 strain and the lasting gain of the improvement plan (+0.15 SD).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from manyi.demo.timeline import Window, after_plan, festival_bump, incident_strength


@dataclass(frozen=True)
class DriverTruth:
    """One NPS driver's true parameters.

    Attributes
    ----------
    code : str
        Question code in the NPS survey.
    nps_weight : float
        NPS points per SD of the latent driver score (the true key-driver weight).
    mean_rating : float
        Mean of the 1–5 rating before rounding, shifts and bias.
    answered : float
        Probability that a respondent answers the rating (the rest skip it at random).
    """

    code: str
    nps_weight: float
    mean_rating: float
    answered: float


DRIVER_TRUTH: tuple[DriverTruth, ...] = (
    DriverTruth("drv_delivery", 0.70, 3.9, 0.97),
    DriverTruth("drv_install", 0.35, 4.0, 0.88),
    DriverTruth("drv_care", 0.40, 3.7, 0.85),
    DriverTruth("drv_price", 0.20, 3.6, 0.95),
    DriverTruth("drv_app", 0.10, 3.9, 0.90),
    DriverTruth("drv_repair", 0.60, 3.5, 0.75),
    DriverTruth("drv_store", 0.05, 4.0, 0.70),
)
DRIVER_CODES: tuple[str, ...] = tuple(d.code for d in DRIVER_TRUTH)
NPS_BASE = 7.95
NPS_NOISE_SD = 1.0
HALO_LOADING = 0.5
RATING_SLOPE = 0.85
INCIDENT_DELIVERY_SHIFT = -1.2
PLAN_DELIVERY_GAIN = 0.15
DOUBLE11_DELIVERY_STRAIN = -0.25
TREND_GAIN = 0.15
# Bias of incentivised respondents as a share of the scale range: 0.4 on 1–5 before rounding,
# which the ceiling of the scale brings down to about 0.3 in the observed means.
INCENTIVE_BIAS_SHARE = 0.1

REGION_SHIFT: dict[str, float] = {
    "华东": 0.10,
    "华南": 0.05,
    "华北": 0.0,
    "西南": -0.15,
    "海外": -0.25,
}
REGION_DELIVERY_SHIFT: dict[str, float] = {
    "华东": 0.0,
    "华南": 0.0,
    "华北": 0.0,
    "西南": -0.2,
    "海外": -0.5,
}
TIER_SHIFT: dict[str, float] = {"普通": 0.0, "银卡": 0.10, "金卡": 0.30}
PRODUCT_INSTALL_SHIFT: dict[str, float] = {"空调": -0.25}

# CSAT: attributes load on the episode's driver score; CSAT* = 3.95 + Σ v_j a_j + N(0, 0.5²).
CSAT_WEIGHTS: dict[str, float] = {
    "attr_ontime": 0.45,
    "attr_skill": 0.30,
    "attr_attitude": 0.25,
    "attr_tidy": 0.10,
}
CSAT_ATTRIBUTE_MEANS: dict[str, float] = {
    "attr_ontime": 3.8,
    "attr_skill": 4.0,
    "attr_attitude": 4.1,
    "attr_tidy": 4.2,
}
CSAT_BASE = 3.95
CSAT_NOISE_SD = 0.5
CES_BASE = 4.9
# Which NPS driver describes the episode a CSAT survey follows.
SERVICE_DRIVER: dict[str, str] = {
    "delivery": "drv_delivery",
    "installation": "drv_install",
    "repair": "drv_repair",
    "hotline": "drv_care",
    "store_consult": "drv_store",
}


def incentive_bias(points_low: int, points_high: int) -> float:
    """Scale points an incentivised respondent adds on a ``low``–``high`` scale."""
    return INCENTIVE_BIAS_SHARE * (points_high - points_low)


def driver_shifts(
    window: Window,
    ordinals: np.ndarray,
    region: list[str],
    product: list[str],
) -> np.ndarray:
    """Shifts of each driver's latent score per response, shape (n, len(DRIVER_TRUTH)).

    ``ordinals`` are the responses' day numbers; ``region`` and ``product`` their segments.
    """
    n = len(ordinals)
    shifts = np.zeros((n, len(DRIVER_TRUTH)))
    delivery = DRIVER_CODES.index("drv_delivery")
    install = DRIVER_CODES.index("drv_install")
    shifts[:, delivery] += INCIDENT_DELIVERY_SHIFT * incident_strength(window, ordinals)
    shifts[:, delivery] += PLAN_DELIVERY_GAIN * after_plan(window, ordinals)
    shifts[:, delivery] += DOUBLE11_DELIVERY_STRAIN * festival_bump(ordinals, 11, 14, 1.0, 6.0)
    shifts[:, delivery] += np.array([REGION_DELIVERY_SHIFT[r] for r in region])
    shifts[:, install] += np.array([PRODUCT_INSTALL_SHIFT.get(p, 0.0) for p in product])
    return shifts


def general_shift(
    window: Window, ordinals: np.ndarray, region: list[str], tier: list[str]
) -> np.ndarray:
    """Segment and trend shift of the halo ``g`` per response."""
    position = (ordinals - window.start.toordinal()) / max(window.days - 1, 1)
    segment = np.array([REGION_SHIFT[r] + TIER_SHIFT[t] for r, t in zip(region, tier, strict=True)])
    return segment + TREND_GAIN * position


def rate(latent: np.ndarray, low: int, high: int) -> np.ndarray:
    """Round a latent score to the scale and clip it to ``[low, high]``."""
    scores: np.ndarray = np.clip(np.rint(latent), low, high).astype(int)
    return scores
