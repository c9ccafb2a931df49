"""Demo survey responses: validity, determinism and the true structure analyses must find.

The checks compare the generated data with the documented truth in docs/demo.md
(manyi.demo.drivers and manyi.demo.study_answers); regressions use statsmodels OLS and
Kano answers are classified with the evaluation table of Berger et al. (1993).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from manyi.demo.company import TOUCHPOINTS, Company, generate_company
from manyi.demo.drivers import DRIVER_CODES
from manyi.demo.phrases import phrase_bank
from manyi.demo.responses import DemoResponse, generate_responses
from manyi.demo.servqual_items import SERVQUAL_ITEMS
from manyi.demo.study_answers import KANO_TRUE_CATEGORY
from manyi.demo.surveys import survey_definitions
from manyi.demo.timeline import demo_window
from manyi.domain.answers import validate_answers
from manyi.domain.enums import QualityFlag
from manyi.domain.survey import SurveyDefinition
from manyi.errors import InvalidInput


@pytest.fixture(scope="module")
def company() -> Company:
    return generate_company(seed=42)


@pytest.fixture(scope="module")
def responses(company: Company) -> list[DemoResponse]:
    return generate_responses(seed=42, company=company)


@pytest.fixture(scope="module")
def frame(responses: list[DemoResponse], company: Company) -> pd.DataFrame:
    rows = []
    for r in responses:
        row = {k: v for k, v in r.answers.items() if isinstance(v, int | str)}
        customer = company.customers[r.customer_index] if r.customer_index is not None else None
        row.update(
            survey=r.survey_key,
            started=r.started_at,
            flag=r.injected_flag,
            incentivised=r.metadata["incentivised"],
            region=customer.region if customer else None,
            tier=customer.tier if customer else None,
        )
        rows.append(row)
    return pd.DataFrame(rows)


def _nps(scores: pd.Series) -> float:
    return float(100 * ((scores >= 9).mean() - (scores <= 6).mean()))


def _clean(frame: pd.DataFrame, survey: str) -> pd.DataFrame:
    return frame[(frame.survey == survey) & frame.flag.isna()]


def test_every_response_validates(responses: list[DemoResponse]) -> None:
    definitions = {k: SurveyDefinition.model_validate(d) for k, d in survey_definitions().items()}
    for r in responses:
        checked = validate_answers(definitions[r.survey_key], r.answers)
        assert checked.answers == r.answers


def test_count_mix_and_fields(responses: list[DemoResponse], company: Company) -> None:
    assert len(responses) == 20_000
    shares = Counter(r.survey_key for r in responses)
    for key, share in {"nps": 0.45, "csat": 0.35, "servqual": 0.15, "kano": 0.05}.items():
        assert shares[key] / 20_000 == pytest.approx(share, abs=0.015)
    touchpoints = {t.code for t in TOUCHPOINTS} | {None}
    channels = {c.code for c in company.channels}
    for r in responses:
        assert r.touchpoint in touchpoints and r.channel in channels
        assert r.metadata["device"] in ("mobile", "pc")
        assert r.language in ("zh-CN", "en")
        if r.customer_index is not None:
            assert company.customers[r.customer_index].consent_contact
    assert sum(r.customer_index is None for r in responses) / 20_000 == pytest.approx(
        0.15, abs=0.01
    )
    assert 0.03 < sum(r.language == "en" for r in responses) / 20_000 < 0.15


def test_times_are_naive_utc_in_the_window_and_sorted(responses: list[DemoResponse]) -> None:
    w = demo_window()
    first = datetime(w.start.year, w.start.month, w.start.day) - timedelta(hours=8)
    last = datetime(w.end.year, w.end.month, w.end.day) + timedelta(hours=16)
    starts = [r.started_at for r in responses]
    assert starts == sorted(starts)
    assert all(r.started_at.tzinfo is None for r in responses)
    assert first <= starts[0] and starts[-1] < last
    assert all(r.submitted_at > r.started_at for r in responses)


def test_same_seed_same_responses_other_seed_others() -> None:
    a = generate_responses(seed=7, n=800)
    assert a == generate_responses(seed=7, n=800)
    assert a != generate_responses(seed=8, n=800)


def test_bad_arguments() -> None:
    with pytest.raises(InvalidInput, match="between 1 and 1,000,000"):
        generate_responses(n=0)


def test_delivery_and_repair_drive_nps(frame: pd.DataFrame) -> None:
    nps = _clean(frame, "nps")
    corr = nps[[*DRIVER_CODES, "nps"]].corr()["nps"]
    assert corr["drv_delivery"] > 0.45
    assert corr["drv_delivery"] > corr["drv_store"] + 0.15
    complete = nps.dropna(subset=list(DRIVER_CODES))
    x = (complete[list(DRIVER_CODES)] - complete[list(DRIVER_CODES)].mean()) / complete[
        list(DRIVER_CODES)
    ].std()
    fit = sm.OLS(complete["nps"].astype(float), sm.add_constant(x)).fit()
    coefficients = fit.params.drop("const").sort_values(ascending=False)
    # True weights (docs/demo.md): delivery 0.70 > repair 0.60 > care 0.40 > install 0.35 > …
    assert list(coefficients.index[:2]) == ["drv_delivery", "drv_repair"]
    assert coefficients.index[-1] in ("drv_store", "drv_app")
    assert fit.pvalues["drv_delivery"] < 1e-10


def test_incident_dip_and_recovery_in_weekly_nps(frame: pd.DataFrame) -> None:
    w = demo_window()
    nps = _clean(frame, "nps").copy()
    nps["week"] = nps.started.dt.to_period("W")
    weekly = nps.groupby("week")["nps"].apply(_nps)
    weeks = weekly.index.to_timestamp()
    start, plan, end = (
        pd.Timestamp(d) for d in (w.incident_start, w.plan_effective, w.incident_end)
    )
    before = weekly[
        (weeks >= start - pd.Timedelta(weeks=8)) & (weeks < start - pd.Timedelta(weeks=1))
    ]
    during = weekly[(weeks >= start + pd.Timedelta(days=6)) & (weeks < plan)]
    after = weekly[(weeks >= end) & (weeks < end + pd.Timedelta(weeks=6))]
    assert during.mean() < before.mean() - 20
    assert after.mean() > during.mean() + 20
    assert abs(after.mean() - before.mean()) < 10
    window = nps[(nps.started >= start + pd.Timedelta(days=5)) & (nps.started < plan)]
    earlier = nps[(nps.started >= start - pd.Timedelta(weeks=8)) & (nps.started < start)]
    assert window.drv_delivery.mean() < earlier.drv_delivery.mean() - 0.7
    # Drivers other than delivery barely move.
    assert abs(window.drv_store.mean() - earlier.drv_store.mean()) < 0.25


def test_volume_seasonality(frame: pd.DataFrame) -> None:
    daily = frame.groupby(frame.started.dt.date).size()
    daily.index = pd.to_datetime(daily.index)
    typical = daily.median()
    assert daily["2025-11-10":"2025-11-17"].mean() > 1.5 * typical
    assert daily["2026-06-16":"2026-06-25"].mean() > 1.3 * typical
    assert daily["2026-02-15":"2026-02-22"].mean() < 0.7 * typical


def test_low_quality_share_and_patterns(responses: list[DemoResponse]) -> None:
    flags = Counter(r.injected_flag for r in responses)
    flagged = sum(v for k, v in flags.items() if k is not None)
    assert flagged / len(responses) == pytest.approx(0.03, abs=0.005)
    for flag in QualityFlag.SPEEDER, QualityFlag.STRAIGHT_LINER, QualityFlag.GIBBERISH:
        assert 0.006 < flags[flag] / len(responses) < 0.014
    gibberish = set(phrase_bank("zh").gibberish) | set(phrase_bank("en").gibberish)
    for r in responses:
        seconds = (r.submitted_at - r.started_at).total_seconds()
        if r.injected_flag == QualityFlag.SPEEDER:
            assert seconds <= (40 if r.survey_key == "servqual" else 10)
        elif r.injected_flag is None:
            assert seconds >= 0.4 * 55
        if r.injected_flag == QualityFlag.STRAIGHT_LINER and r.survey_key == "nps":
            assert len({r.answers[c] for c in DRIVER_CODES}) == 1
        if r.injected_flag == QualityFlag.STRAIGHT_LINER and r.survey_key == "servqual":
            assert len({v for i in SERVQUAL_ITEMS for v in r.answers[i.code].values()}) == 1
        if r.injected_flag == QualityFlag.GIBBERISH:
            open_answer = (
                r.answers.get("reason") or r.answers.get("comment") or r.answers["suggestion"]
            )
            assert open_answer in gibberish


def test_incentivised_rate_higher(frame: pd.DataFrame) -> None:
    csat = _clean(frame, "csat")
    gap = csat[csat.incentivised].csat.mean() - csat[~csat.incentivised].csat.mean()
    assert gap == pytest.approx(0.3, abs=0.1)
    nps = _clean(frame, "nps")
    assert nps[nps.incentivised].nps.mean() > nps[~nps.incentivised].nps.mean() + 0.4


def test_region_and_tier_differences(frame: pd.DataFrame) -> None:
    nps = _clean(frame, "nps")
    by_region = nps.groupby("region")["nps"].apply(_nps)
    assert by_region["华东"] > by_region["海外"] + 15
    assert by_region["华东"] > by_region["西南"] + 10
    by_tier = nps.groupby("tier")["nps"].apply(_nps)
    assert by_tier["金卡"] > by_tier["普通"] + 5


def test_servqual_gaps_negative_reliability_and_responsiveness_worst(
    responses: list[DemoResponse],
) -> None:
    study = [r for r in responses if r.survey_key == "servqual" and r.injected_flag is None]
    gaps: dict[str, list[float]] = {}
    for item in SERVQUAL_ITEMS:
        diffs = [
            r.answers[item.code]["perception"] - r.answers[item.code]["expectation"] for r in study
        ]
        gaps.setdefault(item.dimension.value, []).append(float(np.mean(diffs)))
    mean_gap = {d: float(np.mean(v)) for d, v in gaps.items()}
    assert all(g < -0.1 for g in mean_gap.values())
    assert set(sorted(mean_gap, key=mean_gap.__getitem__)[:2]) == {"reliability", "responsiveness"}


# Berger et al. (1993) Kano evaluation table: (functional, dysfunctional) → category.
_MIDDLE = ("must-be", "neutral", "live-with")
KANO_TABLE = {
    ("like", "like"): "Q",
    ("like", "dislike"): "O",
    ("dislike", "dislike"): "Q",
    **{("like", d): "A" for d in _MIDDLE},
    **{(f, "dislike"): "M" for f in _MIDDLE},
    **{(f, d): "I" for f in _MIDDLE for d in _MIDDLE},
    **{(f, "like"): "R" for f in _MIDDLE},
    **{("dislike", d): "R" for d in (*_MIDDLE, "like")},
}


def test_kano_majority_categories_match_the_truth(responses: list[DemoResponse]) -> None:
    study = [r for r in responses if r.survey_key == "kano" and r.injected_flag is None]
    assert len(KANO_TABLE) == 25
    for feature, truth in KANO_TRUE_CATEGORY.items():
        votes = Counter(
            KANO_TABLE[(r.answers[feature]["functional"], r.answers[feature]["dysfunctional"])]
            for r in study
        )
        assert votes.most_common(1)[0][0] == truth, (feature, votes)
    assert set(KANO_TRUE_CATEGORY.values()) == {"A", "O", "M", "I", "R"}


def _pattern(templates: list[str]) -> re.Pattern[str]:
    parts = [re.sub(r"\\\{\w+\\\}", ".+?", re.escape(t)) for t in templates]
    # English clauses are stored in lower case and capitalised in sentences.
    return re.compile("|".join(sorted(parts, key=len, reverse=True)), re.IGNORECASE)


def test_open_answers_agree_with_the_scores(responses: list[DemoResponse]) -> None:
    for language, code in (("zh-CN", "zh"), ("en", "en")):
        bank = phrase_bank(code)
        pos = _pattern(
            [t for a in bank.aspects.values() for _, t in a["pos"]] + list(bank.pos_extras)
        )
        neg = _pattern(
            [t for a in bank.aspects.values() for _, t in a["neg"]]
            + list(bank.incident_neg)
            + list(bank.neg_extras)
        )
        answered = [
            r
            for r in responses
            if r.survey_key == "nps"
            and r.injected_flag is None
            and r.language == language
            and "reason" in r.answers
            and len(r.answers) > 2  # a reason that names a driver
        ]
        promoters = [r.answers["reason"] for r in answered if r.answers["nps"] >= 9]
        detractors = [r.answers["reason"] for r in answered if r.answers["nps"] <= 6]
        assert len(promoters) > 20 and len(detractors) > 20
        for text in promoters:
            assert pos.search(text) and not neg.search(text), text
        for text in detractors:
            assert neg.search(text) and not pos.search(text), text
