"""Demo survey responses with a known structure that analyses should recover.

``generate_responses`` answers the four demo surveys (see :mod:`manyi.demo.surveys`)
over an 18-month window: about 45 % NPS, 35 % CSAT, 15 % SERVQUAL and 5 % Kano; volume
with 618, 双11 and Spring Festival seasonality (:mod:`manyi.demo.timeline`); NPS and
CSAT driven by latent driver scores with known weights (:mod:`manyi.demo.drivers`);
SERVQUAL gaps and Kano categories with known truth (:mod:`manyi.demo.study_answers`);
a delivery incident 22 weeks before the end; region and tier differences; incentivised
respondents rating higher; and 3 % low-quality answers (:mod:`manyi.demo.low_quality`).
Open answers come from the feedback phrase banks and agree with the scores.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from manyi.demo import drivers as dm
from manyi.demo.comments import csat_comment, nps_reason, servqual_suggestion
from manyi.demo.company import (
    PRODUCT_SHARES,
    PRODUCTS,
    REGION_SHARES,
    REGIONS,
    TIER_SHARES,
    TIERS,
    Company,
    generate_company,
)
from manyi.demo.compose import PRODUCT_TAGS, Composer
from manyi.demo.low_quality import (
    SPEEDER_SECONDS,
    SPEEDER_SECONDS_DEFAULT,
    draw_flag,
    speeder_answers,
    straight_line_answers,
)
from manyi.demo.servqual_items import SERVQUAL_ITEMS
from manyi.demo.study_answers import kano_answers, servqual_answers
from manyi.demo.survey_items import CSAT_SERVICE_TYPES, CSAT_WENT_WELL
from manyi.demo.surveys import SURVEY_KEYS
from manyi.demo.timeline import (
    daily_volume_weights,
    demo_window,
    incident_strength,
    sample_days,
    sample_times,
)
from manyi.domain.enums import QualityFlag
from manyi.errors import InvalidInput

SURVEY_SHARES: tuple[float, ...] = (0.45, 0.35, 0.15, 0.05)  # in SURVEY_KEYS order
MEDIAN_SECONDS: dict[str, float] = {"nps": 55.0, "csat": 70.0, "servqual": 400.0, "kano": 110.0}
LOW_QUALITY_SHARE = 0.03
LINKED_SHARE = 0.85
SERVICE_SHARES: tuple[float, ...] = (0.35, 0.25, 0.20, 0.15, 0.05)  # in CSAT_SERVICE_TYPES order
_OPEN_SHARE = {"nps": 0.55, "csat": 0.40, "servqual": 0.25}
_CHANNELS_ZH = (("sms", 0.35), ("wechat", 0.25), ("app", 0.20), ("email", 0.12), ("hotline", 0.08))
_CHANNELS_EN = (("email", 0.50), ("app", 0.20), ("sms", 0.20), ("wechat", 0.05), ("hotline", 0.05))
_CHANNELS_ANONYMOUS = (("store", 0.6), ("web", 0.4))
_WENT_WELL_FROM = {
    "attr_ontime": "on_time",
    "attr_attitude": "polite",
    "attr_skill": "skilled",
    "attr_tidy": "tidy",
}


@dataclass(frozen=True)
class DemoResponse:
    """One answered survey.

    Attributes
    ----------
    survey_key : str
        Key of the survey answered (``"nps"``, ``"csat"``, ``"servqual"``, ``"kano"``).
    customer_index : int | None
        Index into ``Company.customers``; None for anonymous answers (store QR code, website).
    channel : str
        Channel code the invitation or form came through.
    touchpoint : str | None
        ``"follow_up"`` for the NPS survey (sent as the follow-up after an order), the
        service used for CSAT, None for the SERVQUAL and Kano studies.
    language : str
        Language the survey was answered in: ``"zh-CN"`` or ``"en"``.
    started_at, submitted_at : datetime
        Naive UTC (what manyi's storage keeps).
    answers : dict
        ``{question code: answer}`` in the format ``validate_answers`` accepts.
    metadata : dict
        ``incentivised`` (bool), ``device`` (``"mobile"`` or ``"pc"``) and, for answers
        an agent typed in during a call, ``entered_by = "agent"``.
    injected_flag : QualityFlag | None
        Ground truth of the low-quality pattern injected (speeder, straight_liner,
        gibberish), for checking the cleaning; not a stored flag.
    """

    survey_key: str
    customer_index: int | None
    channel: str
    touchpoint: str | None
    language: str
    started_at: datetime
    submitted_at: datetime
    answers: dict[str, Any]
    metadata: dict[str, Any]
    injected_flag: QualityFlag | None


def _choose(rnd: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rnd.choices([k for k, _ in table], [w for _, w in table])[0]


def _device(rnd: random.Random, channel: str) -> str:
    share_mobile = {"email": 0.55, "web": 0.4, "hotline": 0.0}.get(channel, 1.0)
    return "mobile" if rnd.random() < share_mobile else "pc"


def generate_responses(
    seed: int = 42,
    n: int = 20_000,
    end: date = date(2026, 11, 15),
    months: int = 18,
    company: Company | None = None,
) -> list[DemoResponse]:
    """Answers to the demo surveys with known drivers, seasonality, an incident and noise.

    Parameters
    ----------
    seed : int
        Random seed; the same arguments give the same responses.
    n : int
        Number of responses (1 to 1,000,000).
    end, months : date, int
        The date window, see :func:`manyi.demo.timeline.demo_window`.
    company : Company | None
        Customers who answer; ``generate_company(seed)`` when None. Only customers with
        contact consent are invited; 15 % of answers are anonymous.

    Returns
    -------
    list[DemoResponse]
        Sorted by ``started_at``.

    Notes
    -----
    The true model (driver weights, incident shifts, SERVQUAL gaps, Kano categories,
    incentive bias) is in :mod:`manyi.demo.drivers` and :mod:`manyi.demo.study_answers`
    and written down with the measured figures in docs/demo.md.

    Examples
    --------
    >>> from manyi.demo.surveys import survey_definition
    >>> from manyi.domain.survey import SurveyDefinition
    >>> from manyi.domain.answers import validate_answers
    >>> first = generate_responses(seed=1, n=50)[0]
    >>> definition = SurveyDefinition.model_validate(survey_definition(first.survey_key))
    >>> _ = validate_answers(definition, first.answers)  # raises if not valid
    """
    if not 1 <= n <= 1_000_000:
        raise InvalidInput(f"n must be between 1 and 1,000,000, got {n}")
    window = demo_window(end, months)
    company = company or generate_company(seed)
    invited = [c for c in company.customers if c.consent_contact]
    if not invited:
        raise InvalidInput("no customer has agreed to be contacted; cannot send surveys")
    rng = np.random.default_rng([seed, 2])
    rnd = random.Random(seed * 7919 + 2)

    days = sample_days(rng, daily_volume_weights(window), n)
    started = sample_times(rng, window, days)
    ordinals = window.start.toordinal() + days
    strength = incident_strength(window, ordinals)
    survey_idx = rng.choice(len(SURVEY_KEYS), size=n, p=SURVEY_SHARES)

    # Who answers: frequent responders (gamma propensity) among invited customers, or anonymous.
    propensity = rng.gamma(2.0, 1.0, size=len(invited))
    linked = rng.random(n) < LINKED_SHARE
    who = rng.choice(len(invited), size=n, p=propensity / propensity.sum())
    halo_customer = rng.normal(0.0, 0.6, size=len(company.customers))
    anon_region = rng.choice(len(REGIONS), size=n, p=REGION_SHARES)
    anon_tier = rng.choice(len(TIERS), size=n, p=TIER_SHARES)
    anon_product = rng.choice(len(PRODUCTS), size=n, p=PRODUCT_SHARES)
    anon_english = rng.random(n) < 0.06
    anon_incentive = rng.random(n) < 0.10
    customer = [invited[who[i]] if linked[i] else None for i in range(n)]
    region = [c.region if c else REGIONS[anon_region[i]] for i, c in enumerate(customer)]
    tier = [c.tier if c else TIERS[anon_tier[i]] for i, c in enumerate(customer)]
    product = [c.product if c else PRODUCTS[anon_product[i]] for i, c in enumerate(customer)]
    incentivised = np.array(
        [c.incentivised if c else bool(anon_incentive[i]) for i, c in enumerate(customer)]
    )
    inc = incentivised.astype(float)

    # Latent experience: halo + driver-specific part + shifts (see manyi.demo.drivers).
    halo_h = np.array([halo_customer[c.index] if c else rng.normal(0.0, 0.6) for c in customer])
    g = halo_h + rng.normal(0.0, 0.8, size=n) + dm.general_shift(window, ordinals, region, tier)
    k = len(dm.DRIVER_TRUTH)
    z = dm.HALO_LOADING * g[:, None] + np.sqrt(1 - dm.HALO_LOADING**2) * rng.normal(size=(n, k))
    z += dm.driver_shifts(window, ordinals, region, product)
    weights = np.array([d.nps_weight for d in dm.DRIVER_TRUTH])
    means = np.array([d.mean_rating for d in dm.DRIVER_TRUTH])
    # Student-t noise (4 df): a few very unhappy 0–2 scores, as in real NPS data.
    noise = rng.standard_t(4, size=n) / np.sqrt(2.0)
    nps_latent = dm.NPS_BASE + z @ weights + dm.NPS_NOISE_SD * noise
    nps = dm.rate(nps_latent + dm.incentive_bias(0, 10) * inc, 0, 10).tolist()
    ratings = dm.rate(
        means + dm.RATING_SLOPE * z + dm.incentive_bias(1, 5) * inc[:, None], 1, 5
    ).tolist()
    answered = (rng.random((n, k)) < np.array([d.answered for d in dm.DRIVER_TRUTH])).tolist()

    # CSAT: the service episode's quality is the matching driver's latent score.
    service_idx = rng.choice(len(CSAT_SERVICE_TYPES), size=n, p=SERVICE_SHARES)
    services = [CSAT_SERVICE_TYPES[s][0] for s in service_idx]
    quality = z[np.arange(n), [dm.DRIVER_CODES.index(dm.SERVICE_DRIVER[s]) for s in services]]
    attr_codes = list(dm.CSAT_WEIGHTS)
    attr_latent = 0.7 * quality[:, None] + 0.714 * rng.normal(size=(n, len(attr_codes)))
    attr_means = np.array([dm.CSAT_ATTRIBUTE_MEANS[a] for a in attr_codes])
    attr_ratings = dm.rate(
        attr_means + 0.85 * attr_latent + dm.incentive_bias(1, 5) * inc[:, None], 1, 5
    ).tolist()
    csat_latent = dm.CSAT_BASE + attr_latent @ np.array(list(dm.CSAT_WEIGHTS.values()))
    csat_latent += dm.CSAT_NOISE_SD * rng.normal(size=n) + dm.incentive_bias(1, 5) * inc
    csat = dm.rate(csat_latent, 1, 5).tolist()
    ces_latent = dm.CES_BASE + 0.9 * (0.6 * quality + 0.8 * rng.normal(size=n))
    ces = dm.rate(ces_latent + dm.incentive_bias(1, 7) * inc, 1, 7).tolist()

    # The two studies are generated for their respondents only.
    sq_rows = np.flatnonzero(survey_idx == SURVEY_KEYS.index("servqual"))
    kano_rows = np.flatnonzero(survey_idx == SURVEY_KEYS.index("kano"))
    study: dict[int, dict[str, Any]] = dict(
        zip(
            sq_rows.tolist(),
            servqual_answers(rng, g[sq_rows], strength[sq_rows], inc[sq_rows]),
            strict=True,
        )
    )
    study.update(zip(kano_rows.tolist(), kano_answers(rng, len(kano_rows)), strict=True))

    durations = np.exp(rng.normal(0.0, 0.45, size=n)).tolist()
    quality_draw = rng.random(n).tolist()
    out: list[DemoResponse] = []
    for i in range(n):
        survey = SURVEY_KEYS[survey_idx[i]]
        cust = customer[i]
        language = cust.language if cust else ("en" if anon_english[i] else "zh-CN")
        if cust is None:
            channel = _choose(rnd, _CHANNELS_ANONYMOUS)
        else:
            channel = _choose(rnd, _CHANNELS_EN if language == "en" else _CHANNELS_ZH)
            if survey == "servqual" and channel == "hotline":
                channel = "email"  # nobody takes a 7-minute questionnaire over the phone
        flag = draw_flag(quality_draw[i], survey, LOW_QUALITY_SHARE)
        composer = Composer(
            rnd, "en" if language == "en" else "zh", PRODUCT_TAGS[product[i]], started[i]
        )
        service = services[i]
        answers: dict[str, Any]
        if flag == QualityFlag.SPEEDER:
            answers = speeder_answers(rnd, survey)
        elif flag == QualityFlag.STRAIGHT_LINER:
            answers = straight_line_answers(rnd, survey, service)
        elif survey == "nps":
            drivers = {d: ratings[i][j] for j, d in enumerate(dm.DRIVER_CODES) if answered[i][j]}
            answers = {"nps": nps[i], **drivers}
            if rnd.random() < (_OPEN_SHARE["nps"] + (0.15 if nps[i] <= 6 else 0.0)):
                answers["reason"] = nps_reason(composer, nps[i], drivers, strength[i] > 0.3)
        elif survey == "csat":
            answers = _csat_answers(
                rnd, composer, service, csat[i], ces[i], attr_codes, attr_ratings[i]
            )
        else:
            answers = study[i]
            if survey == "servqual" and rnd.random() < _OPEN_SHARE["servqual"]:
                answers["suggestion"] = servqual_suggestion(composer, _worst_dimension(answers))
        if flag == QualityFlag.GIBBERISH:
            open_code = {"nps": "reason", "csat": "comment", "servqual": "suggestion"}[survey]
            answers[open_code] = rnd.choice(composer.bank.gibberish)
        if flag == QualityFlag.SPEEDER:
            low, high = SPEEDER_SECONDS.get(survey, SPEEDER_SECONDS_DEFAULT)
            seconds = rnd.uniform(low, high)
        else:
            # Nobody reads and answers faster than 40 % of the median time; speeders do.
            factor = max(durations[i], 0.4) * (1.8 if channel == "hotline" else 1.0)
            seconds = MEDIAN_SECONDS[survey] * factor
        metadata: dict[str, Any] = {
            "incentivised": bool(incentivised[i]),
            "device": _device(rnd, channel),
        }
        if channel == "hotline":
            metadata["entered_by"] = "agent"
        out.append(
            DemoResponse(
                survey_key=survey,
                customer_index=cust.index if cust else None,
                channel=channel,
                touchpoint={"nps": "follow_up", "csat": service}.get(survey),
                language=language,
                started_at=started[i],
                submitted_at=started[i] + timedelta(seconds=round(seconds, 1)),
                answers=answers,
                metadata=metadata,
                injected_flag=flag,
            )
        )
    out.sort(key=lambda r: r.started_at)
    return out


def _csat_answers(
    rnd: random.Random,
    composer: Composer,
    service: str,
    csat: int,
    ces: int,
    attr_codes: list[str],
    attr_ratings: list[int],
) -> dict[str, Any]:
    attributes = {
        code: attr_ratings[j]
        for j, code in enumerate(attr_codes)
        if not (service == "hotline" and code == "attr_tidy") and rnd.random() < 0.95
    }
    answers: dict[str, Any] = {"service_type": service, "csat": csat, **attributes}
    if rnd.random() < 0.92:
        answers["ces"] = ces
    went_well = [_WENT_WELL_FROM[a] for a, v in attributes.items() if v >= 4 and rnd.random() < 0.7]
    if attributes.get("attr_skill", 0) >= 4 and rnd.random() < 0.3:
        went_well.append("explained")
    if csat >= 4 and rnd.random() < 0.15:
        went_well.append("fair_price")
    if went_well:
        order = [code for code, _, _ in CSAT_WENT_WELL]
        answers["went_well"] = sorted(went_well, key=order.index)
    if rnd.random() < _OPEN_SHARE["csat"] + (0.2 if csat <= 2 else 0.0):
        comment = csat_comment(composer, service, csat, attributes)
        if comment:
            answers["comment"] = comment
    return answers


def _worst_dimension(answers: dict[str, Any]) -> str:
    gaps: dict[str, list[int]] = {}
    for item in SERVQUAL_ITEMS:
        cell = answers[item.code]
        gaps.setdefault(item.dimension.value, []).append(cell["perception"] - cell["expectation"])
    return min(gaps, key=lambda d: sum(gaps[d]) / len(gaps[d]))
