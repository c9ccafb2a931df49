"""Aspect evaluation data: loaders and the mappings between their labels and our codes.

Two public corpora with aspect labels are mapped onto a small set of *evaluation
categories* that both the gold labels and the taxonomy codes can be mapped to:

AI Challenger 2018 (Dianping restaurant reviews, zh; 20 aspect columns, 1 positive,
0 neutral, −1 negative, −2 not mentioned):

==============  ==========================================================  ==============================================
category        AI Challenger columns                                       taxonomy codes
==============  ==========================================================  ==============================================
location        location_traffic_convenience, location_distance_from_       location
                business_district, location_easy_to_find,
                service_parking_convenience
waiting         service_wait_time, service_serving_speed                    waiting_time, responsiveness
staff           service_waiters_attitude                                    staff_attitude, assurance, empathy
price           price_level, price_cost_effective, price_discount           price
environment     environment_decoration, environment_noise,                  environment, tangibles
                environment_space, environment_cleaness
food            dish_portion, dish_taste, dish_look, dish_recommendation    food_taste, product_quality
==============  ==========================================================  ==============================================

``others_overall_experience`` and ``others_willing_to_consume_again`` are not aspects
of the service (overall judgement, loyalty) and are left out.

SemEval-2014 Task 4 restaurants (en; aspect categories with polarity): food →
food_taste, product_quality; service → staff_attitude, waiting_time, responsiveness,
assurance, empathy, billing; price → price; ambience → environment, tangibles.
``anecdotes/miscellaneous`` has no counterpart in a service taxonomy and is left out
(a sentence whose only category it is counts as mentioning no aspect).

Gold polarity of a category is a *set*: the polarities of its columns (AI Challenger)
or the category's polarity (SemEval), where SemEval's ``conflict`` and an AI Challenger
category whose columns disagree in sign give ``{positive, negative}``. A prediction is
right when its label is in the set.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from manyi.errors import InvalidInput

__all__ = [
    "AI_CHALLENGER_COLUMNS",
    "AI_CHALLENGER_FILE",
    "CODES_AI_CHALLENGER",
    "CODES_SEMEVAL",
    "SEMEVAL_FILE",
    "AspectCorpus",
    "load_ai_challenger",
    "load_semeval",
]

AI_CHALLENGER_FILE = "ai_challenger_2018/ktmud_chinese_valid.csv"
SEMEVAL_FILE = "semeval2014_restaurants/Restaurants_Train_v2.xml"

#: Evaluation category -> AI Challenger columns.
AI_CHALLENGER_COLUMNS: dict[str, tuple[str, ...]] = {
    "location": (
        "location_traffic_convenience",
        "location_distance_from_business_district",
        "location_easy_to_find",
        "service_parking_convenience",
    ),
    "waiting": ("service_wait_time", "service_serving_speed"),
    "staff": ("service_waiters_attitude",),
    "price": ("price_level", "price_cost_effective", "price_discount"),
    "environment": (
        "environment_decoration",
        "environment_noise",
        "environment_space",
        "environment_cleaness",
    ),
    "food": ("dish_portion", "dish_taste", "dish_look", "dish_recommendation"),
}
#: Taxonomy code -> AI Challenger evaluation category.
CODES_AI_CHALLENGER: dict[str, str] = {
    "location": "location",
    "waiting_time": "waiting",
    "responsiveness": "waiting",
    "staff_attitude": "staff",
    "assurance": "staff",
    "empathy": "staff",
    "price": "price",
    "environment": "environment",
    "tangibles": "environment",
    "food_taste": "food",
    "product_quality": "food",
}
#: Taxonomy code -> SemEval-2014 restaurant category.
CODES_SEMEVAL: dict[str, str] = {
    "food_taste": "food",
    "product_quality": "food",
    "staff_attitude": "service",
    "waiting_time": "service",
    "responsiveness": "service",
    "assurance": "service",
    "empathy": "service",
    "billing": "service",
    "price": "price",
    "environment": "ambience",
    "tangibles": "ambience",
}
_SEMEVAL_CATEGORIES = ("food", "service", "price", "ambience")
_POLARITY = {1: "positive", 0: "neutral", -1: "negative"}
_BOTH = frozenset({"positive", "negative"})

Gold = dict[str, frozenset[str]]


@dataclass(frozen=True)
class AspectCorpus:
    """Texts with gold aspect categories and polarity sets.

    Attributes
    ----------
    name : str
        Short corpus name for reports.
    texts : tuple of str
        The texts, as given.
    gold : tuple of dict
        Per text: evaluation category -> set of acceptable polarity labels.
    categories : tuple of str
        The evaluation categories.
    code_map : Mapping[str, str]
        Taxonomy code -> evaluation category.
    language : str
        ``"zh"`` or ``"en"``.
    """

    name: str
    texts: tuple[str, ...]
    gold: tuple[Gold, ...]
    categories: tuple[str, ...]
    code_map: Mapping[str, str]
    language: str


def _polarity_set(values: list[int]) -> frozenset[str]:
    labels = frozenset(_POLARITY[v] for v in values)
    if {"positive", "negative"} <= labels:
        return _BOTH
    if len(labels) > 1:  # neutral with one signed column: the signed one is the opinion
        return labels - {"neutral"}
    return labels


def load_ai_challenger(data_dir: str | Path) -> AspectCorpus:
    """Load AI Challenger 2018 (validation file) with categories mapped as documented.

    Examples
    --------
    >>> corpus = load_ai_challenger("../shared/data/text")  # doctest: +SKIP
    >>> len(corpus.texts)  # doctest: +SKIP
    2000
    """
    path = Path(data_dir) / AI_CHALLENGER_FILE
    if not path.is_file():
        raise InvalidInput(f"AI Challenger file not found: {path}")
    frame = pd.read_csv(path)
    needed = ["content", *(c for cols in AI_CHALLENGER_COLUMNS.values() for c in cols)]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InvalidInput(f"{path} lacks column(s): {', '.join(missing)}")
    gold: list[Gold] = []
    for _, row in frame.iterrows():
        item: Gold = {}
        for category, columns in AI_CHALLENGER_COLUMNS.items():
            values = [int(row[c]) for c in columns if int(row[c]) != -2]
            if values:
                item[category] = _polarity_set(values)
        gold.append(item)
    return AspectCorpus(
        name="AI Challenger 2018 (zh, 2,000 reviews)",
        texts=tuple(frame["content"].fillna("").astype(str)),
        gold=tuple(gold),
        categories=tuple(AI_CHALLENGER_COLUMNS),
        code_map=CODES_AI_CHALLENGER,
        language="zh",
    )


def load_semeval(data_dir: str | Path) -> AspectCorpus:
    """Load SemEval-2014 restaurants (train file), categories mapped as documented.

    Examples
    --------
    >>> corpus = load_semeval("../shared/data/text")  # doctest: +SKIP
    >>> len(corpus.texts)  # doctest: +SKIP
    3041
    """
    path = Path(data_dir) / SEMEVAL_FILE
    if not path.is_file():
        raise InvalidInput(f"SemEval file not found: {path}")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InvalidInput(f"{path} is not valid XML: {exc}") from None
    texts: list[str] = []
    gold: list[Gold] = []
    for sentence in root.iter("sentence"):
        texts.append(sentence.findtext("text") or "")
        item: Gold = {}
        for category in sentence.iter("aspectCategory"):
            name, polarity = category.get("category"), category.get("polarity")
            if name in _SEMEVAL_CATEGORIES and polarity is not None:
                item[name] = _BOTH if polarity == "conflict" else frozenset({polarity})
        gold.append(item)
    return AspectCorpus(
        name="SemEval-2014 restaurants (en, 3,041 sentences)",
        texts=tuple(texts),
        gold=tuple(gold),
        categories=_SEMEVAL_CATEGORIES,
        code_map=CODES_SEMEVAL,
        language="en",
    )
