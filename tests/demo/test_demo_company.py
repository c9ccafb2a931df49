"""The demo company: organisation, journey and synthetic customers."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from manyi.demo.company import (
    CHANNELS,
    DEPARTMENTS,
    PRODUCTS,
    REGIONS,
    TIERS,
    TOUCHPOINTS,
    department,
    generate_company,
    generate_customers,
    touchpoint,
)
from manyi.domain.enums import JourneyStage
from manyi.errors import InvalidInput

PHONE = re.compile(r"^(1380000\d{4}|\+44 7700 900\d{3})$")
EMAIL = re.compile(r"^[a-z.]+\d{1,2}@example\.(com|net|org)$")


@pytest.fixture(scope="module")
def customers() -> tuple:
    return generate_company(seed=42).customers


def test_departments_and_touchpoints_cover_the_journey() -> None:
    assert [d.code for d in DEPARTMENTS] == ["CS", "LOG", "INS", "STO", "ECO", "FIN"]
    codes = {d.code for d in DEPARTMENTS}
    assert all(t.department in codes for t in TOUCHPOINTS)
    assert {t.stage for t in TOUCHPOINTS} == set(JourneyStage)
    assert touchpoint("delivery").department == "LOG"
    assert touchpoint("repair").stage == JourneyStage.AFTER_SALES
    assert department("INS").name_zh == "安装维修"
    assert len({c.code for c in CHANNELS}) == len(CHANNELS)


def test_unknown_codes_raise() -> None:
    with pytest.raises(InvalidInput, match="unknown touchpoint"):
        touchpoint("teleport")
    with pytest.raises(InvalidInput, match="unknown department"):
        department("XYZ")


def test_customers_are_complete_and_well_formed(customers: tuple) -> None:
    assert len(customers) == 6000
    assert [c.index for c in customers] == list(range(6000))
    assert len({c.external_id for c in customers}) == 6000
    phones = [c.phone for c in customers if c.phone]
    assert len(phones) == len(set(phones)) > 5000
    assert all(PHONE.match(p) for p in phones)
    emails = [c.email for c in customers if c.email]
    assert len(emails) > 3000
    assert all(EMAIL.match(e) for e in emails)
    assert {c.region for c in customers} == set(REGIONS)
    assert {c.tier for c in customers} == set(TIERS)
    assert {c.product for c in customers} == set(PRODUCTS)
    chinese = [c for c in customers if c.language == "zh-CN"]
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", c.name) for c in chinese)
    english = [c for c in customers if c.language == "en"]
    assert all(re.fullmatch(r"[A-Z][a-z]+ [A-Z][A-Za-z']+", c.name) for c in english)
    assert customers[1].segments == {
        "region": customers[1].region,
        "tier": customers[1].tier,
        "product": customers[1].product,
    }


def test_customer_shares_match_the_documented_design(customers: tuple) -> None:
    n = len(customers)
    regions = Counter(c.region for c in customers)
    assert regions["华东"] / n == pytest.approx(0.32, abs=0.02)
    assert regions["海外"] / n == pytest.approx(0.08, abs=0.015)
    overseas = [c for c in customers if c.region == "海外"]
    assert sum(c.language == "en" for c in overseas) / len(overseas) == pytest.approx(0.8, abs=0.05)
    assert sum(c.language == "en" for c in customers) / n == pytest.approx(0.09, abs=0.02)
    assert sum(c.consent_contact for c in customers) / n == pytest.approx(0.85, abs=0.02)
    assert sum(c.consent_research for c in customers) / n == pytest.approx(0.70, abs=0.02)
    assert sum(c.incentivised for c in customers) / n == pytest.approx(0.25, abs=0.02)


def test_same_seed_same_customers_other_seed_others() -> None:
    assert generate_customers(seed=5, n=300) == generate_customers(seed=5, n=300)
    assert generate_customers(seed=5, n=300) != generate_customers(seed=6, n=300)


def test_customer_count_is_checked() -> None:
    with pytest.raises(InvalidInput, match="between 1 and 10,000"):
        generate_customers(n=0)
