"""Unstructured demo feedback: complaints, call notes, reviews, e-mails, posts, staff notes.

``generate_feedback`` writes bilingual texts (about 85 % Chinese) compositionally from the
phrase banks (:mod:`manyi.demo.phrases`, package data in ``resources/phrases_*.yaml``)
and keeps what each text truly says in :class:`FeedbackTruth`, so that sentiment, aspect,
topic and redaction features can be scored against it. During the delivery-partner
incident (see :mod:`manyi.demo.timeline`) feedback volume rises and many of the extra
texts are delivery complaints with their own wording (承运商, 爆仓, courier …): an
emerging topic.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

import numpy as np

from manyi.demo.company import Company, Customer, generate_company
from manyi.demo.compose import PRODUCT_TAGS, Composer
from manyi.demo.feedback_aspects import ASPECTS_BY_CODE, DEMO_ASPECTS
from manyi.demo.feedback_texts import overall_sentiment, write
from manyi.demo.timeline import (
    daily_volume_weights,
    day_numbers,
    demo_window,
    incident_strength,
    sample_days,
    sample_times,
)
from manyi.domain.enums import FeedbackKind
from manyi.errors import InvalidInput

K = FeedbackKind
T = TypeVar("T")
KIND_SHARES: dict[FeedbackKind, float] = {
    K.COMPLAINT: 0.22,
    K.CALL_RECORD: 0.20,
    K.REVIEW: 0.22,
    K.EMAIL: 0.07,
    K.SOCIAL_POST: 0.10,
    K.STAFF_ENTRY: 0.07,
    K.SUGGESTION: 0.06,
    K.PRAISE: 0.06,
}
_INCIDENT_KINDS: dict[FeedbackKind, float] = {
    K.COMPLAINT: 0.35,
    K.CALL_RECORD: 0.35,
    K.SOCIAL_POST: 0.15,
    K.REVIEW: 0.10,
    K.EMAIL: 0.05,
}
KIND_CHANNELS: dict[FeedbackKind, tuple[tuple[str, float], ...]] = {
    K.COMPLAINT: (
        ("hotline", 0.3),
        ("app", 0.25),
        ("wechat", 0.25),
        ("email", 0.1),
        ("letter", 0.05),
        ("web", 0.05),
    ),
    K.CALL_RECORD: (("hotline", 1.0),),
    K.REVIEW: (("marketplace", 0.6), ("dianping", 0.25), ("app", 0.15)),
    K.EMAIL: (("email", 1.0),),
    K.SOCIAL_POST: (("weibo", 0.55), ("xiaohongshu", 0.45)),
    K.STAFF_ENTRY: (("store", 1.0),),
    K.SUGGESTION: (("app", 0.4), ("wechat", 0.3), ("web", 0.2), ("store", 0.1)),
    K.PRAISE: (("wechat", 0.35), ("hotline", 0.25), ("app", 0.2), ("letter", 0.1), ("email", 0.1)),
}
# How often each aspect is the main subject of a text (relative weights).
ASPECT_WEIGHTS: dict[str, float] = {
    "delivery_time": 14,
    "delivery_damage": 6,
    "installer_attitude": 8,
    "install_quality": 9,
    "cleanliness": 4,
    "repair_speed": 10,
    "repair_quality": 7,
    "price": 7,
    "app": 6,
    "hotline_wait": 6,
    "agent_service": 7,
    "refund": 4,
    "billing": 3,
    "product_quality": 8,
    "store_advice": 4,
    "followup": 2,
}
# Share of texts that carry contact data, by kind (for the redaction feature).
_PII_SHARE: dict[FeedbackKind, float] = {K.EMAIL: 0.25, K.COMPLAINT: 0.06, K.CALL_RECORD: 0.04}
_PII_SHARE_OTHER = 0.01
INCIDENT_VOLUME_BOOST = 0.8  # feedback volume at full incident strength: × 1.8


@dataclass(frozen=True)
class AspectTruth:
    """One aspect a text truly talks about.

    Attributes
    ----------
    aspect : str
        Demo aspect code (see :data:`manyi.demo.feedback_aspects.DEMO_ASPECTS`).
    category : str
        The text library's taxonomy code it belongs to.
    sentiment : str
        ``"positive"``, ``"negative"`` or ``"neutral"``.
    """

    aspect: str
    category: str
    sentiment: str


@dataclass(frozen=True)
class FeedbackTruth:
    """What a generated text really says (for evaluating text analytics, never shown to users).

    Attributes
    ----------
    main_aspect : str
        The aspect the text is about; its touchpoint and department are the item's.
    aspects : tuple[AspectTruth, ...]
        Aspects in the order the text mentions them.
    sentiment : str
        Overall: positive, negative, mixed (both) or neutral.
    pii : tuple[str, ...]
        Personal data written into the text (phone numbers, e-mail addresses).
    incident : bool
        Written because of the delivery-partner incident.
    """

    main_aspect: str
    aspects: tuple[AspectTruth, ...]
    sentiment: str
    pii: tuple[str, ...]
    incident: bool


@dataclass(frozen=True)
class DemoFeedback:
    """One piece of unstructured feedback.

    Attributes
    ----------
    kind : FeedbackKind
        complaint, call_record, email, review, social_post, staff_entry, suggestion, praise.
    text : str
        The text as received.
    language : str
        ``"zh"`` or ``"en"`` (what language detection should find).
    rating : int | None
        Star rating 1–5 where the source has one (reviews, some complaints and praise).
    customer_index : int | None
        Index into ``Company.customers``; None for anonymous feedback.
    channel : str
        Channel code (see :data:`manyi.demo.company.CHANNELS`).
    touchpoint : str
        Touchpoint code of the main aspect.
    department : str
        Code of the department responsible for the main aspect.
    occurred_at : datetime
        When it was written, naive UTC.
    truth : FeedbackTruth
        The ground truth for evaluation.
    """

    kind: FeedbackKind
    text: str
    language: str
    rating: int | None
    customer_index: int | None
    channel: str
    touchpoint: str
    department: str
    occurred_at: datetime
    truth: FeedbackTruth


def _weighted(rnd: random.Random, table: Mapping[T, float] | tuple[tuple[T, float], ...]) -> T:
    items = list(table.items()) if isinstance(table, Mapping) else list(table)
    return rnd.choices([k for k, _ in items], [w for _, w in items])[0]


def _customer_for(
    rnd: random.Random, kind: FeedbackKind, pools: dict[str, list[Customer]], language: str
) -> Customer | None:
    # Public posts and reviews are mostly anonymous; calls and e-mails come from known customers.
    linked = {K.SOCIAL_POST: 0.2, K.REVIEW: 0.45, K.CALL_RECORD: 0.95, K.EMAIL: 0.9}.get(kind, 0.7)
    pool = pools[language]
    if not pool or rnd.random() >= linked:
        return None
    return rnd.choice(pool)


def generate_feedback(
    seed: int = 42,
    n: int = 10_000,
    end: date = date(2026, 11, 15),
    months: int = 18,
    company: Company | None = None,
    english_share: float = 0.15,
) -> list[DemoFeedback]:
    """Bilingual unstructured feedback with its ground truth, in time order.

    Parameters
    ----------
    seed : int
        Random seed; the same arguments give the same feedback.
    n : int
        Number of items (1 to 1,000,000).
    end, months : date, int
        The date window, see :func:`manyi.demo.timeline.demo_window`.
    company : Company | None
        Customers to link feedback to; ``generate_company(seed)`` when None.
    english_share : float
        Share of English texts (the rest are Chinese).

    Returns
    -------
    list[DemoFeedback]
        Sorted by ``occurred_at``.

    Notes
    -----
    Volume follows :func:`manyi.demo.timeline.daily_volume_weights` times
    ``1 + 0.8 × incident strength``; at full strength 44 % of the texts are incident
    texts (delivery complaints). Kind shares, aspect weights and the share of texts with
    contact data are the module constants ``KIND_SHARES``, ``ASPECT_WEIGHTS`` and
    ``_PII_SHARE``; the documented figures are in docs/demo.md.

    Examples
    --------
    >>> items = generate_feedback(seed=1, n=5)
    >>> len(items), items[0].occurred_at <= items[-1].occurred_at
    (5, True)
    """
    if not 1 <= n <= 1_000_000:
        raise InvalidInput(f"n must be between 1 and 1,000,000, got {n}")
    if not 0.0 <= english_share <= 1.0:
        raise InvalidInput(f"english_share must be between 0 and 1, got {english_share}")
    window = demo_window(end, months)
    company = company or generate_company(seed)
    rng = np.random.default_rng([seed, 3])
    ordinals = day_numbers(window)
    strength = incident_strength(window, ordinals)
    weights = daily_volume_weights(window) * (1 + INCIDENT_VOLUME_BOOST * strength)
    days = sample_days(rng, weights, n)
    times = sample_times(rng, window, days)
    rnd = random.Random(seed * 7919 + 3)
    pools: dict[str, list[Customer]] = {"zh": [], "en": []}
    for person in company.customers:
        pools["en" if person.language == "en" else "zh"].append(person)
    aspect_codes = [a.code for a in DEMO_ASPECTS]
    aspect_weights = [ASPECT_WEIGHTS[c] for c in aspect_codes]
    items = []
    for i in range(n):
        s = float(strength[days[i]])
        incident = rnd.random() < INCIDENT_VOLUME_BOOST * s / (1 + INCIDENT_VOLUME_BOOST * s)
        kind = _weighted(rnd, _INCIDENT_KINDS if incident else KIND_SHARES)
        language = "en" if rnd.random() < english_share else "zh"
        customer = _customer_for(rnd, kind, pools, language)
        main = "delivery_time" if incident else rnd.choices(aspect_codes, aspect_weights)[0]
        other = main
        while other == main:
            other = rnd.choices(aspect_codes, aspect_weights)[0]
        product = customer.product if customer else rnd.choice(tuple(PRODUCT_TAGS))
        composer = Composer(
            rnd,
            language,
            PRODUCT_TAGS[product],
            times[i],
            phone=customer.phone if customer else None,
            email=customer.email if customer else None,
        )
        pii = None
        if rnd.random() < _PII_SHARE.get(kind, _PII_SHARE_OTHER):
            pii = "email" if rnd.random() < (0.6 if kind == K.EMAIL else 0.3) else "phone"
        draft = write(composer, kind, main, other, incident, pii)
        if language == "en" and kind == K.REVIEW and customer is None:
            channel = "marketplace"
        else:
            channel = _weighted(rnd, KIND_CHANNELS[kind])
        aspect = ASPECTS_BY_CODE[main]
        found_pii = tuple(
            v for slot in ("phone", "email") if (v := composer.used(slot)) is not None
        )
        items.append(
            DemoFeedback(
                kind=kind,
                text=draft.text,
                language=language,
                rating=draft.rating,
                customer_index=customer.index if customer else None,
                channel=channel,
                touchpoint=aspect.touchpoint,
                department=aspect.department,
                occurred_at=times[i],
                truth=FeedbackTruth(
                    main_aspect=main,
                    aspects=tuple(
                        AspectTruth(code, ASPECTS_BY_CODE[code].category, sentiment)
                        for code, sentiment in draft.aspects
                    ),
                    sentiment=overall_sentiment(draft.aspects),
                    pii=found_pii,
                    incident=incident,
                ),
            )
        )
    items.sort(key=lambda item: item.occurred_at)
    return items
