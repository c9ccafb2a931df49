"""Demo unstructured feedback: languages, variety, truth, incident topic, personal data."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest

from manyi.demo.company import DEPARTMENTS, TOUCHPOINTS, Company, generate_company
from manyi.demo.feedback import KIND_SHARES, DemoFeedback, generate_feedback
from manyi.demo.feedback_aspects import ASPECTS_BY_CODE
from manyi.demo.phrases import phrase_bank
from manyi.demo.timeline import demo_window
from manyi.domain.enums import FeedbackKind
from manyi.errors import InvalidInput

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def company() -> Company:
    return generate_company(seed=42)


@pytest.fixture(scope="module")
def feedback(company: Company) -> list[DemoFeedback]:
    return generate_feedback(seed=42, company=company)


def test_count_order_and_codes(feedback: list[DemoFeedback], company: Company) -> None:
    assert len(feedback) == 10_000
    times = [f.occurred_at for f in feedback]
    assert times == sorted(times) and all(t.tzinfo is None for t in times)
    touchpoints = {t.code for t in TOUCHPOINTS}
    departments = {d.code for d in DEPARTMENTS}
    channels = {c.code for c in company.channels}
    for f in feedback:
        assert f.touchpoint in touchpoints and f.department in departments
        assert f.channel in channels
        main = ASPECTS_BY_CODE[f.truth.main_aspect]
        assert (f.touchpoint, f.department) == (main.touchpoint, main.department)
        assert main.code in {a.aspect for a in f.truth.aspects}
        assert f.rating is None or 1 <= f.rating <= 5
        assert "{" not in f.text and "}" not in f.text
        if f.customer_index is not None:
            expected = "en" if company.customers[f.customer_index].language == "en" else "zh"
            assert f.language == expected


def test_language_and_kind_shares(feedback: list[DemoFeedback]) -> None:
    languages = Counter(f.language for f in feedback)
    assert languages["zh"] / len(feedback) == pytest.approx(0.85, abs=0.015)
    for f in feedback:
        if f.language == "zh":
            assert CJK.search(f.text), f.text
        else:
            assert not CJK.search(f.text), f.text
    kinds = Counter(f.kind for f in feedback)
    assert set(kinds) == set(KIND_SHARES)
    for kind, share in KIND_SHARES.items():
        assert kinds[kind] / len(feedback) == pytest.approx(share, abs=0.03)


def test_texts_vary(feedback: list[DemoFeedback]) -> None:
    texts = [f.text for f in feedback]
    assert len(set(texts)) / len(texts) > 0.9
    for language in ("zh", "en"):
        subset = [f.text for f in feedback if f.language == language]
        assert len(set(subset)) / len(subset) > 0.9
    assert phrase_bank("zh").phrase_count() > 400 and phrase_bank("en").phrase_count() > 300


def test_truth_agrees_with_kind_and_rating(feedback: list[DemoFeedback]) -> None:
    for f in feedback:
        labels = [a.sentiment for a in f.truth.aspects]
        assert labels and all(label in ("positive", "negative", "neutral") for label in labels)
        if f.kind == FeedbackKind.REVIEW:
            assert f.rating is not None
            if f.rating <= 2:
                assert f.truth.sentiment == "negative"
            elif f.rating == 3:
                assert f.truth.sentiment == "mixed"
            else:
                assert f.truth.sentiment in ("positive", "mixed")
        if f.kind == FeedbackKind.PRAISE:
            assert f.truth.sentiment == "positive"
        if f.kind == FeedbackKind.COMPLAINT:
            assert f.truth.aspects[-1].sentiment == "negative"
        for a in f.truth.aspects:
            assert a.category == ASPECTS_BY_CODE[a.aspect].category


def test_call_notes_read_like_agent_shorthand(feedback: list[DemoFeedback]) -> None:
    notes = [f.text for f in feedback if f.kind == FeedbackKind.CALL_RECORD and f.language == "zh"]
    assert all(n.startswith(("客户来电", "客户致电", "来电", "客户二次来电")) for n in notes)
    assert sum("转" in n or "已" in n for n in notes) / len(notes) > 0.9
    english = [
        f.text for f in feedback if f.kind == FeedbackKind.CALL_RECORD and f.language == "en"
    ]
    assert all(
        n.startswith(("Cust called re", "Inbound call", "Call from cust", "Repeat caller"))
        for n in english
    )


def test_incident_makes_delivery_an_emerging_topic(feedback: list[DemoFeedback]) -> None:
    w = demo_window()
    frame = pd.DataFrame(
        {
            "t": [f.occurred_at for f in feedback],
            "delivery": [
                any(
                    a.aspect == "delivery_time" and a.sentiment == "negative"
                    for a in f.truth.aspects
                )
                for f in feedback
            ],
            "incident": [f.truth.incident for f in feedback],
        }
    )
    start, end = pd.Timestamp(w.incident_start), pd.Timestamp(w.incident_end)
    inside = frame[(frame.t >= start) & (frame.t < end)]
    before = frame[(frame.t >= start - pd.Timedelta(weeks=12)) & (frame.t < start)]
    assert inside.delivery.mean() > 3 * before.delivery.mean()
    assert inside.incident.mean() > 0.25
    # Incident texts exist only inside the window (allowing the UTC offset of a day's edge).
    outside = frame[frame.incident & ((frame.t < start - pd.Timedelta(hours=8)) | (frame.t >= end))]
    assert outside.empty
    # Daily volume during the incident's plateau is clearly up on the weeks before.
    plateau = inside[inside.t < pd.Timestamp(w.plan_effective)]
    assert len(plateau) / 28 > 1.3 * len(before) / 84


def test_some_texts_carry_fake_personal_data(feedback: list[DemoFeedback]) -> None:
    with_pii = [f for f in feedback if f.truth.pii]
    assert 0.01 < len(with_pii) / len(feedback) < 0.08
    for f in with_pii:
        for value in f.truth.pii:
            assert value in f.text
            assert re.fullmatch(
                r"1380000\d{4}|\+44 7700 900\d{3}|[\w.]+@example\.(com|net|org)", value
            )


def test_same_seed_same_feedback_other_seed_others() -> None:
    a = generate_feedback(seed=3, n=600)
    assert a == generate_feedback(seed=3, n=600)
    assert a != generate_feedback(seed=4, n=600)


def test_bad_arguments() -> None:
    with pytest.raises(InvalidInput, match="english_share"):
        generate_feedback(n=5, english_share=1.5)
    with pytest.raises(InvalidInput, match="between 1 and 1,000,000"):
        generate_feedback(n=0)
